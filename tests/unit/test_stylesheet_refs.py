"""Stylesheet references are checked before rendering: an absolute path, a `file:` URL or a
remote URL in any project stylesheet's `@import` or `url()` is a `dossier check` error at
its file, line and column (as images in sections are)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.config import load_config
from dossier.reading.project import read_project


def problems(project: Path) -> list[str]:
    found, _, _ = read_project(load_config(project))
    return [str(p) for p in found.sorted()]


def add_css(project: Path, css: str) -> None:
    """Append lines to the sample's stylesheet (after its existing lines)."""
    sheet = project / "styles" / "fonts.css"
    sheet.write_text(sheet.read_text().rstrip("\n") + "\n" + css)


def css_line(project: Path, needle: str) -> int:
    lines = (project / "styles" / "fonts.css").read_text().split("\n")
    return next(n for n, line in enumerate(lines, 1) if needle in line)


IMPORTS = [
    ('@import url("/etc/dossier/absolute.css");', "absolute path '/etc/dossier/absolute.css'"),
    ("@import url(/etc/dossier/absolute.css);", "absolute path '/etc/dossier/absolute.css'"),
    ('@import "/etc/dossier/absolute.css";', "absolute path '/etc/dossier/absolute.css'"),
    ('@import URL("file:///etc/passwd");', "'file:///etc/passwd' is not a project file"),
    ('@import url("https://example.org/a.css");', "remote resource 'https://example.org/a.css'"),
    ('@import "//example.org/a.css" screen;', "remote resource '//example.org/a.css'"),
]


@pytest.mark.parametrize(("rule", "message"), IMPORTS)
def test_a_bad_import_is_an_error_at_its_line_and_column(
    project: Path, rule: str, message: str
) -> None:
    # imports must come first in CSS, but a misplaced one is still a reference to check
    sheet = project / "styles" / "fonts.css"
    sheet.write_text(rule + "\n" + sheet.read_text())
    found = problems(project)
    assert len(found) == 1, found
    assert found[0].startswith("styles/fonts.css:1:9: error: "), found
    assert message in found[0]


URLS = [
    ('h1 { background: url("/tmp/x.png"); }', "absolute path '/tmp/x.png'"),
    ("h1 { background: url(/tmp/x.png); }", "absolute path '/tmp/x.png'"),
    ("h1 { background: url('file:/tmp/x.png'); }", "'file:/tmp/x.png' is not a project file"),
    ("h1 { background: url(http://example.org/x.png); }", "remote resource"),
    (
        "@font-face { font-family: X; src: url(https://example.org/x.woff2) format('woff2'); }",
        "remote resource 'https://example.org/x.woff2'",
    ),
]


@pytest.mark.parametrize(("rule", "message"), URLS)
def test_a_bad_url_is_an_error_at_its_line_and_column(
    project: Path, rule: str, message: str
) -> None:
    add_css(project, "\n" + rule + "\n")
    line = css_line(project, rule)
    column = rule.lower().index("url(") + 1
    found = problems(project)
    assert len(found) == 1, found
    assert found[0].startswith(f"styles/fonts.css:{line}:{column}: error: "), found
    assert message in found[0]


def test_a_bad_reference_in_an_imported_sheet_is_found_in_that_sheet(project: Path) -> None:
    (project / "styles" / "extra.css").write_text('p {}\n@import url("/abs/olute.css");\n')
    sheet = project / "styles" / "fonts.css"
    sheet.write_text('@import url("extra.css");\n' + sheet.read_text())
    assert problems(project) == [
        "styles/extra.css:2:9: error: absolute path '/abs/olute.css' is not allowed; use a "
        "path relative to the project"
    ]


def test_a_relative_quoted_import_is_followed(project: Path) -> None:
    (project / "styles" / "extra.css").write_text("p { color: black; }\n")
    sheet = project / "styles" / "fonts.css"
    sheet.write_text('@import url("extra.css");\n' + sheet.read_text())
    found, _, sheets = read_project(load_config(project))
    assert [str(p) for p in found.sorted()] == []
    assert sheets is not None and "styles/extra.css" in sheets.files


def test_the_build_stops_before_rendering_with_the_location(project: Path) -> None:
    sheet = project / "styles" / "fonts.css"
    sheet.write_text('@import url("/absolute/path.css");\n' + sheet.read_text())
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 1
    assert "styles/fonts.css:1:9" in result.output and "absolute path" in result.output
    assert "Traceback" not in result.output
    assert not (project / "build").exists() or not any((project / "build").glob("*.pdf"))
