"""Test images that carry identifying metadata, made here with Pillow (and SVG as text):
one per format, each with every kind of metadata the format can hold, and an ICC profile."""

from __future__ import annotations

import io

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

#: strings that must not survive into any output
ARTIST = "Jane Q. Photographer"
CAMERA = "Nikonical Z99"
SERIAL = "SN-4471-0091"
LOCAL_PATH = "/home/jqp/sources/informant-map"
COMMENT = "shot at the informant's flat"
XMP_NOTE = "xmp-creator-jqp"
TRACES = [ARTIST, CAMERA, SERIAL, LOCAL_PATH, COMMENT, XMP_NOTE, "sodipodi", "inkscape"]

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{XMP_NOTE}</dc:creator>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()


def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def picture(mode: str = "RGB") -> Image.Image:
    """A small picture with some detail (so that re-encoding would show)."""
    image = Image.new("RGB", (48, 32), (200, 40, 50))
    for x in range(48):
        image.putpixel((x, (x * 7) % 32), (10, 20 + x * 4, 250))
    return image.convert(mode)


def exif(orientation: int = 6) -> Image.Exif:
    data = Image.Exif()
    data[0x013B] = ARTIST  # Artist
    data[0x010F] = CAMERA.split()[0]  # Make
    data[0x0110] = CAMERA  # Model
    data[0x0131] = "PhotoEditor 9.1"  # Software
    data[0x0112] = orientation
    sub = data.get_ifd(0x8769)
    sub[0x9003] = "2024:02:03 04:05:06"  # DateTimeOriginal
    sub[0xA431] = SERIAL  # BodySerialNumber
    sub[0x9286] = b"ASCII\0\0\0" + COMMENT.encode()  # UserComment
    gps = data.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (50.0, 27.0, 33.5)
    gps[3] = "E"
    gps[4] = (30.0, 31.0, 24.25)
    return data


def jpeg() -> bytes:
    out = io.BytesIO()
    picture().save(out, "JPEG", quality=90, exif=exif(), icc_profile=icc_profile(), comment=COMMENT)
    return _insert_jpeg_xmp(out.getvalue())


def _insert_jpeg_xmp(data: bytes) -> bytes:
    """Add an XMP APP1 segment after SOI (Pillow cannot write JPEG XMP)."""
    body = b"http://ns.adobe.com/xap/1.0/\0" + XMP
    return data[:2] + b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body + data[2:]


def png() -> bytes:
    info = PngInfo()
    info.add_text("Author", ARTIST)
    info.add_text("Comment", COMMENT, zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_itxt("Source", CAMERA)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=exif(), icc_profile=icc_profile())
    data = out.getvalue()
    # a tIME chunk (last modification), which Pillow does not write
    import struct
    import zlib

    body = struct.pack(">HBBBBB", 2024, 2, 3, 4, 5, 6)
    chunk = struct.pack(">I", len(body)) + b"tIME" + body
    chunk += struct.pack(">I", zlib.crc32(b"tIME" + body))
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


def webp() -> bytes:
    out = io.BytesIO()
    picture().save(out, "WEBP", lossless=True, exif=exif(), xmp=XMP, icc_profile=icc_profile())
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    picture("P").save(out, "GIF", comment=COMMENT)
    data = out.getvalue()
    # an XMP application extension before the trailer (with its 257-byte magic trailer)
    magic = bytes([1]) + bytes(range(255, -1, -1)) + b"\0"
    xmp = b"\x21\xff\x0bXMP DataXMP" + XMP + magic
    return data[:-1] + xmp + data[-1:]


def svg() -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Created with Inkscape by {ARTIST} -->
<svg xmlns="http://www.w3.org/2000/svg" width="48" height="32" viewBox="0 0 48 32"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:cc="http://creativecommons.org/ns#"
   sodipodi:docname="informant-map.svg"
   inkscape:version="1.3 (0e150ed6c4, 2023-07-21)"
   inkscape:export-filename="{LOCAL_PATH}.png">
  <title>A map with two marked places</title>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:creator><cc:Agent>
    <dc:title>{ARTIST}</dc:title></cc:Agent></dc:creator>
    <dc:date>2024-02-03</dc:date></cc:Work></rdf:RDF></metadata>
  <sodipodi:namedview id="base" inkscape:window-width="1920" inkscape:current-layer="l1"/>
  <!-- {COMMENT} -->
  <g id="l1" inkscape:label="Layer 1" inkscape:groupmode="layer">
    <rect x="4" y="4" width="20" height="12" fill="#c82832"/>
    <circle cx="36" cy="20" r="8" fill="#0a14fa"/>
  </g>
</svg>
""".encode()


MAKERS = {"jpg": jpeg, "png": png, "webp": webp, "gif": gif, "svg": svg}


def gps_marker(data: bytes) -> bool:
    """Whether bytes hold a GPS IFD: the EXIF tag 0x8825 in either byte order, in a TIFF."""
    return b"\x88\x25\x00\x04" in data or b"\x25\x88\x04\x00" in data


def traces(data: bytes) -> list[str]:
    """Which identifying strings appear in raw bytes."""
    found = [t for t in TRACES if t.encode() in data or t.encode("utf-16-le") in data]
    return found + (["GPS"] if gps_marker(data) else [])
