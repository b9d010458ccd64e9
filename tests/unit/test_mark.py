"""The invisible copy mark: blocks of near-white dots with Reed–Solomon bytes, drawn as PDF
content and read back from a rendering; a damaged mark is unreadable, never another number."""

from __future__ import annotations

import io
import random

import numpy as np
import pikepdf
import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.writers import mark

A4 = (595.0, 842.0)
SPOTS = [(60.0, 780.0), (500.0, 780.0), (60.0, 300.0), (500.0, 120.0)]


def page_with(content: bytes) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A4)
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, content))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def render(data: bytes, dpi: float) -> np.ndarray:
    document = pypdfium2.PdfDocument(data)
    image = document[0].render(scale=dpi / 72, grayscale=True).to_numpy()
    document.close()
    return image[..., 0] if image.ndim == 3 else image


def marked(copy: int, tag: int, cells: list[list[bool]] | None = None) -> bytes:
    cells = cells or mark.encode(copy, tag)
    text = b"BT /F1 12 Tf 100 500 Td (Body text) Tj ET\n"  # a fallback font draws it
    blocks = b"\n".join(mark.block_content(cells, x, y) for x, y in SPOTS)
    return page_with(text + b"q\n" + blocks + b"\nQ\n")


@pytest.mark.parametrize("dpi", [96, 150, 300])
def test_a_block_is_read_back_at_any_usual_resolution(dpi: int) -> None:
    reading = mark.read_image(render(marked(7, 0xABCD), dpi))
    assert reading.blocks == len(SPOTS)
    assert set(reading.decoded) == {(7, 0xABCD)}
    assert mark.verdict([reading]) == ("found", (7, 0xABCD))


def test_a_page_without_a_mark_has_none() -> None:
    reading = mark.read_image(render(page_with(b"0 0 0 rg 100 100 200 300 re f\n"), 150))
    assert reading == mark.Reading(0, [])
    assert mark.verdict([reading]) == ("none", None)


def test_the_dots_are_near_white() -> None:
    cells = mark.encode(1, 1)
    image = render(page_with(b"\n".join(mark.block_content(cells, x, y) for x, y in SPOTS)), 150)
    assert image.min() >= 200  # no dark pixel at all
    assert (image < 250).mean() < 0.01


def test_a_damaged_mark_is_unreadable_not_another_number() -> None:
    cells = mark.encode(7, 0xABCD)
    for row in (2, 5, 9):  # three wrong bytes: more than dossier accepts correcting
        cells[row][1:-1] = [not c for c in cells[row][1:-1]]
    reading = mark.read_image(render(marked(7, 0xABCD, cells), 150))
    assert reading.blocks == len(SPOTS)
    assert reading.decoded == []
    assert mark.verdict([reading]) == ("unreadable", None)


def test_blocks_that_disagree_are_unreadable() -> None:
    readings = [mark.Reading(1, [(7, 1)]), mark.Reading(1, [(8, 1)])]
    assert mark.verdict(readings) == ("unreadable", None)


def bits_of(copy: int, tag: int) -> list[int | None]:
    cells = mark.encode(copy, tag)
    return [int(cells[r][c]) for r in range(1, mark.ROWS - 1) for c in range(1, mark.COLS - 1)]


@settings(max_examples=300, deadline=None)
@given(
    copy=st.integers(1, mark.MAX_COPIES),
    tag=st.integers(0, 0xFFFF),
    damaged=st.lists(st.integers(0, mark.DATA_ROWS - 1), max_size=12, unique=True),
    seed=st.integers(0, 2**32),
)
def test_decoding_never_names_a_wrong_copy(
    copy: int, tag: int, damaged: list[int], seed: int
) -> None:
    bits = bits_of(copy, tag)
    rng = random.Random(seed)
    for row in damaged:
        byte = bits[row * 8 : row * 8 + 8]
        while byte == bits[row * 8 : row * 8 + 8]:
            byte = [rng.randint(0, 1) for _ in range(8)]
        bits[row * 8 : row * 8 + 8] = byte
    found = mark.decode_bits(bits)
    assert found in (None, (copy, tag))
    if len(damaged) <= mark.MAX_CORRECTED:
        assert found == (copy, tag)


def test_missing_bits_are_erasures() -> None:
    bits = bits_of(42, 0x1234)
    for i in range(0, 32):  # four bytes not seen at all
        bits[i] = None
    assert mark.decode_bits(bits) == (42, 0x1234)
    bits[40] = None  # a fifth: too little left to be sure
    assert mark.decode_bits(bits) is None


def test_the_edition_tag_ties_a_mark_to_one_build() -> None:
    assert mark.edition_tag("d", "copies", "0123456789") == mark.edition_tag(
        "d", "copies", "0123456789"
    )
    assert mark.edition_tag("d", "copies", "0123456789") != mark.edition_tag(
        "d", "copies", "0123456788"
    )


def test_copy_numbers_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError):
        mark.encode(0, 1)
    with pytest.raises(ValueError):
        mark.encode(mark.MAX_COPIES + 1, 1)


def test_blocks_go_on_white_only_and_clear_of_what_is_avoided() -> None:
    scale = 50 / 72
    ink = b"0 0 0 rg 0 0 595 421 re f\n"  # the lower half of the page is black
    image = render(page_with(ink), 50)
    spots = mark.free_spots(image, scale, A4[1], (0, 0, *A4), [(0, 700, 300, 842)], 6)
    assert len(spots) == 6
    for x, y in spots:
        bottom = y - mark.BLOCK_HEIGHT
        assert bottom > 421 + mark.CLEARANCE - 1  # above the ink
        assert not (x < 300 + mark.CLEARANCE and y > 700 - mark.CLEARANCE)  # not in `avoid`
        assert x > 0 and x + mark.BLOCK_WIDTH < A4[0]


@pytest.mark.parametrize(
    ("copy", "tag"),
    [(2, 0xD4D6)]  # data dots cut off from the border by empty cells
    + [(random.Random(n).randint(1, 999), random.Random(-n).randint(0, 0xFFFF)) for n in range(24)],
)
def test_any_codeword_is_read_back(copy: int, tag: int) -> None:
    assert mark.verdict([mark.read_image(render(marked(copy, tag), 150))]) == ("found", (copy, tag))
