"""A character that no font of the theme or the project covers is a `dossier check` error at
its file, line and column, naming the character and the script to find a font for; a project
font that covers it (declared with @font-face in its styles) clears the error."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from dossier.config import load_config
from dossier.reading.fonts import drawn, message, script_of, uncovered
from dossier.reading.project import read_project
from dossier.sandbox.fonts import (
    FONTCONFIG_FILE,
    THEME_FONTS,
    confine_fonts,
    theme_coverage,
    theme_font_files,
)

from conftest import edit

SIX = {
    "en": "The quick brown fox",
    "ru": "Съешь же ещё этих мягких французских булок",
    "uk": "Ґанок, їжак, єнот, і все",
    "ka": "სახელმწიფო ხელისუფლება",
    "hy": "Հայաստանի Հանրապետություն",
    "az": "Azərbaycan Respublikası ğ ı ş Ə İ Ğ Ş",
}


def tiny_font(chars: str) -> bytes:
    """A TrueType font with a square glyph for each of `chars` (made here, no file needed)."""
    chars = "".join(dict.fromkeys(chars))
    names = [".notdef"] + [f"g{ord(c):x}" for c in chars]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"g{ord(c):x}" for c in chars})
    pen = TTGlyphPen(None)
    for x, y in ((100, 0), (100, 700), (600, 700), (600, 0)):
        (pen.moveTo if (x, y) == (100, 0) else pen.lineTo)((x, y))
    pen.closePath()
    square = pen.glyph()
    fb.setupGlyf({name: square for name in names})
    fb.setupHorizontalMetrics({name: (700, 100) for name in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def problems(project: Path) -> list[str]:
    found, _, _ = read_project(load_config(project))
    return [str(p) for p in found.sorted()]


def test_the_theme_covers_the_six_languages() -> None:
    covered = theme_coverage()
    for language, text in SIX.items():
        missing = [c for c in text if drawn(c) and ord(c) not in covered]
        assert not missing, (language, missing)


def test_the_theme_ships_two_families_in_four_styles_with_their_licence() -> None:
    names = {p.name for p in theme_font_files()}
    for family in ("NotoSerif", "NotoSans"):
        assert {f"{family}-{s}.ttf" for s in ("Regular", "Italic", "Bold", "BoldItalic")} <= names
    for script in ("Georgian", "Armenian"):
        assert {
            f"Noto{k}{script}-{w}.ttf" for k in ("Serif", "Sans") for w in ("Regular", "Bold")
        } <= names
    assert "SIL OPEN FONT LICENSE Version 1.1" in (THEME_FONTS / "OFL.txt").read_text()


def test_fontconfig_sees_only_the_theme(monkeypatch) -> None:
    monkeypatch.setenv("FONTCONFIG_PATH", "/etc/fonts")
    confine_fonts()
    import os

    assert os.environ["FONTCONFIG_FILE"] == str(FONTCONFIG_FILE)
    assert "FONTCONFIG_PATH" not in os.environ
    conf = FONTCONFIG_FILE.read_text()
    assert '<dir prefix="relative">fonts</dir>' in conf
    assert "<include" not in conf and "/usr/share/fonts" not in conf


def test_uncovered_reports_the_first_of_each_script_with_its_place() -> None:
    lines = ["Plain text", "ภาษา and 漢字", "# 𝄞 a comment", "more ภ"]
    found = uncovered("sections/02.md", lines, theme_coverage())
    first = {item.char: (str(item.where), item.count) for item in found}
    assert first == {
        "ภ": ("sections/02.md:2:1", 3),
        "漢": ("sections/02.md:2:10", 2),
        "𝄞": ("sections/02.md:3:3", 1),
    }
    # in a data file a comment line is not text: it is skipped
    assert [i.char for i in uncovered("sections/c.yaml", lines, theme_coverage())] == ["ภ", "漢"]


def test_invisible_characters_need_no_glyph() -> None:
    assert not any(drawn(c) for c in "\u00ad\u200d\ufe0f\u2028\t")
    assert drawn("ა") and drawn("\u00a0")


def test_message_names_the_character_and_what_to_add() -> None:
    found = uncovered("s.md", ["ภาษา"], theme_coverage())[0]
    assert script_of("ภ") == "Thai"
    assert message(found, "Thai") == (
        "U+0E20 ภ is in no font (and 2 more Thai character(s) in this file); "
        "add a font that covers Thai to styles"
    )


def test_check_refuses_a_character_in_no_font(project: Path) -> None:
    edit(project, "sections/02-story.md", "\n\n", "\n\nIn Thai: ภาษา.\n\n")
    line = next(
        n
        for n, text in enumerate((project / "sections/02-story.md").read_text().split("\n"), 1)
        if "ภาษา" in text
    )
    assert problems(project) == [
        f"sections/02-story.md:{line}:10: error: U+0E20 ภ is in no font (and 2 more Thai "
        "character(s) in this file); add a font that covers Thai to styles"
    ]


def test_georgian_armenian_and_azerbaijani_need_no_project_font(project: Path) -> None:
    edit(project, "sections/02-story.md", "\n\n", f"\n\n{SIX['ka']} {SIX['hy']} {SIX['az']}\n\n")
    assert problems(project) == []


def test_a_project_font_that_covers_it_clears_the_error(project: Path) -> None:
    edit(project, "sections/02-story.md", "\n\n", "\n\nIn Thai: ภาษา.\n\n")
    (project / "styles" / "thai.ttf").write_bytes(tiny_font("ภาษา"))
    sheet = project / "styles" / "fonts.css"
    sheet.write_text(
        sheet.read_text() + '@font-face { font-family: "Thai"; src: url(thai.ttf); }\n'
    )
    assert problems(project) == []


def test_a_character_in_the_manifest_is_checked_too(project: Path) -> None:
    edit(project, "dossier.toml", 'subtitle = "', 'subtitle = "漢 ')
    assert problems(project) == [
        "dossier.toml:3:13: error: U+6F22 漢 is in no font; add a font that covers Han to styles"
    ]
