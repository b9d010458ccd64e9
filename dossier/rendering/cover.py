"""The EPUB cover image, drawn from the dossier's metadata with the project's own fonts.

No stock photo and no network: a PNG in the accent colour with the title, subtitle, credit
and edition. Pillow's drawing and PNG encoding are deterministic for the same inputs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported only to draw a cover (a kept one is reused)
    from PIL import ImageDraw, ImageFont

SIZE = (1600, 2400)
MARGIN = 150
#: Palette size of the PNG
COLOURS = 32


@dataclass(frozen=True)
class CoverText:
    kicker: str
    title: str
    subtitle: str
    credit: str
    footer: str


def _font(data: bytes | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    if data:
        try:
            return ImageFont.truetype(io.BytesIO(data), size)
        except OSError:  # a font FreeType cannot read (the check reports damaged ones)
            pass
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:  # type: ignore[arg-type]
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def render_cover(text: CoverText, accent: str, bold: bytes | None, regular: bytes | None) -> bytes:
    from PIL import Image, ImageDraw

    """A 1600×2400 PNG cover."""
    image = Image.new("RGB", SIZE, accent)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    light = (255, 255, 255)
    soft = (236, 226, 226)
    draw.rectangle([0, SIZE[1] - 560, SIZE[0], SIZE[1]], fill=(250, 248, 244))
    y = 420
    draw.text((MARGIN, y), text.kicker.upper(), font=_font(bold, 46), fill=soft)
    y += 130
    size = 150
    while True:
        title_font = _font(bold, size)
        lines = _wrap(draw, text.title, title_font, width)
        if len(lines) <= 5 or size <= 70:
            break
        size -= 10
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=light)
        y += int(size * 1.12)
    y += 50
    subtitle_font = _font(regular, 72)
    for line in _wrap(draw, text.subtitle, subtitle_font, width):
        draw.text((MARGIN, y), line, font=subtitle_font, fill=soft)
        y += 90
    dark = (40, 38, 35)
    y = SIZE[1] - 470
    draw.line([MARGIN, y - 40, SIZE[0] - MARGIN, y - 40], fill=accent, width=6)
    credit_font = _font(regular, 50)
    for line in _wrap(draw, text.credit, credit_font, width)[:4]:
        draw.text((MARGIN, y), line, font=credit_font, fill=dark)
        y += 68
    draw.text((MARGIN, SIZE[1] - 130), text.footer, font=_font(regular, 40), fill=(110, 104, 96))
    # A cover is flat colour and antialiased text: 32 colours look the same and take a
    # third of the bytes (a reading system shows it as a thumbnail and a full page; the
    # size stays the 1600x2400 stores ask for). No dithering: flat areas stay flat; median
    # cut keeps the flat colours exact (the accent, white, the band), octree does not.
    palette = image.quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=False)
    return out.getvalue()
