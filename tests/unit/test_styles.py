"""reading/styles.py: the files a project's stylesheets pull in (imports, images, fonts), the
@font-face rules they declare, and fonts that are not fonts (tests/unit/test_stylesheet_refs.py
has the error locations)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier.errors import Location, Problems
from dossier.reading.styles import FontFace, Stylesheets, font_problem, read_stylesheets
from dossier.sandbox.files import ProjectFiles

from conftest import FONTS

WHERE = Location("dossier.toml", 12, 1)


def read(root: Path, *names: str) -> tuple[Stylesheets, list[str]]:
    problems = Problems()
    sheets = read_stylesheets(ProjectFiles(root), [(n, WHERE) for n in names], problems)
    return sheets, [str(p) for p in problems.items]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "styles" / "fonts").mkdir(parents=True)
    (tmp_path / "styles" / "img").mkdir()
    for name in ("PTF55F.ttf", "PTF56F.ttf", "PTF75F.ttf"):
        shutil.copy(FONTS / name, tmp_path / "styles" / "fonts" / name)
    (tmp_path / "styles" / "img" / "rule.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def test_files_resources_and_fonts_are_collected(root: Path) -> None:
    (root / "styles" / "main.css").write_text(
        '@import "parts/print.css";\n'
        "@font-face { font-family: 'Body'; src: url(fonts/PTF55F.ttf); }\n"
        '@font-face { font-family: "Body"; src: url("fonts/PTF56F.ttf") format("truetype");\n'
        "  font-style: italic; }\n"
        "@font-face { font-family: Body; src: url(fonts/PTF75F.ttf); font-weight: bold; }\n"
        "hr { background: URL(img/rule.png); }\n"
    )
    (root / "styles" / "parts").mkdir()
    (root / "styles" / "parts" / "print.css").write_text(
        "@media print { hr { background: url(../img/rule.png) } }\n"
    )
    sheets, problems = read(root, "styles/main.css")
    assert problems == []
    assert sheets.files == ["styles/main.css", "styles/parts/print.css"]
    # each resource once, fonts included, in the order first referenced
    assert sheets.resources == [
        "styles/fonts/PTF55F.ttf",
        "styles/fonts/PTF56F.ttf",
        "styles/fonts/PTF75F.ttf",
        "styles/img/rule.png",
    ]
    assert sheets.fonts == [
        FontFace("Body", "styles/fonts/PTF55F.ttf", 400, False),
        FontFace("Body", "styles/fonts/PTF56F.ttf", 400, True),
        FontFace("Body", "styles/fonts/PTF75F.ttf", 700, False),
    ]


def test_imports_that_go_round_are_read_once(root: Path) -> None:
    (root / "styles" / "a.css").write_text('@import url("b.css");\np { color: red }\n')
    (root / "styles" / "b.css").write_text("@import url(a.css);\n@import 'a.css';\n")
    sheets, problems = read(root, "styles/a.css", "styles/b.css")
    assert problems == []
    assert sheets.files == ["styles/a.css", "styles/b.css"]


def test_urls_inside_nested_rules_and_functions_are_found(root: Path) -> None:
    (root / "styles" / "a.css").write_text(
        "@supports (display: grid) {\n"
        "  @media screen { .x { background-image: image-set(url(img/rule.png) 1x); } }\n"
        "}\n"
        "/* url(not/a/reference.png) in a comment */\n"
    )
    sheets, problems = read(root, "styles/a.css")
    assert problems == []
    assert sheets.resources == ["styles/img/rule.png"]


def test_a_missing_resource_is_reported_and_the_rest_is_read(root: Path) -> None:
    (root / "styles" / "a.css").write_text(
        "p { background: url(img/none.png) }\nhr { background: url(img/rule.png) }\n"
    )
    sheets, problems = read(root, "styles/a.css")
    assert len(problems) == 1 and problems[0].startswith("styles/a.css:1:17: error:")
    assert "img/none.png" in problems[0]
    assert sheets.resources == ["styles/img/rule.png"]


def test_a_missing_stylesheet_is_reported_where_it_is_named(root: Path) -> None:
    sheets, problems = read(root, "styles/none.css")
    assert problems == ["dossier.toml:12:1: error: file 'styles/none.css' not found"]
    assert sheets.files == []


def test_a_file_named_like_a_font_must_be_one(root: Path) -> None:
    (root / "styles" / "fonts" / "fake.ttf").write_bytes(b"this is not a font at all")
    (root / "styles" / "a.css").write_text(
        "@font-face { font-family: X; src: url(fonts/fake.ttf); }\n"
    )
    _, problems = read(root, "styles/a.css")
    assert len(problems) == 1
    assert problems[0].startswith(
        "styles/a.css:1:35: error: 'styles/fonts/fake.ttf' is not a usable font: "
    )


def test_font_problem() -> None:
    assert font_problem((FONTS / "PTF55F.ttf").read_bytes()) == ""
    assert font_problem(b"") != ""
    assert font_problem(b"\x00\x01\x00\x00" + b"\x00" * 60) != ""


def test_font_faces_without_a_family_or_a_url_are_skipped(root: Path) -> None:
    (root / "styles" / "a.css").write_text(
        "@font-face { src: url(fonts/PTF55F.ttf); }\n"
        "@font-face { font-family: Local; src: local(Arial); }\n"
        "@font-face { font-family: Thin; src: url(fonts/PTF55F.ttf); font-weight: 100; }\n"
        "@font-face { font-family: Odd; src: url(fonts/PTF55F.ttf); font-weight: 300 600;\n"
        "  font-style: oblique; }\n"
    )
    sheets, problems = read(root, "styles/a.css")
    assert problems == []
    assert sheets.fonts == [
        FontFace("Thin", "styles/fonts/PTF55F.ttf", 100, False),
        FontFace("Odd", "styles/fonts/PTF55F.ttf", 400, True),  # a range: the default weight
    ]


def test_the_nearest_weight_of_the_right_style_is_chosen() -> None:
    sheets = Stylesheets(
        fonts=[
            FontFace("Body", "r.ttf", 400),
            FontFace("Body", "b.ttf", 700),
            FontFace("Body", "i.ttf", 400, italic=True),
            FontFace("Head", "h.ttf", 900),
        ]
    )
    assert sheets.font("Body") == FontFace("Body", "r.ttf", 400)
    assert sheets.font("Body", 600) == FontFace("Body", "b.ttf", 700)
    assert sheets.font("Body", 500) == FontFace("Body", "r.ttf", 400)
    assert sheets.font("Body", 700, italic=True) == FontFace("Body", "i.ttf", 400, True)
    assert sheets.font("Head", 400) == FontFace("Head", "h.ttf", 900)
    assert sheets.font("Head", italic=True) is None
    assert sheets.font("Missing") is None
