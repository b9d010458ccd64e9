"""Subsetting the EPUB's fonts: the book's characters kept, the rest dropped, same bytes
every time, cached by content."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools.ttLib import TTFont

from dossier.writers.epub_fonts import ALWAYS, characters, is_font, prune, subset_font

from conftest import REPO

FONT = REPO / "styles" / "fonts" / "PTF55F.ttf"


def cmap(data: bytes) -> set[int]:
    return set(TTFont(io.BytesIO(data)).getBestCmap())


def test_characters_decode_entities_and_keep_spaces_and_punctuation() -> None:
    chars = characters(["<p>Тбилиси &amp; &#x10D0;&#1329;</p>", "a\u00a0b\u2009c"])
    for c in "Тбилиси&\u10d0\u0531\u00a0\u2009<>/":
        assert c in chars
    assert set(ALWAYS) <= set(chars)
    assert "\n" not in characters(["a\nb\tc"])  # control characters have no glyph
    assert list(chars) == sorted(chars)


def test_subset_keeps_exactly_what_the_text_needs() -> None:
    data = FONT.read_bytes()
    full = cmap(data)
    small = subset_font(data, characters(["Нальчик"]))
    kept = cmap(small)
    assert {ord(c) for c in "Нальчик"} <= kept
    assert {ord(c) for c in ALWAYS} & full <= kept
    assert ord("Ж") in full and ord("Ж") not in kept  # Cyrillic the text does not use
    assert len(small) < len(data) / 5
    font = TTFont(io.BytesIO(small))
    assert "fpgm" not in font and "prep" not in font  # hinting dropped
    assert {"GSUB", "GPOS", "name"} <= set(font.keys())  # features, names and licence kept
    original = TTFont(io.BytesIO(data))
    assert font["head"].modified == original["head"].modified  # no "now" in the bytes
    names = {(n.nameID, n.toUnicode()) for n in font["name"].names}
    licence = {(n.nameID, n.toUnicode()) for n in original["name"].names if n.nameID in (0, 13)}
    assert licence and licence <= names  # copyright and licence text kept


def test_subsetting_is_deterministic_and_cached(tmp_path: Path) -> None:
    data = FONT.read_bytes()
    chars = characters(["Kabardino-Balkaria"])
    first = subset_font(data, chars, tmp_path / "fonts")
    stored = list((tmp_path / "fonts").glob("*.font"))
    assert len(stored) == 1 and stored[0].read_bytes() == first
    assert subset_font(data, chars) == first  # without the cache: the same bytes
    stored[0].write_bytes(b"marker")  # a hit is read from the cache, not computed again
    assert subset_font(data, chars, tmp_path / "fonts") == b"marker"
    other = subset_font(data, characters(["Nalchik Ё"]), tmp_path / "fonts")
    assert other != first and len(list((tmp_path / "fonts").glob("*.font"))) == 2


def test_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cmap(subset_font(FONT.read_bytes(), "abc", blocker / "fonts")) >= {97, 98, 99}


def test_prune_keeps_the_most_recently_used(tmp_path: Path) -> None:
    import os

    for n in range(5):
        path = tmp_path / f"{n}.font"
        path.write_bytes(b"x")
        os.utime(path, (n, n))
    prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.glob("*.font")) == ["3.font", "4.font"]


def test_font_files_are_recognised_by_suffix() -> None:
    assert is_font("styles/fonts/A.TTF") and is_font("a.woff2") and is_font("b.otf")
    assert not is_font("styles/fonts.css")


def test_cached_bytes_are_keyed_by_every_part(tmp_path: Path) -> None:
    from dossier.writers.epub_fonts import cached_bytes

    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        return b"drawn %d" % len(calls)

    assert cached_bytes(tmp_path, [b"a", b"b"], compute) == b"drawn 1"
    assert cached_bytes(tmp_path, [b"a", b"b"], compute) == b"drawn 1"  # from the cache
    assert cached_bytes(tmp_path, [b"ab", b""], compute) == b"drawn 2"  # parts not run together
    assert cached_bytes(None, [b"a", b"b"], compute) == b"drawn 3"  # no cache: computed
    assert len(calls) == 3
