"""WebP (RIFF): EXIF, XMP and unknown chunks are dropped and the VP8X flags fixed; the
picture, alpha, animation and ICC chunks are kept."""

from __future__ import annotations

import struct

from dossier.sandbox.images.exif import EXIF_ID, clean_exif
from dossier.sandbox.images.findings import OTHER, TRAILER, XMP, Damaged

_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def scrub_webp(data: bytes) -> tuple[bytes, list[str]]:
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
            prefixed = body.startswith(EXIF_ID)
            tiff, said = clean_exif(body[len(EXIF_ID) :] if prefixed else body)
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
