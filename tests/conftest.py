"""Shared fixtures: sample projects copied into tmp_path, built once per session where the
tests only read the outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier import build

TESTS = Path(__file__).parent
REPO = TESTS.parent
PROJECTS = TESTS / "projects"
FONTS = REPO / "styles" / "fonts"


def copy_project(name: str, target: Path) -> Path:
    """Copy tests/projects/<name> into target (with the repository's fonts)."""
    shutil.copytree(PROJECTS / name, target, dirs_exist_ok=True)
    if (target / "styles").is_dir():
        shutil.copytree(FONTS, target / "styles" / "fonts", dirs_exist_ok=True)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the minimal sample project."""
    return copy_project("minimal", tmp_path / "minimal")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal project built once: {'pdf': path, 'epub': path, 'root': project}."""
    root = copy_project("minimal", tmp_path_factory.mktemp("built") / "minimal")
    outputs = build(root)
    return {"root": root, **{o.format: o.path for o in outputs}}


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled dossier (the repository itself) built once into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled")
    outputs = build(REPO, output_dir=out)
    return {f"{o.edition}.{o.format}": o.path for o in outputs}
