"""PNG: text chunks (tEXt, zTXt, iTXt), eXIf, tIME and unknown ancillary chunks are
dropped; colour, transparency and animation chunks are kept."""

from __future__ import annotations

import struct
import zlib

from dossier.sandbox.images.exif import clean_exif
from dossier.sandbox.images.findings import (
    AUTHOR,
    CAMERA,
    COMMENT,
    DATE,
    DESCRIPTION,
    EXIF,
    IPTC,
    MODIFIED,
    OTHER,
    SOFTWARE,
    TEXT,
    TRAILER,
    XMP,
    Damaged,
)

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


def scrub_png(data: bytes) -> tuple[bytes, list[str]]:
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
            tiff, said = clean_exif(body)
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
