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
from collections.abc import Callable
from dataclasses import dataclass, field

from dossier.sandbox.images.findings import (
    AUTHOR,
    CAMERA,
    COMMENT,
    DAMAGED,
    DATE,
    DESCRIPTION,
    EDITOR,
    EDITOR_PATH,
    EXIF,
    GPS,
    IPTC,
    MAKER_NOTES,
    MODIFIED,
    ORDER,
    OTHER,
    SERIAL,
    SETTINGS,
    SOFTWARE,
    SVG_METADATA,
    TEXT,
    THUMBNAIL,
    TRAILER,
    XMP,
    Damaged,
)
from dossier.sandbox.images.gif import scrub_gif
from dossier.sandbox.images.jpeg import scrub_jpeg
from dossier.sandbox.images.png import scrub_png
from dossier.sandbox.images.svg import scrub_svg
from dossier.sandbox.images.webp import scrub_webp

__all__ = [
    "AUTHOR",
    "CAMERA",
    "COMMENT",
    "DAMAGED",
    "DATE",
    "DESCRIPTION",
    "EDITOR",
    "EDITOR_PATH",
    "EXIF",
    "GPS",
    "IPTC",
    "MAKER_NOTES",
    "MODIFIED",
    "ORDER",
    "OTHER",
    "SERIAL",
    "SETTINGS",
    "SOFTWARE",
    "SUFFIXES",
    "SVG_METADATA",
    "TEXT",
    "THUMBNAIL",
    "TRAILER",
    "XMP",
    "Damaged",
    "Scrubbed",
    "identifying_metadata",
    "image_kind",
    "is_image",
    "scrub",
    "strip_metadata",
]

SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


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


_SCRUBBERS: dict[str, Callable[[bytes], tuple[bytes, list[str]]]] = {
    "jpeg": scrub_jpeg,
    "png": scrub_png,
    "gif": scrub_gif,
    "webp": scrub_webp,
    "svg": scrub_svg,
}
