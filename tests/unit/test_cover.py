"""rendering/cover.py: the EPUB cover PNG — its size and colours, text drawn where it
belongs, the project's fonts (or a fallback for a damaged one), and the same bytes for the
same inputs."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image, ImageDraw, ImageFont

from dossier.rendering.cover import MARGIN, SIZE, CoverText, _font, _wrap, render_cover

from conftest import FONTS

ACCENT = "#7a1f2b"
TEXT = CoverText(
    kicker="Briefing",
    title="The committee and its report",
    subtitle="Small, complete, and checkable",
    credit="Based on: Report of the committee (2023)",
    footer="Test Publisher · 1 March 2024",
)


@pytest.fixture(scope="module")
def bold() -> bytes:
    return (FONTS / "PTS75F.ttf").read_bytes()


@pytest.fixture(scope="module")
def regular() -> bytes:
    return (FONTS / "PTS55F.ttf").read_bytes()


@pytest.fixture(scope="module")
def cover(bold: bytes, regular: bytes) -> bytes:
    return render_cover(TEXT, ACCENT, bold, regular)


def colours(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int, int]]:
    return {colour for _, colour in image.crop(box).getcolors(maxcolors=1 << 20)}


def test_a_png_of_the_cover_size(cover: bytes) -> None:
    image = Image.open(io.BytesIO(cover))
    assert image.format == "PNG" and image.size == SIZE == (1600, 2400)
    assert image.mode == "RGB"


def test_accent_background_and_a_light_band_at_the_foot(cover: bytes) -> None:
    image = Image.open(io.BytesIO(cover))
    assert image.getpixel((10, 10)) == (0x7A, 0x1F, 0x2B)
    assert image.getpixel((10, SIZE[1] - 10)) == (250, 248, 244)
    # the line above the credit is in the accent colour, on the band
    assert image.getpixel((SIZE[0] // 2, SIZE[1] - 470 - 40)) == (0x7A, 0x1F, 0x2B)


def test_the_title_is_drawn_in_white_inside_the_margins(cover: bytes) -> None:
    image = Image.open(io.BytesIO(cover))
    title_area = (0, 550, SIZE[0], 900)
    assert (255, 255, 255) in colours(image, title_area)
    assert colours(image, (0, 0, MARGIN - 5, SIZE[1] - 600)) == {(0x7A, 0x1F, 0x2B)}
    untitled = Image.open(
        io.BytesIO(render_cover(CoverText("", "", "", "", ""), ACCENT, None, None))
    )
    assert (255, 255, 255) not in colours(untitled, title_area)


def test_the_same_inputs_give_the_same_bytes(cover: bytes, bold: bytes, regular: bytes) -> None:
    assert render_cover(TEXT, ACCENT, bold, regular) == cover


def test_the_fonts_change_the_cover(cover: bytes) -> None:
    fallback = render_cover(TEXT, ACCENT, None, None)
    assert fallback != cover
    assert Image.open(io.BytesIO(fallback)).size == SIZE


def test_a_damaged_font_falls_back_to_the_default() -> None:
    assert isinstance(_font(b"not a font", 40), type(ImageFont.load_default(40)))
    assert isinstance(_font(None, 40), type(ImageFont.load_default(40)))


def test_a_real_font_is_used_at_its_size(bold: bytes) -> None:
    font = _font(bold, 64)
    assert isinstance(font, ImageFont.FreeTypeFont)
    assert font.size == 64
    assert font.getname()[0] == "PT Sans"


def test_wrap_keeps_lines_within_the_width(regular: bytes) -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = _font(regular, 72)
    text = "The quick brown fox jumps over the lazy dog and keeps running across the field"
    lines = _wrap(draw, text, font, 600)
    assert len(lines) > 2
    assert " ".join(lines) == text
    assert all(draw.textlength(line, font=font) <= 600 for line in lines)
    # each line takes as many words as fit
    for line, following in itertools.pairwise(lines):
        assert draw.textlength(f"{line} {following.split()[0]}", font=font) > 600


def test_wrap_keeps_a_word_longer_than_the_line_whole(regular: bytes) -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = _font(regular, 72)
    assert _wrap(draw, "Internationalisation is long", font, 100) == [
        "Internationalisation",
        "is",
        "long",
    ]
    assert _wrap(draw, "   ", font, 100) == []
