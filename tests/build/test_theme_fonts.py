"""The theme carries its own fonts: a project with no styles is set in them, a paragraph in
each of the six languages we write for (en, ru, uk, ka, hy, az) prints with a real glyph for
every character (no .notdef, every font embedded, all of them the theme's), the machine's
fonts are never used even when asked for by name, and the EPUB carries the theme fonts its
text needs and passes EPUBCheck and Ace."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from ace import assert_ace_clean

from dossier import build

from inspect_outputs import epubcheck, fonts

PARAGRAPHS = {
    "en": "English: The quick brown fox jumps over the lazy dog.",
    "ru": "Русский: Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "uk": "Українська: Ґанок, їжак, єнот, і все — «так».",
    "ka": "ქართული: სახელმწიფო ხელისუფლება და თავისუფლება.",
    "hy": "Հայերեն: Հայաստանի Հանրապետություն, ազատություն։",
    "az": "Azərbaycan: Azərbaycan Respublikası, ğ ı ş ç ö ü Ə İ Ğ Ş.",
}
MANIFEST = """\
name = "scripts"
title = "Six languages"
language = "en"
authors = ["Test"]
date = 2026-01-01
identifier = "urn:uuid:00000000-0000-4000-8000-000000000013"
sections = ["sections/01.md"]
"""


def six_languages(root: Path, extra_css: str = "") -> Path:
    (root / "sections").mkdir(parents=True)
    manifest = MANIFEST
    if extra_css:
        manifest += 'styles = ["style.css"]\n'
        (root / "style.css").write_text(extra_css)
    (root / "dossier.toml").write_text(manifest)
    body = "\n\n".join(f"{text} *{text}* **{text}**" for text in PARAGRAPHS.values())
    (root / "sections" / "01.md").write_text(f"---\ntitle: Six languages\n---\n\n{body}\n")
    return root


def shown_glyphs(pdf: Path) -> dict[str, set[int]]:
    """Font name -> every glyph id the pages show with it (Identity-H: two bytes a glyph)."""
    shown: dict[str, set[int]] = {}
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            resources = page.obj.get("/Resources", {}).get("/Font", {})
            font = None
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "Tf":
                    font = resources[operands[0]]
                    assert font.get("/Encoding") == "/Identity-H", font.get("/BaseFont")
                elif op in ("Tj", "TJ"):
                    strings = operands[0] if op == "TJ" else [operands[0]]
                    name = str(font.get("/BaseFont"))
                    for s in strings:
                        if isinstance(s, pikepdf.String):
                            data = bytes(s)
                            shown.setdefault(name, set()).update(
                                int.from_bytes(data[i : i + 2], "big")
                                for i in range(0, len(data), 2)
                            )
    return shown


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = six_languages(tmp_path_factory.mktemp("six") / "project")
    return {o.format: o.path for o in build(root)}


def test_every_font_is_the_theme_s_and_embedded(six: dict[str, Path]) -> None:
    table = fonts(six["pdf"])
    assert table and all(row["emb"] == "yes" for row in table), table
    names = {row["name"].split("+", 1)[1] for row in table}
    assert all(name.startswith("Dossier-Theme-") for name in names), names
    for script in ("Georgian", "Armenian"):
        assert any(script in name for name in names), names


def test_no_glyph_is_notdef(six: dict[str, Path]) -> None:
    shown = shown_glyphs(six["pdf"])
    assert shown and all(0 not in glyphs for glyphs in shown.values()), shown


def test_every_paragraph_reads_back(six: dict[str, Path]) -> None:
    text = subprocess.run(
        ["pdftotext", str(six["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for language, paragraph in PARAGRAPHS.items():
        assert paragraph in flat, language


def test_the_epub_carries_the_theme_fonts_it_needs(six: dict[str, Path]) -> None:
    with zipfile.ZipFile(six["epub"]) as z:
        names = set(z.namelist())
        css = z.read("EPUB/theme/fonts.css").decode()
    packed = {n.rsplit("/", 1)[1] for n in names if n.startswith("EPUB/theme/fonts/")}
    assert {
        "NotoSerif-Regular.ttf",
        "NotoSerifGeorgian-Bold.ttf",
        "NotoSansArmenian-Regular.ttf",
    } <= packed
    for name in packed:
        assert f"url(fonts/{name})" in css
    report = epubcheck(six["epub"])
    assert report["exit_code"] == 0 and not report["messages"], report["messages"]


@pytest.mark.slow
def test_the_epub_is_ace_clean(six: dict[str, Path]) -> None:
    assert_ace_clean(six["epub"])


def test_an_english_epub_leaves_the_other_scripts_out(tmp_path: Path) -> None:
    root = six_languages(tmp_path / "p")
    body = root / "sections" / "01.md"
    body.write_text(f"---\ntitle: One language\n---\n\n{PARAGRAPHS['en']}\n")
    out = {o.format: o.path for o in build(root, formats=["epub"])}
    with zipfile.ZipFile(out["epub"]) as z:
        packed = {n for n in z.namelist() if n.startswith("EPUB/theme/fonts/")}
    assert packed and not any("Georgian" in n or "Armenian" in n for n in packed), packed


def test_a_system_font_asked_for_by_name_is_not_used(tmp_path: Path) -> None:
    root = six_languages(tmp_path / "p", 'p { font-family: "DejaVu Sans", "Liberation Serif"; }\n')
    pdf = next(o.path for o in build(root, formats=["pdf"]))
    names = {row["name"] for row in fonts(pdf)}
    assert names and not any("DejaVu" in n or "Liberation" in n for n in names), names
    # what fontconfig falls back to is a theme font, under its own name
    assert all(n.split("+", 1)[1].startswith(("Dossier-Theme-", "Noto-")) for n in names), names


def test_the_html_edition_embeds_the_theme_fonts_it_needs_cut_down(tmp_path: Path) -> None:
    root = six_languages(tmp_path / "p")
    manifest = root / "dossier.toml"
    manifest.write_text(manifest.read_text() + '\n[editions.reader]\nformats = ["html"]\n')
    page = next(o.path for o in build(root)).read_text()
    faces = re.findall(r'@font-face \{ font-family: "([^"]+)"; src: url\(data:font/woff2;', page)
    for family in (
        "Dossier Theme Serif",
        "Dossier Theme Serif Georgian",
        "Dossier Theme Sans Armenian",
    ):
        assert family in faces, faces
    assert len(page.encode()) < 400_000  # cut to the characters used, not whole fonts
