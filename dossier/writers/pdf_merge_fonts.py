"""Merging the font subsets of a chunked render: WeasyPrint subsets fonts keeping the
original glyph ids (Identity-H, CIDToGIDMap Identity), so the subsets of one face made by
different parts can be replaced by their union (glyphs, widths, ToUnicode) without touching
any content stream.
"""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pikepdf
from pikepdf import Array


def union_font_subsets(pdf: pikepdf.Pdf) -> None:
    """One font program per face: the union of the parts' retain-gid subsets."""
    groups: dict[str, dict[tuple[int, int], Any]] = {}
    for page in _pages_and_forms(pdf):
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            groups.setdefault(str(font.BaseFont), {})[font.objgen] = font
    replace: dict[tuple[int, int], Any] = {}
    for fonts in (list(g.values()) for g in groups.values()):
        if len(fonts) < 2 or not all(_plain_cid_font(f) for f in fonts):
            continue
        program, joined = _union_glyphs(
            [f.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes() for f in fonts],
            [set(_parse_widths(f.DescendantFonts[0].W)) for f in fonts],
        )
        fonts = [fonts[i] for i in joined]
        if len(fonts) < 2:
            continue
        keep = fonts[0]
        widths: dict[int, float] = {}
        unicode: dict[int, bytes] = {}
        for font in fonts:
            widths.update(_parse_widths(font.DescendantFonts[0].W))
            unicode.update(_parse_tounicode(font.ToUnicode.read_bytes()))
        descriptor = keep.DescendantFonts[0].FontDescriptor
        descriptor.FontFile2 = pdf.make_stream(program, Length1=len(program))
        keep.DescendantFonts[0].W = _build_widths(widths)
        keep.ToUnicode = pdf.make_stream(_build_tounicode(unicode))
        box = [float(v) for v in descriptor.FontBBox]
        for font in fonts:
            other = [float(v) for v in font.DescendantFonts[0].FontDescriptor.FontBBox]
            box = [
                min(box[0], other[0]),
                min(box[1], other[1]),
                max(box[2], other[2]),
                max(box[3], other[3]),
            ]
        descriptor.FontBBox = Array(box)
        replace.update({f.objgen: keep for f in fonts[1:]})
    for page in _pages_and_forms(pdf):
        fonts = page.get("/Resources", {}).get("/Font", {})
        for key in list(fonts.keys()):
            if fonts[key].objgen in replace:
                fonts[key] = replace[fonts[key].objgen]


def _pages_and_forms(pdf: pikepdf.Pdf) -> list[Any]:
    """Pages and the form XObjects they draw (WeasyPrint puts page content in forms)."""
    found: list[Any] = []
    for page in pdf.pages:
        found.append(page.obj)
        resources: Any = page.obj.get("/Resources", {})
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form":
                found.append(xobject)
    return found


def _plain_cid_font(font: Any) -> bool:
    try:
        cid = font.DescendantFonts[0]
        return bool(
            font.Subtype == "/Type0"
            and font.Encoding == "/Identity-H"
            and cid.Subtype == "/CIDFontType2"
            and cid.get("/CIDToGIDMap") == "/Identity"
            and "/FontFile2" in cid.FontDescriptor
        )
    except (AttributeError, KeyError, IndexError):
        return False


def _parse_widths(array: Any) -> dict[int, float]:
    widths: dict[int, float] = {}
    i = 0
    while i < len(array):
        first, following = int(array[i]), array[i + 1]
        if isinstance(following, pikepdf.Array):
            widths.update({first + k: float(v) for k, v in enumerate(following)})
            i += 2
        else:
            widths.update({g: float(array[i + 2]) for g in range(first, int(following) + 1)})
            i += 3
    return widths


def _build_widths(widths: dict[int, float]) -> Array:
    """The /W array: runs of consecutive glyph ids, `first [w w w …]`."""
    items: list[Any] = []
    for gid in sorted(widths):
        if items and gid == items[-2] + len(items[-1]):
            items[-1].append(widths[gid])
        else:
            items += [gid, [widths[gid]]]
    return Array([Array(i) if isinstance(i, list) else i for i in items])


def _parse_tounicode(data: bytes) -> dict[int, bytes]:
    """The glyph -> text pairs of the `bfchar` blocks (not the code space range's bounds)."""
    pair = rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>"
    blocks = re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S)
    return {int(gid, 16): text for block in blocks for gid, text in re.findall(pair, block)}


def _build_tounicode(mapping: dict[int, bytes]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(mapping.items())
    for i in range(0, len(items), 100):
        block = items[i : i + 100]
        lines.append(b"%d beginbfchar" % len(block))
        lines += [b"<%04x> <%s>" % (gid, text) for gid, text in block]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _union_glyphs(programs: list[bytes], used: list[set[int]]) -> tuple[bytes, list[int]]:
    """Copy every non-empty glyph, by glyph id, into the largest subset; and the indexes of
    the subsets joined. `used` holds the glyph ids each subset's text draws (its widths).
    Glyph names differ between subsets of one font (one keeps the post names, another does
    not). A subset whose ids were moved (see `_restore_ids`) is first made to keep them; one
    that still has another glyph at an id another subset uses is left out, apart."""
    from fontTools.ttLib import TTFont

    fonts = [TTFont(io.BytesIO(p), recalcTimestamp=False) for p in programs]
    for font, ids in zip(fonts, used, strict=True):
        _restore_ids(font, ids)
    base = max(fonts, key=lambda f: f["maxp"].numGlyphs)
    names = base.getGlyphOrder()
    drawn: dict[int, tuple[Any, ...]] = {}  # glyph id -> outline, in the subsets joined
    joined = []
    for index, font in sorted(enumerate(fonts), key=lambda item: item[1] is not base):
        outlines = _outlines(font)
        if any(drawn.get(gid, shape) != shape for gid, shape in outlines.items()):
            continue
        joined.append(index)
        drawn.update(outlines)
        if font is base:
            continue
        for gid, name in enumerate(font.getGlyphOrder()):
            if gid >= len(names):
                break
            glyph = font["glyf"][name]
            if glyph.numberOfContours == 0 or base["glyf"][names[gid]].numberOfContours != 0:
                continue
            glyph = copy.deepcopy(glyph)
            if glyph.isComposite():
                for component in glyph.components:
                    component.glyphName = names[font.getGlyphID(component.glyphName)]
            base["glyf"][names[gid]] = glyph
            base["hmtx"][names[gid]] = font["hmtx"][name]
    out = io.BytesIO()
    base.save(out)
    return out.getvalue(), sorted(joined)


# engine-quirk: WeasyPrint 70 subsets in two HarfBuzz passes; the second keeps the ids up to
# the last glyph used but not beyond, and moves the parts of composite glyphs found there
def _restore_ids(font: Any, used: set[int]) -> None:
    """Make a subset keep the original glyph ids: if glyphs follow the last one its text
    draws, they are parts of composite glyphs that WeasyPrint moved there, on ids that are
    other letters' in the font; the composites are drawn as simple glyphs and the moved
    parts emptied."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    order = font.getGlyphOrder()
    last = max(used, default=0)
    if len(order) <= last + 1:
        return
    glyf = font["glyf"]
    for gid in range(last + 1):
        if glyf[order[gid]].isComposite():
            glyf[order[gid]] = _flattened(glyf[order[gid]], glyf)
    for gid in range(last + 1, len(order)):
        glyf[order[gid]] = Glyph()


def _flattened(glyph: Any, glyf: Any) -> Any:
    """A composite glyph as one simple glyph with its parts' contours."""
    from fontTools.ttLib.tables import ttProgram
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    coordinates, ends, flags = glyph.getCoordinates(glyf)
    flat = Glyph()
    flat.numberOfContours = len(ends)
    flat.coordinates = coordinates
    flat.endPtsOfContours = list(ends)
    flat.flags = flags
    flat.program = ttProgram.Program()
    flat.program.fromBytecode(b"")
    flat.recalcBounds(glyf)
    return flat


def _outlines(font: Any) -> dict[int, tuple[Any, ...]]:
    """Glyph id -> a comparable outline (composites drawn out), for non-empty glyphs."""
    glyf = font["glyf"]
    found = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        glyph = glyf[name]
        if glyph.numberOfContours != 0:
            coordinates, ends, _ = glyph.getCoordinates(glyf)
            found[gid] = (coordinates.array.tobytes(), tuple(ends))  # not point by point
    return found
