"""writers.html_embed: project files as data: URLs (images stripped), stylesheets with every
url() inside them, and fonts cut to the characters a page uses, as WOFF2."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from metadata_images import MAKERS, traces

from dossier.errors import ContentError
from dossier.outputs.html_audit import active_content
from dossier.reading.styles import FontFace, Stylesheets
from dossier.sandbox.files import ProjectFiles
from dossier.writers.html_embed import (
    Embedder,
    _subset_woff2,
    font_faces,
    inline_stylesheet,
    subset_font,
)

from conftest import FONTS

REGULAR = (FONTS / "PTF55F.ttf").read_bytes()


def decode(url: str) -> bytes:
    assert url.startswith("data:") and ";base64," in url
    return base64.b64decode(url.split(",", 1)[1])


def test_a_font_is_cut_to_the_characters_and_packed_as_woff2() -> None:
    cut = subset_font(REGULAR, "Kabardino ə ğ ı ş ґ є і ї")
    assert cut[:4] == b"wOF2"
    font = TTFont(io.BytesIO(cut))
    cmap = set(font.getBestCmap())
    assert {ord(c) for c in "Kabardinoґєії"} <= cmap
    assert ord("Z") not in cmap and ord("ж") not in cmap
    assert len(cut) < len(REGULAR) / 10


def test_cutting_is_deterministic() -> None:
    _subset_woff2.cache_clear()
    first = subset_font(REGULAR, "abc")
    _subset_woff2.cache_clear()
    assert subset_font(REGULAR, "abc") == first


@pytest.fixture
def project(tmp_path: Path) -> ProjectFiles:
    (tmp_path / "styles" / "img").mkdir(parents=True)
    (tmp_path / "styles" / "img" / "photo.jpg").write_bytes(MAKERS["jpg"]())
    (tmp_path / "styles" / "PTF55F.ttf").write_bytes(REGULAR)
    (tmp_path / "styles" / "own.css").write_text(
        '@import "more.css";\n'
        '@font-face { font-family: "Dossier Text"; src: url(PTF55F.ttf); }\n'
        "body { background: url(img/photo.jpg) }\n"
        '.a { background-image: url("img/photo.jpg") }\n'
        "@media print { .b { list-style-image: url('img/photo.jpg') } }\n"
    )
    (tmp_path / "styles" / "escape.css").write_text("p { background: url(../../etc/passwd) }")
    return ProjectFiles(tmp_path)


def test_cut_fonts_are_kept_between_builds(tmp_path: Path) -> None:
    first = subset_font(REGULAR, "Nalchik", tmp_path / "fonts")
    [stored] = (tmp_path / "fonts").glob("*.font")
    assert stored.read_bytes() == first == subset_font(REGULAR, "Nalchik")  # same bytes
    stored.write_bytes(b"marker")  # a hit is read from the folder, not cut again
    assert subset_font(REGULAR, "Nalchik", tmp_path / "fonts") == b"marker"
    assert subset_font(REGULAR, "Baksan", tmp_path / "fonts") != b"marker"


def test_a_stylesheet_keeps_its_rules_with_every_url_inside(project: ProjectFiles) -> None:
    embed = Embedder(project)
    css = inline_stylesheet(project, "styles/own.css", embed)
    assert "@font-face" not in css and "@import" not in css
    assert css.count("url(data:image/jpeg;base64,") == 3
    assert "@media print" in css and ".b" in css
    page = f"<html><head><style>{css}</style></head><body></body></html>".encode()
    assert active_content(page) == ""


def test_an_embedded_image_loses_its_metadata(project: ProjectFiles) -> None:
    assert traces(MAKERS["jpg"]())  # the sample does carry identifying strings
    assert traces(decode(Embedder(project)("styles/img/photo.jpg"))) == []


def test_a_url_outside_the_project_is_refused(project: ProjectFiles) -> None:
    with pytest.raises(ContentError, match=r"escape\.css"):
        inline_stylesheet(project, "styles/escape.css", Embedder(project))


def test_font_faces_cover_every_declared_face(project: ProjectFiles) -> None:
    sheets = Stylesheets(
        fonts=[
            FontFace("Dossier Text", "styles/PTF55F.ttf", 400, False),
            FontFace("Dossier Text", "styles/PTF55F.ttf", 700, True),
        ]
    )
    faces = font_faces(project, sheets, "Nalchik")
    assert [(f.family, f.weight, f.style) for f in faces] == [
        ("Dossier Text", 400, "normal"),
        ("Dossier Text", 700, "italic"),
        # no "Dossier Sans" of the project's: the theme's sans backs it up, all four styles
        ("Dossier Theme Sans", 400, "normal"),
        ("Dossier Theme Sans", 400, "italic"),
        ("Dossier Theme Sans", 700, "normal"),
        ("Dossier Theme Sans", 700, "italic"),
    ]
    assert all(decode(f.url)[:4] == b"wOF2" for f in faces)
