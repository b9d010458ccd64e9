"""outputs.image_audit: the second look finds identifying image metadata in an EPUB member,
a PDF's JPEG stream and a PDF attachment, and passes clean ones."""

from __future__ import annotations

import io
import zipfile

import pikepdf
from metadata_images import MAKERS

from dossier.outputs.image_audit import epub_image_metadata, pdf_image_metadata
from dossier.sandbox.images import strip_metadata


def epub_with(image: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("EPUB/project/photo.jpg", image)
        archive.writestr("EPUB/project/map.svg", strip_metadata(MAKERS["svg"](), "map.svg"))
    return out.getvalue()


def pdf_with(image: bytes, attach: bytes) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
    pdf.pages[0].Resources.XObject.Im0 = pdf.make_stream(
        image,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Filter=pikepdf.Name.DCTDecode,
        Width=48,
        Height=32,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
    )
    pdf.attachments["sections/photo.png"] = pikepdf.AttachedFileSpec(pdf, attach)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_epub_member_with_metadata_is_found() -> None:
    found = dict(epub_image_metadata(epub_with(MAKERS["jpg"]())))
    assert (
        list(found) == ["EPUB/project/photo.jpg"]
        and "GPS position" in found["EPUB/project/photo.jpg"]
    )
    assert dict(epub_image_metadata(epub_with(strip_metadata(MAKERS["jpg"]())))) == {}


def test_pdf_jpeg_and_attachment_with_metadata_are_found() -> None:
    found = dict(pdf_image_metadata(pdf_with(MAKERS["jpg"](), MAKERS["png"]())))
    assert any(k.startswith("image object") and "author" in v for k, v in found.items())
    assert "author" in found["attachment sections/photo.png"]
    clean = pdf_with(strip_metadata(MAKERS["jpg"]()), strip_metadata(MAKERS["png"]()))
    assert dict(pdf_image_metadata(clean)) == {}
