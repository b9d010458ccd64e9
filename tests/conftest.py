"""Shared fixtures: sample projects copied into tmp_path, built once per session where the
tests only read the outputs; the `--update-golden` option (tests/golden/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import build
from dossier.cli import main

# helper modules that assert: pytest shows the values of a failed comparison there too
pytest.register_assert_rewrite("inspect_outputs", "runner", "strategies")

TESTS = Path(__file__).parent
REPO = TESTS.parent
PROJECTS = TESTS / "projects"
FONTS = REPO / "styles" / "fonts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden HTML/XHTML files in tests/golden/ instead of comparing",
    )


def run_cli(*args: str) -> tuple[int, str, str]:
    """`dossier ARGS` in this process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def copy_project(name: str, target: Path) -> Path:
    """Copy tests/projects/<name> into target (with the repository's fonts)."""
    shutil.copytree(PROJECTS / name, target, dirs_exist_ok=True)
    if (target / "styles").is_dir():
        shutil.copytree(FONTS, target / "styles" / "fonts", dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True with `pytest --update-golden`: golden tests rewrite their files."""
    return bool(request.config.getoption("--update-golden"))


def edit(project: Path, path: str, old: str, new: str) -> None:
    """Replace the first `old` in a project file by `new` (which must be there)."""
    file = project / path
    text = file.read_text()
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the minimal sample project."""
    return copy_project("minimal", tmp_path / "minimal")


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the minimal sample that tests copy again and never change."""
    return copy_project("minimal", tmp_path_factory.mktemp("pristine") / "project")


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


def editions_project(target: Path) -> Path:
    """The minimal sample with the four kinds of edition (tests/projects/editions.toml)."""
    root = copy_project("minimal", target)
    manifest = root / "dossier.toml"
    manifest.write_text(manifest.read_text() + (PROJECTS / "editions.toml").read_text())
    context = root / "sections" / "03-context.md"  # long enough to reach a verso page
    filler = "The committee's papers were filed, indexed and read again by the editors. " * 12
    context.write_text(context.read_text() + "\n" + "\n\n".join([filler] * 8) + "\n")
    (root / "styles" / "print").mkdir()
    shutil.copy(REPO / "styles" / "print" / "coated-fogra39.icc", root / "styles" / "print")
    return root


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four editions of the sample, built once: {'briefing.pdf': path, ..., 'root': …}."""
    root = editions_project(tmp_path_factory.mktemp("editions") / "sample")
    outputs = build(root)
    return {"root": root, **{f"{o.edition}.{o.format}": o.path for o in outputs}}
