"""writers/pdf_merge.py on tiny PDFs made with pikepdf (no rendering): the parts' pages go
between the front and back matter in order, named destinations and bookmarks follow their
pages, and the font-table helpers round-trip."""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Name

from dossier.writers.pdf_merge import merge_parts
from dossier.writers.pdf_merge_fonts import (
    _build_tounicode,
    _build_widths,
    _parse_tounicode,
    _parse_widths,
)


def part(
    labels: list[str],
    anchors: dict[str, int] | None = None,
    bookmarks: list[tuple[str, int]] | None = None,
) -> bytes:
    """A PDF whose page i draws `labels[i]` (kept as a comment in its content stream), with
    named destinations `anchors` (name -> page) and top-level bookmarks (title, page)."""
    pdf = pikepdf.new()
    for label in labels:
        pdf.add_blank_page(page_size=(200, 200))
        pdf.pages[-1].Contents = pdf.make_stream(f"% page {label}\n".encode())
    if anchors:
        names = Array()
        for name in sorted(anchors):
            names.append(pikepdf.String(name))
            names.append(Array([pdf.pages[anchors[name]].obj, Name.XYZ, 0, 100, 0]))
        pdf.Root.Names = pikepdf.Dictionary(
            Dests=pdf.make_indirect(pikepdf.Dictionary(Names=names))
        )
    if bookmarks:
        with pdf.open_outline() as outline:
            for title, page in bookmarks:
                outline.root.append(
                    pikepdf.OutlineItem(title, Array([pdf.pages[page].obj, Name.XYZ, 10, 150, 0]))
                )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def page_labels(pdf: pikepdf.Pdf) -> list[str]:
    return [page.Contents.read_bytes().decode().split("page ")[1].strip() for page in pdf.pages]


def dests(pdf: pikepdf.Pdf) -> dict[str, int]:
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    return {name: index[tree[name][0].objgen] for name in tree}


def bookmarks(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        return [(str(item.title), index[item.destination[0].objgen]) for item in outline.root]


def merged() -> pikepdf.Pdf:
    own = part(
        ["cover", "contents", "appendix"],
        anchors={"cover": 0, "toc": 1, "sources": 2},
        bookmarks=[("Contents", 1), ("Sources", 2)],
    )
    first = part(["a1", "a2"], anchors={"story": 0, "fn-1": 1}, bookmarks=[("The story", 0)])
    second = part(["b1"], anchors={"context": 0, "story": 0}, bookmarks=[("Context", 0)])
    return pikepdf.open(io.BytesIO(merge_parts(own, 2, [first, second])))


def test_pages_go_between_the_front_and_back_matter_in_order() -> None:
    with merged() as pdf:
        assert page_labels(pdf) == ["cover", "contents", "a1", "a2", "b1", "appendix"]


def test_named_destinations_follow_their_pages() -> None:
    with merged() as pdf:
        assert dests(pdf) == {
            "cover": 0,
            "toc": 1,
            "story": 2,  # the first part that names it keeps it
            "fn-1": 3,
            "context": 4,
            "sources": 5,  # the back matter moved by three pages
        }


def test_destinations_keep_their_position_on_the_page() -> None:
    with merged() as pdf:
        target = pikepdf.NameTree(pdf.Root.Names.Dests)["fn-1"]
        assert list(target[1:]) == [Name.XYZ, 0, 100, 0]


def test_bookmarks_are_merged_in_page_order() -> None:
    with merged() as pdf:
        assert bookmarks(pdf) == [
            ("Contents", 1),
            ("The story", 2),
            ("Context", 4),
            ("Sources", 5),
        ]


def test_no_chunks_leaves_the_document_as_it_was() -> None:
    own = part(["cover", "back"], anchors={"cover": 0, "back": 1}, bookmarks=[("Back", 1)])
    with pikepdf.open(io.BytesIO(merge_parts(own, 1, []))) as pdf:
        assert page_labels(pdf) == ["cover", "back"]
        assert dests(pdf) == {"cover": 0, "back": 1}
        assert bookmarks(pdf) == [("Back", 1)]


def test_the_merge_is_deterministic() -> None:
    own = part(["cover", "back"], anchors={"cover": 0})
    chunk = part(["a"], anchors={"a": 0})
    assert merge_parts(own, 1, [chunk]) == merge_parts(own, 1, [chunk])


# --- font table helpers -------------------------------------------------------------------


def test_widths_round_trip_in_runs() -> None:
    widths = {3: 500.0, 4: 510.0, 5: 520.0, 9: 250.0, 10: 260.0, 40: 1000.0}
    built = _build_widths(widths)
    assert [int(v) if not isinstance(v, Array) else [float(w) for w in v] for v in built] == [
        3,
        [500.0, 510.0, 520.0],
        9,
        [250.0, 260.0],
        40,
        [1000.0],
    ]
    assert _parse_widths(built) == widths


def test_widths_given_as_ranges_are_read() -> None:
    array = Array([1, 3, 600, 10, Array([100, 200])])
    assert _parse_widths(array) == {1: 600.0, 2: 600.0, 3: 600.0, 10: 100.0, 11: 200.0}


def test_tounicode_round_trips_in_blocks_of_a_hundred() -> None:
    """The code space range (`<0000> <ffff>`, as WeasyPrint writes it too) is no mapping."""
    mapping = {gid: b"%04x" % (0x0410 + gid % 32) for gid in range(1, 251)}
    data = _build_tounicode(mapping)
    assert _parse_tounicode(data) == mapping
    assert data.count(b"beginbfchar") == 3
    assert b"100 beginbfchar" in data and b"50 beginbfchar" in data
    assert data.startswith(b"/CIDInit /ProcSet findresource begin")


def test_tounicode_of_a_pair_of_code_units() -> None:
    data = b"2 beginbfchar\n<0001> <0041>\n<00ff> <d83dde00>\nendbfchar"
    assert _parse_tounicode(data) == {1: b"0041", 255: b"d83dde00"}


# --- font subsets -------------------------------------------------------------------------


def subset(text: str, retain_gids: bool = True) -> bytes:
    """A subset of the theme's sans, as WeasyPrint makes one (glyph ids kept), or with its
    glyphs renumbered (as WeasyPrint's second HarfBuzz pass does to the parts of composite
    glyphs it appends after the last glyph used)."""
    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    from dossier.sandbox.files import THEME_DIR

    font = TTFont(THEME_DIR / "fonts" / "NotoSans-Regular.ttf")
    options = fonttools_subset.Options(retain_gids=retain_gids, notdef_outline=True)
    subsetter = fonttools_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def glyph_ids(program: bytes, text: str) -> dict[str, int]:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program))
    cmap = font.getBestCmap()
    return {c: font.getGlyphID(cmap[ord(c)]) for c in text if ord(c) in cmap}


def test_subsets_that_keep_glyph_ids_are_joined() -> None:
    from fontTools.ttLib import TTFont

    from dossier.writers.pdf_merge_fonts import _union_glyphs

    program, joined = _union_glyphs([subset("ab"), subset("xyz")])
    assert joined == [0, 1]
    font = TTFont(io.BytesIO(program))
    names = font.getGlyphOrder()
    for char, gid in glyph_ids(subset("abxyz"), "abxyz").items():
        assert font["glyf"][names[gid]].numberOfContours > 0, char  # every glyph drawn


def test_a_subset_with_other_glyphs_at_the_same_ids_stays_apart() -> None:
    from dossier.writers.pdf_merge_fonts import _union_glyphs

    kept = subset("abcdefghijklmnopqrstuvwxyz")
    renumbered = subset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ", False)
    assert set(glyph_ids(kept, "az").values()) & set(range(1, 120))  # ids the other uses
    _, joined = _union_glyphs([kept, renumbered])
    assert joined == [0]  # its glyphs would have drawn the wrong letters
