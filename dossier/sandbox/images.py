"""Identifying metadata in image files: find it, and remove it without touching the pixels.

A photo carries more than its picture: EXIF (camera make, model and serial number, the date
and GPS position where it was taken, the photographer's name, maker notes, a thumbnail of the
uncropped original), XMP and IPTC records, comments, PNG text chunks, and for SVG the
editor's `<metadata>` and attributes such as `sodipodi:docname` or
`inkscape:export-filename` that hold local file names, paths and user names. Sources are
protected only if none of it reaches an output.

`scrub()` walks each format's container structure (JPEG segments, PNG and WebP chunks, GIF
blocks, the SVG tree) and drops the parts that hold such metadata. It never decodes or
re-encodes the picture: re-encoding with Pillow would change the pixels of a JPEG (lossy
again) and the bytes of every format, and Pillow copies some metadata through anyway. What
decoding needs is kept: the ICC colour profile, JFIF and Adobe markers, PNG colour, gamma
and animation chunks, the WebP VP8X header (with its flags fixed) and GIF loop blocks. The
EXIF orientation is kept as a minimal EXIF record holding only that tag, so the picture is
shown the right way up with nothing else said about it.

Invariant: `scrub(data).removed == []` exactly when `scrub(data).data is data`; a clean file
goes through unchanged (the archive edition attaches files byte for byte).

This module does no I/O; it only reads and returns bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dossier.sandbox.inert_xml import parse_xml

GPS = "GPS position"
AUTHOR = "author"
CAMERA = "camera make/model"
SERIAL = "camera serial number"
SETTINGS = "camera settings"
DATE = "date taken"
SOFTWARE = "software"
DESCRIPTION = "description"
COMMENT = "comment"
MAKER_NOTES = "maker notes"
THUMBNAIL = "embedded thumbnail or preview"
EXIF = "EXIF metadata"
XMP = "XMP metadata"
IPTC = "IPTC/Photoshop metadata"
TEXT = "text metadata"
MODIFIED = "date modified"
EDITOR_PATH = "editor file path"
EDITOR = "editor data"
SVG_METADATA = "SVG metadata"
TRAILER = "data after the end of the image"
OTHER = "other metadata"
DAMAGED = "metadata in a damaged file (cannot be scanned)"
#: the order findings are reported in (most sensitive first)
ORDER = [
    GPS,
    AUTHOR,
    CAMERA,
    SERIAL,
    DATE,
    EDITOR_PATH,
    COMMENT,
    DESCRIPTION,
    MAKER_NOTES,
    THUMBNAIL,
    SETTINGS,
    SOFTWARE,
    MODIFIED,
    XMP,
    IPTC,
    EXIF,
    TEXT,
    SVG_METADATA,
    EDITOR,
    TRAILER,
    OTHER,
    DAMAGED,
]

SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


class Damaged(ValueError):
    """The file's container structure cannot be walked."""


@dataclass
class Scrubbed:
    """An image without its identifying metadata, and what was removed (human words)."""

    data: bytes
    removed: list[str] = field(default_factory=list)


def is_image(name: str) -> bool:
    """Whether a file name is one of the image formats dossier accepts."""
    return name.lower().endswith(SUFFIXES)


def image_kind(data: bytes, name: str = "") -> str | None:
    """'jpeg', 'png', 'gif', 'webp' or 'svg' (by content; SVG by name), or None."""
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if name.lower().endswith(".svg"):
        return "svg"
    return None


def scrub(data: bytes, name: str = "") -> Scrubbed:
    """`data` without identifying metadata. Bytes that are no image format known here are
    returned as they are (the check reports them); a damaged container cannot be cleaned
    and is returned unchanged, reported as `DAMAGED`."""
    kind = image_kind(data, name)
    if kind is None:
        return Scrubbed(data)
    try:
        cleaned, removed = _SCRUBBERS[kind](data)
    except (Damaged, IndexError, struct.error):
        return Scrubbed(data, [DAMAGED])
    if not removed:
        return Scrubbed(data)
    return Scrubbed(cleaned, sorted(set(removed), key=ORDER.index))


def identifying_metadata(data: bytes, name: str = "") -> list[str]:
    """What identifying metadata the image carries, in words ([] if none)."""
    return scrub(data, name).removed


def strip_metadata(data: bytes, name: str = "") -> bytes:
    """The image without its identifying metadata (the same bytes if it has none)."""
    return scrub(data, name).data


# EXIF (a TIFF structure, in JPEG APP1, PNG eXIf and WebP EXIF)

ORIENTATION = 0x0112
#: IFD0 tags that say nothing about who, where or with what
_HARMLESS_IFD0 = {ORIENTATION, 0x011A, 0x011B, 0x0128, 0x0213}
#: Exif sub-IFD tags that say nothing either (versions, colour space, pixel size)
_HARMLESS_EXIF = {0x9000, 0xA000, 0xA001, 0xA002, 0xA003, 0x9101}
_IFD0_TAGS = {
    0x010E: DESCRIPTION,
    0x010F: CAMERA,
    0x0110: CAMERA,
    0x0131: SOFTWARE,
    0x0132: MODIFIED,
    0x013B: AUTHOR,
    0x013C: SOFTWARE,  # HostComputer
    0x8298: AUTHOR,  # Copyright
    0x8825: GPS,
    0x9C9B: DESCRIPTION,  # Windows XPTitle
    0x9C9C: COMMENT,
    0x9C9D: AUTHOR,
    0x9C9E: DESCRIPTION,
    0x9C9F: DESCRIPTION,
    0x02BC: XMP,
    0x83BB: IPTC,
    0x8773: OTHER,  # an ICC profile inside EXIF: the APP2 copy is the one kept
}
_EXIF_TAGS = {
    0x9003: DATE,
    0x9004: DATE,
    0x9010: DATE,
    0x9011: DATE,
    0x9012: DATE,
    0x9290: DATE,
    0x9291: DATE,
    0x9292: DATE,
    0x927C: MAKER_NOTES,
    0x9286: COMMENT,
    0xA420: SERIAL,  # ImageUniqueID
    0xA430: AUTHOR,  # CameraOwnerName
    0xA431: SERIAL,
    0xA433: CAMERA,
    0xA434: CAMERA,
    0xA435: SERIAL,
}
EXIF_SUB_IFD = 0x8769
INTEROP_IFD = 0xA005


def _ifd(tiff: bytes, order: str, offset: int) -> tuple[dict[int, bytes], int]:
    """tag -> its 4-byte value field, and the offset of the next IFD (0: none)."""
    if offset < 8 or offset + 2 > len(tiff):
        raise Damaged("IFD offset out of range")
    (count,) = struct.unpack_from(order + "H", tiff, offset)
    if offset + 2 + 12 * count + 4 > len(tiff):
        raise Damaged("IFD runs past the end")
    entries = {}
    for n in range(count):
        tag, _type, _count = struct.unpack_from(order + "HHI", tiff, offset + 2 + 12 * n)
        entries[tag] = tiff[offset + 2 + 12 * n + 8 : offset + 2 + 12 * n + 12]
    (following,) = struct.unpack_from(order + "I", tiff, offset + 2 + 12 * count)
    return entries, following


def exif_findings(tiff: bytes) -> tuple[list[str], int]:
    """What a TIFF/EXIF block says (empty if nothing identifying) and its orientation (1-8)."""
    if tiff[:4] == b"II*\0":
        order = "<"
    elif tiff[:4] == b"MM\0*":
        order = ">"
    else:
        raise Damaged("not a TIFF header")
    (first,) = struct.unpack_from(order + "I", tiff, 4)
    ifd0, following = _ifd(tiff, order, first)
    found = [
        _IFD0_TAGS.get(tag, EXIF)
        for tag in ifd0
        if tag not in _HARMLESS_IFD0 and tag != EXIF_SUB_IFD
    ]
    if EXIF_SUB_IFD in ifd0:
        (offset,) = struct.unpack_from(order + "I", ifd0[EXIF_SUB_IFD])
        sub, _ = _ifd(tiff, order, offset)
        found += [
            _EXIF_TAGS.get(tag, SETTINGS)
            for tag in sub
            if tag not in _HARMLESS_EXIF and tag != INTEROP_IFD
        ]
    if following:
        found.append(THUMBNAIL)
    orientation = 1
    if ORIENTATION in ifd0:
        (value,) = struct.unpack_from(order + "H", ifd0[ORIENTATION])
        orientation = value if 1 <= value <= 8 else 1
    return found, orientation


def orientation_only_exif(orientation: int) -> bytes:
    """A TIFF block whose one tag is the orientation (big-endian, one IFD, no next IFD)."""
    entry = struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0)
    return b"MM\0*" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


def _clean_exif(tiff: bytes) -> tuple[bytes | None, list[str]]:
    """(replacement TIFF block or None to drop it, findings); findings [] means keep as is."""
    try:
        found, orientation = exif_findings(tiff)
    except (Damaged, struct.error):
        return None, [EXIF]
    if not found:
        return tiff, []
    return (orientation_only_exif(orientation) if orientation != 1 else None), found


# JPEG

_EXIF_ID = b"Exif\0\0"
_XMP_IDS = (b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0")
_IPTC_DATASETS = {
    0x50: AUTHOR,  # By-line
    0x55: AUTHOR,  # By-line title
    0x74: AUTHOR,  # Copyright notice
    0x73: AUTHOR,  # Source
    0x6E: AUTHOR,  # Credit
    0x37: DATE,
    0x3C: DATE,
    0x5A: GPS,  # City
    0x5C: GPS,  # Sub-location
    0x5F: GPS,  # Province/State
    0x65: GPS,  # Country
    0x78: DESCRIPTION,  # Caption/Abstract
    0x7A: AUTHOR,  # Writer/Editor
}


def _jpeg_segment(marker: int, body: bytes) -> tuple[bytes | None, list[str]]:
    """What becomes of one marker segment's body: (new body or None to drop, findings)."""
    if marker == 0xE0:  # APP0
        if body.startswith(b"JFIF\0"):
            if len(body) >= 14 and (body[12] or body[13]):
                return body[:12] + b"\0\0", [THUMBNAIL]
            return body, []
        return None, [THUMBNAIL if body.startswith(b"JFXX\0") else OTHER]
    if marker == 0xE1:  # APP1: EXIF or XMP
        if body.startswith(_EXIF_ID):
            tiff, found = _clean_exif(body[len(_EXIF_ID) :])
            return (_EXIF_ID + tiff if tiff is not None else None), found
        return None, [XMP if body.startswith(_XMP_IDS) else OTHER]
    if marker == 0xE2:  # APP2: the ICC profile is kept; MPF previews and FlashPix are not
        if body.startswith(b"ICC_PROFILE\0"):
            return body, []
        return None, [THUMBNAIL if body.startswith(b"MPF\0") else OTHER]
    if marker == 0xED:  # APP13: Photoshop image resources, with IPTC
        found = [IPTC]
        at = body.find(b"\x1c\x02")
        while at >= 0:
            if at + 2 < len(body) and body[at + 2] in _IPTC_DATASETS:
                found.append(_IPTC_DATASETS[body[at + 2]])
            at = body.find(b"\x1c\x02", at + 2)
        return None, found
    if marker == 0xEE:  # APP14 Adobe: colour transform, needed to decode CMYK
        return body, []
    if 0xE0 <= marker <= 0xEF:
        return None, [OTHER]
    if marker == 0xFE:
        return None, [COMMENT]
    return body, []


def _scrub_jpeg(data: bytes) -> tuple[bytes, list[str]]:
    out, found, i, n = [data[:2]], [], 2, len(data)
    while True:
        if i >= n or data[i] != 0xFF:
            raise Damaged("expected a JPEG marker")
        start = i
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        marker = data[i]
        i += 1
        if marker == 0xD9:  # end of image
            out.append(data[start:i])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[start:i])
            continue
        (length,) = struct.unpack_from(">H", data, i)
        end = i + length
        if length < 2 or end > n:
            raise Damaged("segment runs past the end")
        body = data[i + 2 : end]
        new, said = _jpeg_segment(marker, body)
        found += said
        if new is body:
            out.append(data[start:end])
        elif new is not None:
            out.append(bytes([0xFF, marker]) + struct.pack(">H", len(new) + 2) + new)
        i = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            k = i
            while True:
                k = data.find(b"\xff", k)
                if k < 0 or k + 1 >= n:
                    raise Damaged("scan data without an end")
                following = data[k + 1]
                if following == 0 or 0xD0 <= following <= 0xD7:
                    k += 2
                    continue
                break
            out.append(data[i:k])
            i = k
    if data[i:].strip(b"\0"):  # another picture, a video, a vendor trailer
        found.append(TRAILER)
    return b"".join(out), found


# PNG

#: ancillary chunks that hold no metadata (colour, transparency, size, animation)
_PNG_KEEP = {
    b"tRNS",
    b"cHRM",
    b"gAMA",
    b"iCCP",
    b"sBIT",
    b"sRGB",
    b"cICP",
    b"mDCV",
    b"mDCv",
    b"cLLI",
    b"cLLi",
    b"bKGD",
    b"hIST",
    b"pHYs",
    b"sPLT",
    b"acTL",
    b"fcTL",
    b"fdAT",
    b"oFFs",
    b"sCAL",
    b"sTER",
}
_PNG_KEYWORDS = {
    "author": AUTHOR,
    "copyright": AUTHOR,
    "comment": COMMENT,
    "creation time": DATE,
    "software": SOFTWARE,
    "source": CAMERA,
    "description": DESCRIPTION,
    "title": DESCRIPTION,
    "xml:com.adobe.xmp": XMP,
    "raw profile type exif": EXIF,
    "raw profile type app1": EXIF,
    "raw profile type iptc": IPTC,
    "raw profile type 8bim": IPTC,
    "raw profile type xmp": XMP,
}


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _scrub_png(data: bytes) -> tuple[bytes, list[str]]:
    out, found, i, n = [data[:8]], [], 8, len(data)
    while True:
        if i + 12 > n:
            raise Damaged("PNG without IEND")
        length, kind = struct.unpack_from(">I4s", data, i)
        end = i + 12 + length
        if end > n:
            raise Damaged("chunk runs past the end")
        body = data[i + 8 : i + 8 + length]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            keyword = body.split(b"\0", 1)[0].decode("latin-1").lower()
            found.append(_PNG_KEYWORDS.get(keyword, TEXT))
        elif kind == b"eXIf":
            tiff, said = _clean_exif(body)
            found += said
            if not said:
                out.append(data[i:end])
            elif tiff is not None:
                out.append(_png_chunk(kind, tiff))
        elif kind == b"tIME":
            found.append(MODIFIED)
        elif kind == b"caBX":
            found.append(AUTHOR)  # C2PA content credentials name their signer
        elif kind[0] & 0x20 and kind not in _PNG_KEEP:  # an unknown ancillary chunk
            found.append(OTHER)
        else:
            out.append(data[i:end])
        i = end
        if kind == b"IEND":
            break
    if data[i:].strip(b"\0"):
        found.append(TRAILER)
    return b"".join(out), found


# WebP (RIFF)

_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _scrub_webp(data: bytes) -> tuple[bytes, list[str]]:
    (size,) = struct.unpack_from("<I", data, 4)
    end_of_riff = min(8 + size, len(data))
    chunks, found, i = [], [], 12
    while i + 8 <= end_of_riff:
        kind, length = struct.unpack_from("<4sI", data, i)
        end = i + 8 + length + (length & 1)
        if i + 8 + length > end_of_riff:
            raise Damaged("chunk runs past the end")
        body = data[i + 8 : i + 8 + length]
        if kind == b"EXIF":
            prefixed = body.startswith(_EXIF_ID)
            tiff, said = _clean_exif(body[len(_EXIF_ID) :] if prefixed else body)
            found += said
            if not said:
                chunks.append((kind, body))
            elif tiff is not None:
                chunks.append((kind, tiff))
        elif kind == b"XMP ":
            found.append(XMP)
        elif kind not in _WEBP_KEEP:
            found.append(OTHER)
        else:
            chunks.append((kind, body))
        i = end
    if data[end_of_riff:].strip(b"\0"):
        found.append(TRAILER)
    if not found:
        return data, []
    kinds = {kind for kind, _ in chunks}
    out = []
    for kind, body in chunks:
        if kind == b"VP8X":
            flags = body[0] & ~(_VP8X_EXIF | _VP8X_XMP)
            flags |= _VP8X_EXIF if b"EXIF" in kinds else 0
            body = bytes([flags]) + body[1:]
        out.append(kind + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1))
    payload = b"WEBP" + b"".join(out)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload, found


# GIF

_GIF_KEEP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def _gif_blocks(data: bytes, i: int) -> int:
    """The offset after a run of data sub-blocks starting at `i`."""
    while True:
        size = data[i]
        i += 1 + size
        if size == 0:
            return i
        if i > len(data):
            raise Damaged("sub-block runs past the end")


def _scrub_gif(data: bytes) -> tuple[bytes, list[str]]:
    packed = data[10]
    i = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    out, found = [data[:i]], []
    while True:
        if i >= len(data):
            raise Damaged("GIF without a trailer")
        introducer = data[i]
        if introducer == 0x3B:  # trailer
            out.append(data[i : i + 1])
            i += 1
            break
        if introducer == 0x21:  # extension
            label = data[i + 1]
            end = _gif_blocks(data, i + 2)
            if label == 0xFE:
                found.append(COMMENT)
            elif label == 0xFF and data[i + 3 : i + 14] not in _GIF_KEEP_APPS:
                found.append(XMP if data[i + 3 : i + 14] == b"XMP DataXMP" else OTHER)
            else:
                out.append(data[i:end])
        elif introducer == 0x2C:  # image: descriptor, local colour table, LZW data
            packed = data[i + 9]
            start = i + 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
            end = _gif_blocks(data, start + 1)
            out.append(data[i:end])
        else:
            raise Damaged("unknown GIF block")
        i = end
    if data[i:].strip(b"\0"):
        found.append(TRAILER)
    return b"".join(out), found


# SVG

SVG_NS = "http://www.w3.org/2000/svg"
#: namespaces of editors' own data (file names, paths, window geometry, layer names)
EDITOR_NAMESPACES = (
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
    "http://ns.adobe.com/",
    "http://www.figma.com/",
    "http://www.vectornator.io",
)
#: namespaces of document metadata (RDF, Dublin Core, Creative Commons, XMP)
METADATA_NAMESPACES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "adobe:ns:meta/",
)
_EDITOR_PATHS = {"docname", "docbase", "absref", "export-filename", "output_extension"}
_PEOPLE = {"creator", "contributor", "publisher", "rights", "Agent", "rightsHolder"}


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scrub_svg(data: bytes) -> tuple[bytes, list[str]]:
    from lxml import etree

    try:
        root = parse_xml(data)
    except ValueError as exc:
        raise Damaged(str(exc)) from None
    found: list[str] = []
    if any(
        not isinstance(node.tag, str)
        for side in (root.itersiblings(preceding=True), root.itersiblings())
        for node in side
    ):
        found.append(COMMENT)  # comments or processing instructions around the root
    drop: list[Any] = []
    stack = [root]  # a walk without recursion that does not enter what it drops
    while stack:
        node = stack.pop()
        said = _svg_node(node)
        if said:
            found += said
            drop.append(node)
            continue
        for name in list(node.attrib):
            if _namespace(name).startswith(EDITOR_NAMESPACES + METADATA_NAMESPACES):
                found.append(EDITOR_PATH if _local(name) in _EDITOR_PATHS else EDITOR)
                del node.attrib[name]
        stack.extend(reversed(node))
    if not found:
        return data, []
    for node in drop:
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail:  # keep the text that followed the removed node
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True), found


def _svg_node(node: Any) -> list[str]:
    """What a node of an SVG tree holds that is to go ([] if it stays)."""
    from lxml import etree

    if node.tag is etree.Comment:
        return [COMMENT]
    if node.tag is etree.PI:
        return [XMP if node.target == "xpacket" else OTHER]
    if not isinstance(node.tag, str):
        return [OTHER]  # an entity reference (parse_xml resolves none)
    namespace = _namespace(node.tag)
    if namespace == SVG_NS and _local(node.tag) == "metadata":
        return [SVG_METADATA, *_people_and_dates(node)]
    if namespace.startswith(METADATA_NAMESPACES):
        return [XMP, *_people_and_dates(node)]
    if namespace.startswith(EDITOR_NAMESPACES):
        paths = [k for e in node.iter() for k in _attrs(e) if _local(k) in _EDITOR_PATHS]
        return [EDITOR] + ([EDITOR_PATH] if paths else [])
    return []


def _people_and_dates(node: Any) -> list[str]:
    return [AUTHOR for e in node.iter() if _is_person(e)] + [
        DATE for e in node.iter() if _is_date(e)
    ]


def _attrs(element: Any) -> list[str]:
    return list(element.attrib) if isinstance(element.tag, str) else []


def _is_person(element: Any) -> bool:
    return isinstance(element.tag, str) and _local(element.tag) in _PEOPLE


def _is_date(element: Any) -> bool:
    return isinstance(element.tag, str) and _local(element.tag) == "date"


_SCRUBBERS: dict[str, Callable[[bytes], tuple[bytes, list[str]]]] = {
    "jpeg": _scrub_jpeg,
    "png": _scrub_png,
    "gif": _scrub_gif,
    "webp": _scrub_webp,
    "svg": _scrub_svg,
}
