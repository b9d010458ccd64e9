"""A build of one EPUB (or one HTML page) starts its worker before the project is read: the
worker reads the project itself, beside the build's own reading and checks. Its result is
used only when its stamp (a hash of every input) is the build's; either way the output is
the same bytes as a render from the build's own reading."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from dossier.build import build

from conftest import copy_project, edit

build_module = importlib.import_module("dossier.build")  # `dossier.build` is the function
#: the reader edition with an HTML page too
EDITION = '\n[editions.reader]\nformats = ["epub", "html"]\n'


def _one(root: Path, fmt: str, out: Path) -> bytes:
    [output] = build(root, formats=[fmt], output_dir=out, force=True)
    return output.path.read_bytes()


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_the_early_render_is_the_same_bytes_as_a_render_from_the_build_s_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    manifest = root / "dossier.toml"
    manifest.write_text(manifest.read_text() + EDITION)
    used: list[str] = []
    start = build_module._start_early

    def counted(*args: Any) -> str | None:
        name = start(*args)
        used.extend([name] if name else [])
        return name

    monkeypatch.setattr(build_module, "_start_early", counted)
    early = _one(root, fmt, tmp_path / "early")
    assert used == [f"reader {fmt.upper()}"]
    monkeypatch.setattr(build_module, "_start_early", lambda *args: None)
    assert _one(root, fmt, tmp_path / "plain") == early


def test_an_early_render_of_other_inputs_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a file change between the worker's reading and the build's, the stamps
    differ: the worker's result is dropped and the edition rendered from the build's own
    reading (here the worker is made to read an edited copy)."""
    root = copy_project("minimal", tmp_path / "minimal")
    expected = _one(root, "epub", tmp_path / "first")
    other = copy_project("minimal", tmp_path / "other")
    edit(other, "sections/02-story.md", "a cold morning", "a warm morning")
    render_early = build_module._render_early

    def elsewhere(config: Any, *args: Any) -> Any:
        from dossier.config import load_config

        return render_early(load_config(other), *args)

    monkeypatch.setattr(build_module, "_render_early", elsewhere)
    assert _one(root, "epub", tmp_path / "second") == expected


def test_a_mistake_in_the_project_stops_the_early_render(project: Path) -> None:
    from click.testing import CliRunner

    from dossier.cli import main

    edit(project, "sections/01-summary.md", "[@witness;", "[@nobody;")
    result = CliRunner().invoke(main, ["build", str(project), "--format", "epub"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "unknown source key 'nobody'" in result.stderr
    assert not any((project / "build").glob("*.epub"))
