"""JPEG: marker segments (APPn, COM) that hold metadata are dropped; JFIF, the ICC
profile (APP2) and Adobe's APP14 are kept, and the scan data is copied as it is."""

from __future__ import annotations

import struct

from dossier.sandbox.images.exif import EXIF_ID, clean_exif
from dossier.sandbox.images.findings import (
    AUTHOR,
    COMMENT,
    DATE,
    DESCRIPTION,
    GPS,
    IPTC,
    OTHER,
    THUMBNAIL,
    TRAILER,
    XMP,
    Damaged,
)

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
        if body.startswith(EXIF_ID):
            tiff, found = clean_exif(body[len(EXIF_ID) :])
            return (EXIF_ID + tiff if tiff is not None else None), found
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


def scrub_jpeg(data: bytes) -> tuple[bytes, list[str]]:
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
