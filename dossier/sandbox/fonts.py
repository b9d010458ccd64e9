"""The fonts a render may use: the theme's own (theme/fonts/) and the project's, never the
machine's.

WeasyPrint finds fonts through fontconfig, which by default offers every font installed on
the machine and quietly substitutes one of them for any character the document's fonts lack,
so the same project would look different, or show other glyphs, from one machine to the next.
`confine_fonts()` points fontconfig at the theme's `fonts.conf` instead: its only font folder
is the theme's, and it loads none of the system's rules (aliases, synthetic styles). The
project's fonts still arrive through its `@font-face` rules. Together with `dossier check`
refusing a character no font covers, this means no fallback to anything unknown.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from dossier.sandbox.files import THEME_DIR

THEME_FONTS = THEME_DIR / "fonts"
FONTCONFIG_FILE = THEME_DIR / "fonts.conf"
#: how fontconfig could be steered elsewhere; none of them may apply to a render
_FONTCONFIG_VARIABLES = ("FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")


def confine_fonts() -> None:
    """Make fontconfig see only the theme's configuration, in this process and its children.
    Call before WeasyPrint (Pango) loads a configuration: at import, and for each
    `FontConfiguration`, fontconfig reads `FONTCONFIG_FILE` again."""
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    for name in _FONTCONFIG_VARIABLES:
        os.environ.pop(name, None)


def theme_font_files() -> list[Path]:
    """The theme's font files, sorted by name."""
    return sorted(p for p in THEME_FONTS.iterdir() if p.suffix.lower() in (".ttf", ".otf"))


@cache
def theme_coverage() -> frozenset[int]:
    """Every code point some theme font has a glyph for."""
    covered: set[int] = set()
    for path in theme_font_files():
        covered |= theme_cmap(path.name)
    return frozenset(covered)


@cache
def theme_cmap(name: str) -> frozenset[int]:
    """The code points of one theme font ('NotoSans-Bold.ttf')."""
    return cmap((THEME_FONTS / name).read_bytes())


def best_cmap(font: Any) -> dict[int, str] | None:
    """A fontTools font's Unicode character map (None if it has none), with placeholder
    glyph names: they spare decoding the 'post' table's names, which costs more than the
    map itself, and only the code points are used."""
    font.setGlyphOrder([f"g{n}" for n in range(font["maxp"].numGlyphs)])
    found: dict[int, str] | None = font.getBestCmap()
    return found


@lru_cache(maxsize=64)  # the stylesheet check and the coverage check read the same fonts
def cmap(data: bytes) -> frozenset[int]:
    """The code points a font (TrueType, OpenType or WOFF bytes) maps to glyphs; empty for a
    file that is not a readable font (the stylesheet check reports those)."""
    from fontTools.ttLib import TTFont

    try:
        return frozenset(best_cmap(TTFont(io.BytesIO(data), lazy=True)) or ())
    except Exception:  # fontTools raises many kinds for damaged files
        return frozenset()


def coverage(fonts: Iterable[bytes]) -> frozenset[int]:
    """The theme's coverage plus that of these (project) fonts."""
    covered = set(theme_coverage())
    for data in fonts:
        covered |= cmap(data)
    return frozenset(covered)


def theme_font(name: str) -> bytes:
    """A theme font file's bytes (e.g. 'NotoSans-Bold.ttf')."""
    return (THEME_FONTS / name).read_bytes()
