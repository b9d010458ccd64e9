"""GIF: comment and application extensions (XMP among them) are dropped; the looping
(NETSCAPE2.0) and ICC blocks and the pictures are kept."""

from __future__ import annotations

from dossier.sandbox.images.findings import COMMENT, OTHER, TRAILER, XMP, Damaged

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


def scrub_gif(data: bytes) -> tuple[bytes, list[str]]:
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
