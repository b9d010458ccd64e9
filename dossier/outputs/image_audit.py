"""Audit finished outputs for identifying image metadata: no image inside an EPUB, no image
drawn in a PDF and no file attached to one may carry EXIF, XMP, IPTC, GPS, comments, text
chunks or editor data (see `sandbox.images`). The writers strip or refuse such images; this
is the independent second look, and a failure is a bug in dossier.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from dossier.errors import OutputError
from dossier.model.records import Book
from dossier.outputs.audit import epub_members
from dossier.sandbox.images import XMP, identifying_metadata


def epub_image_metadata(data: bytes) -> Iterator[tuple[str, list[str]]]:
    """(member, findings) for every file of an EPUB that is an image carrying metadata."""
    for name, raw, _ in epub_members(data):
        found = identifying_metadata(raw, name)
        if found:
            yield name, found


def pdf_image_metadata(data: bytes) -> Iterator[tuple[str, list[str]]]:
    """(what, findings) for every image of a PDF that carries metadata: JPEG streams kept
    as they are (DCTDecode: the original file's bytes, segments and all), any image with a
    /Metadata stream, and every attached file."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != pikepdf.Name.Image:
                continue
            what = f"image object {obj.objgen[0]}"
            if "/Metadata" in obj:
                yield what, [XMP]
            filters = obj.get("/Filter")
            names = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
            if names == [pikepdf.Name.DCTDecode]:
                found = identifying_metadata(obj.read_raw_bytes())
                if found:
                    yield what, found
        for name, spec in pdf.attachments.items():
            found = identifying_metadata(spec.get_file().read_bytes(), name)
            if found:
                yield f"attachment {name}", found


def html_image_metadata(data: bytes) -> Iterator[tuple[str, list[str]]]:
    """(what, findings) for every image inside an HTML page (as a `data:` URL) that carries
    metadata."""
    from dossier.outputs.html_audit import data_urls

    for n, (media, content) in enumerate(data_urls(data), 1):
        if media.startswith("image/"):
            found = identifying_metadata(content, "image." + media.split("/")[1].split("+")[0])
            if found:
                yield f"embedded {media} image {n}", found


SCANS = {"pdf": pdf_image_metadata, "epub": epub_image_metadata, "html": html_image_metadata}


def check_image_metadata(book: Book, outputs: dict[str, bytes]) -> None:
    """Fail if an output still holds an image with identifying metadata."""
    for fmt, data in outputs.items():
        for what, found in SCANS[fmt](data):
            raise OutputError(
                f"the {book.edition.name} {fmt.upper()} would contain identifying image "
                f"metadata ({what}: {', '.join(found)}); nothing was written: run "
                "`dossier scrub` and build again, and report this as a bug in dossier"
            )
