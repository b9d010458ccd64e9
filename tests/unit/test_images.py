"""sandbox.images: identifying metadata found and removed, format by format, without
re-encoding the picture."""

from __future__ import annotations

import io
import struct

import pytest
from lxml import etree
from metadata_images import MAKERS, icc_profile, picture, traces
from PIL import Image

from dossier.sandbox import images
from dossier.sandbox.images import identifying_metadata, scrub, strip_metadata

RASTER = ["jpg", "png", "webp", "gif"]
EXPECTED = {
    "jpg": {"GPS position", "author", "camera make/model", "camera serial number", "date taken",
            "comment", "XMP metadata"},
    "png": {"GPS position", "author", "camera make/model", "comment", "XMP metadata",
            "date modified"},
    "webp": {"GPS position", "author", "camera make/model", "XMP metadata"},
    "gif": {"comment", "XMP metadata"},
    "svg": {"author", "editor file path", "comment", "SVG metadata", "editor data"},
}  # fmt: skip


@pytest.mark.parametrize("fmt", list(MAKERS))
def test_finds_each_kind_of_metadata(fmt: str) -> None:
    found = identifying_metadata(MAKERS[fmt](), f"photo.{fmt}")
    assert EXPECTED[fmt] <= set(found)


@pytest.mark.parametrize("fmt", list(MAKERS))
def test_stripped_bytes_carry_no_trace(fmt: str) -> None:
    original = MAKERS[fmt]()
    assert traces(original)  # the test image does carry something
    cleaned = strip_metadata(original, f"photo.{fmt}")
    assert traces(cleaned) == []
    assert identifying_metadata(cleaned, f"photo.{fmt}") == []


@pytest.mark.parametrize("fmt", RASTER)
def test_pixels_are_not_reencoded(fmt: str) -> None:
    original = MAKERS[fmt]()
    cleaned = strip_metadata(original, f"photo.{fmt}")
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == before.format
        assert after.size == before.size and after.mode == before.mode
        assert after.tobytes() == before.tobytes()


@pytest.mark.parametrize("fmt", ["jpg", "png", "webp"])
def test_icc_profile_and_orientation_are_kept(fmt: str) -> None:
    cleaned = strip_metadata(MAKERS[fmt](), f"photo.{fmt}")
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.info.get("icc_profile") == icc_profile()
        exif = image.getexif()
        assert dict(exif) == {0x0112: 6}  # the orientation, and nothing else
        assert not exif.get_ifd(0x8825) and not exif.get_ifd(0x8769)


def test_jpeg_segments_left_are_only_decoding_ones() -> None:
    cleaned = strip_metadata(MAKERS["jpg"](), "photo.jpg")
    markers, i = [], 2
    while cleaned[i + 1] != 0xDA:  # up to the start of scan
        markers.append(cleaned[i + 1])
        i += 2 + struct.unpack_from(">H", cleaned, i + 2)[0]
    assert 0xFE not in markers  # no comment
    assert {m for m in markers if 0xE0 <= m <= 0xEF} <= {0xE0, 0xE1, 0xE2, 0xEE}
    assert cleaned.count(b"\xff\xe1") == 1 and b"http://ns.adobe.com" not in cleaned


def test_orientation_one_drops_exif_entirely() -> None:
    from metadata_images import exif

    out = io.BytesIO()
    picture().save(out, "JPEG", exif=exif(orientation=1))
    cleaned = strip_metadata(out.getvalue(), "photo.jpg")
    assert b"Exif\0\0" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif()


@pytest.mark.parametrize("fmt", ["jpg", "png", "webp", "gif"])
def test_clean_image_goes_through_unchanged(fmt: str) -> None:
    out = io.BytesIO()
    image = picture("P") if fmt == "gif" else picture()
    image.save(out, {"jpg": "JPEG"}.get(fmt, fmt.upper()))
    data = out.getvalue()
    result = scrub(data, f"plain.{fmt}")
    assert result.removed == [] and result.data is data


@pytest.mark.parametrize("fmt", list(MAKERS))
def test_scrubbing_twice_changes_nothing_more(fmt: str) -> None:
    once = strip_metadata(MAKERS[fmt](), f"photo.{fmt}")
    again = scrub(once, f"photo.{fmt}")
    assert again.removed == [] and again.data is once


def test_webp_header_is_fixed() -> None:
    cleaned = strip_metadata(MAKERS["webp"](), "photo.webp")
    assert struct.unpack_from("<I", cleaned, 4)[0] == len(cleaned) - 8
    chunks, i = [], 12
    while i < len(cleaned):
        kind, size = struct.unpack_from("<4sI", cleaned, i)
        chunks.append((kind, cleaned[i + 8 : i + 8 + size]))
        i += 8 + size + (size & 1)
    kinds = [k for k, _ in chunks]
    assert b"XMP " not in kinds and b"EXIF" in kinds  # the orientation-only EXIF
    flags = chunks[0][1][0]
    assert kinds[0] == b"VP8X" and flags & 0x08 and not flags & 0x04 and flags & 0x20


def test_svg_keeps_drawing_and_title() -> None:
    cleaned = strip_metadata(MAKERS["svg"](), "map.svg")
    root = etree.fromstring(cleaned)
    svg = "{http://www.w3.org/2000/svg}"
    assert [e.tag for e in root.iter(f"{svg}rect", f"{svg}circle", f"{svg}title")] == [
        f"{svg}title",
        f"{svg}rect",
        f"{svg}circle",
    ]
    assert root.find(f"{svg}metadata") is None
    assert set(root.nsmap.values()) == {"http://www.w3.org/2000/svg"}
    assert not any(e.tag is etree.Comment for e in root.iter())


def test_data_after_the_image_is_removed() -> None:
    out = io.BytesIO()
    picture().save(out, "JPEG")
    data = out.getvalue() + b"\xff\xd8 a second picture or a video " + b"x" * 100
    result = scrub(data, "photo.jpg")
    assert result.removed == [images.TRAILER]
    assert result.data == out.getvalue()


def test_damaged_file_is_reported_not_changed() -> None:
    data = MAKERS["jpg"]()[:300]
    result = scrub(data, "photo.jpg")
    assert result.removed == [images.DAMAGED] and result.data is data


def test_other_files_are_untouched() -> None:
    for data, name in [(b"body { color: red }", "a.css"), (b"\0\1\0\0font", "a.ttf")]:
        assert scrub(data, name).data is data and identifying_metadata(data, name) == []
