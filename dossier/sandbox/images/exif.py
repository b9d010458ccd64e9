"""EXIF, a TIFF structure inside JPEG APP1, PNG eXIf and WebP EXIF: what it says
(camera, date, place, people) and a replacement that keeps only the orientation."""

from __future__ import annotations

import struct

from dossier.sandbox.images.findings import (
    AUTHOR,
    CAMERA,
    COMMENT,
    DATE,
    DESCRIPTION,
    EXIF,
    GPS,
    IPTC,
    MAKER_NOTES,
    MODIFIED,
    OTHER,
    SERIAL,
    SETTINGS,
    SOFTWARE,
    THUMBNAIL,
    XMP,
    Damaged,
)

EXIF_ID = b"Exif\0\0"  # how EXIF begins in a JPEG APP1 segment (and some WebP files)
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


def clean_exif(tiff: bytes) -> tuple[bytes | None, list[str]]:
    """(replacement TIFF block or None to drop it, findings); findings [] means keep as is."""
    try:
        found, orientation = exif_findings(tiff)
    except (Damaged, struct.error):
        return None, [EXIF]
    if not found:
        return tiff, []
    return (orientation_only_exif(orientation) if orientation != 1 else None), found
