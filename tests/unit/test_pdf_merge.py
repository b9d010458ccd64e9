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


def merged(folios: list[bytes] | None = None, blank: set[int] | None = None) -> pikepdf.Pdf:
    front = part(["cover", "contents"], anchors={"cover": 0, "toc": 1}, bookmarks=[("Contents", 1)])
    first = part(["a1", "a2"], anchors={"story": 0, "fn-1": 1}, bookmarks=[("The story", 0)])
    second = part(["b1"], anchors={"context": 0, "story": 0}, bookmarks=[("Context", 0)])
    back = part(["appendix"], anchors={"sources": 0}, bookmarks=[("Sources", 0)])
    return pikepdf.open(io.BytesIO(merge_parts([front, first, second, back], folios, blank)))


def test_the_parts_pages_follow_each_other_in_order() -> None:
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
            "sources": 5,
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


def test_one_part_is_left_as_it_was() -> None:
    own = part(["cover", "back"], anchors={"cover": 0, "back": 1}, bookmarks=[("Back", 1)])
    with pikepdf.open(io.BytesIO(merge_parts([own]))) as pdf:
        assert page_labels(pdf) == ["cover", "back"]
        assert dests(pdf) == {"cover": 0, "back": 1}
        assert bookmarks(pdf) == [("Back", 1)]


def test_the_merge_is_deterministic() -> None:
    own = part(["cover", "back"], anchors={"cover": 0})
    chunk = part(["a"], anchors={"a": 0})
    folios = [folio_pages(["", "2"]), folio_pages(["3"])]
    assert merge_parts([own, chunk], folios) == merge_parts([own, chunk], folios)


def folio_pages(numbers: list[str]) -> bytes:
    """A folio document: page i shows `numbers[i]` as text (none if empty)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in numbers:
        pdf.add_blank_page(page_size=(200, 200))
        page = pdf.pages[-1]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = f"BT /F1 9 Tf 90 20 Td ({number}) Tj ET" if number else "0 0 m"
        page.Contents = pdf.make_stream(text.encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def drawn_folios(pdf: pikepdf.Pdf) -> list[str]:
    """What each page draws of its folio: the number shown, or "" (none drawn)."""
    found = []
    for page in pdf.pages:
        form = page.obj.get("/Resources", {}).get("/XObject", {}).get("/DossierFolio")
        if form is None:
            found.append("")
            continue
        contents = page.obj.Contents
        streams = contents if isinstance(contents, Array) else [contents]
        drawing = b"".join(stream.read_bytes() for stream in streams)
        assert drawing.startswith(b"q\n")  # the page's own drawing kept apart from the folio
        assert drawing.endswith(
            b"Q\n/Artifact <</Type /Pagination>> BDC q /DossierFolio Do Q EMC\n"
        )
        found.append(form.read_bytes().split(b"(")[1].split(b")")[0].decode())
    return found


def test_folios_are_drawn_onto_their_pages_as_pagination_artifacts() -> None:
    folios = [folio_pages(["", "2", "3", "4"]), folio_pages(["5", "6"])]
    with merged(folios, blank={3}) as pdf:
        # no text on the cover's folio page; page 4 is blank (as WeasyPrint marks a page
        # with no content of its own), which shows no folio
        assert drawn_folios(pdf) == ["", "2", "3", "", "5", "6"]
        assert page_labels_after_folios(pdf)[2] == "a1"  # the page's own content kept


def page_labels_after_folios(pdf: pikepdf.Pdf) -> list[str]:
    labels = []
    for page in pdf.pages:
        contents = page.obj.Contents
        streams = contents if isinstance(contents, Array) else [contents]
        text = b"".join(stream.read_bytes() for stream in streams).decode()
        labels.append(text.split("page ")[1].split()[0])
    return labels


def test_folios_must_cover_every_page() -> None:
    import pytest

    with pytest.raises(ValueError, match="5 folio pages for 6 pages"):
        merged([folio_pages(["1", "2", "3", "4", "5"])])


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


def two_pass_subset(text: str) -> bytes:
    """A subset as WeasyPrint 70 makes one with HarfBuzz: ids kept, then cut after the last
    glyph the text uses, which moves the parts of composite glyphs found later to the ids
    that follow it."""
    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    kept = subset(text)
    last = max(glyph_ids(kept, text).values())
    font = TTFont(io.BytesIO(kept))
    subsetter = fonttools_subset.Subsetter(fonttools_subset.Options(notdef_outline=True))
    subsetter.populate(gids=range(last + 1))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def outline_of(program: bytes, gid: int) -> tuple:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program))
    glyf = font["glyf"]
    coordinates, ends, _ = glyf[font.getGlyphOrder()[gid]].getCoordinates(glyf)
    return tuple(coordinates), tuple(ends)


def test_subsets_that_keep_glyph_ids_are_joined() -> None:
    from dossier.writers.pdf_merge_fonts import _union_glyphs

    ab, xyz = subset("ab"), subset("xyz")
    used = [set(glyph_ids(ab, "ab").values()), set(glyph_ids(xyz, "xyz").values())]
    program, joined = _union_glyphs([ab, xyz], used)
    assert joined == [0, 1]
    whole = subset("abxyz")
    for char, gid in glyph_ids(whole, "abxyz").items():
        assert outline_of(program, gid) == outline_of(whole, gid), char


def test_a_subset_whose_composite_parts_were_moved_is_joined_with_the_right_letters() -> None:
    from dossier.writers.pdf_merge_fonts import _union_glyphs

    moved = two_pass_subset("AÂ")  # Â: A and a circumflex whose id is past Â's
    tilde = subset("Ã")  # Ã: its id is the one the circumflex was moved to
    ids = glyph_ids(subset("AÂÃ"), "AÂÃ")
    assert ids["Ã"] == ids["Â"] + 1
    assert outline_of(moved, ids["Ã"]) != outline_of(subset("AÂÃ"), ids["Ã"])  # the moved part
    used = [{ids["A"], ids["Â"]}, {ids["Ã"]}]
    program, joined = _union_glyphs([moved, tilde], used)
    assert joined == [0, 1]
    whole = subset("AÂÃ")
    for char, gid in ids.items():
        assert outline_of(program, gid) == outline_of(whole, gid), char


def test_a_subset_with_other_glyphs_at_the_same_ids_stays_apart() -> None:
    from dossier.writers.pdf_merge_fonts import _union_glyphs

    kept = subset("abcdefghijklmnopqrstuvwxyz")
    text = "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    renumbered = subset(text, False)  # every id changed: nothing tells where its glyphs belong
    assert set(glyph_ids(kept, "az").values()) & set(range(1, 120))  # ids the other uses
    used = [set(glyph_ids(kept, "az").values()), set(glyph_ids(renumbered, text).values())]
    _, joined = _union_glyphs([kept, renumbered], used)
    assert joined == [0]  # its glyphs would have drawn the wrong letters
