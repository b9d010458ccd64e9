"""`dossier new DIR` gives a project that `dossier check --strict` finds clean and that
builds at once: a PDF whose fonts are all the theme's and embedded, with no missing glyph,
an EPUB that carries the theme's fonts and passes EPUBCheck, and a web page with the
theme's fonts inside it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from test_theme_fonts import shown_glyphs

from conftest import run_cli
from inspect_outputs import epubcheck, fonts, page_texts


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("new") / "first-dossier"
    code, _, err = run_cli("new", str(root))
    assert code == 0, err
    code, out, err = run_cli("check", "--strict", str(root))
    assert code == 0 and "0 error(s), 0 warning(s)" in out + err, out + err
    code, _, err = run_cli("build", str(root), "-q")
    assert code == 0, err
    built = {
        p.suffix[1:]: p
        for p in (root / "build").iterdir()
        if p.suffix in (".pdf", ".epub", ".html")
    }
    return {"root": root, **built}


def test_it_builds_a_pdf_an_epub_and_a_web_page(first: dict[str, Path]) -> None:
    assert set(first) == {"root", "pdf", "epub", "html"}
    text = "\n".join(page_texts(first["pdf"]))
    for expected in ("First dossier", "Introduction", "Findings", "Chronology", "Sources"):
        assert expected in text


def test_its_fonts_are_the_theme_s_embedded_without_a_missing_glyph(first: dict[str, Path]) -> None:
    table = fonts(first["pdf"])
    assert table and all(row["emb"] == "yes" for row in table), table
    names = {row["name"].split("+", 1)[1] for row in table}
    assert all(n.startswith(("Dossier-Theme-", "Noto-")) for n in names), names
    assert all(0 not in glyphs for glyphs in shown_glyphs(first["pdf"]).values())


def test_the_epub_carries_the_theme_fonts_and_is_valid(first: dict[str, Path]) -> None:
    with zipfile.ZipFile(first["epub"]) as z:
        packed = {n for n in z.namelist() if n.startswith("EPUB/theme/fonts/")}
    assert "EPUB/theme/fonts/NotoSerif-Regular.ttf" in packed
    assert "EPUB/theme/fonts/NotoSans-Bold.ttf" in packed
    report = epubcheck(first["epub"])
    assert report["exit_code"] == 0 and not report["messages"], report["messages"]


def test_the_web_page_embeds_the_theme_fonts_and_nothing_else(first: dict[str, Path]) -> None:
    page = first["html"].read_text()
    families = set(re.findall(r'@font-face \{ font-family: "([^"]+)"; src: url\(data:', page))
    assert {"Dossier Theme Serif", "Dossier Theme Sans"} <= families
    assert all(f.startswith("Dossier Theme ") for f in families), families
