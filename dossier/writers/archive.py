"""The archive edition's evidence: the project's source files attached to the PDF with a
`manifest.json` of their SHA-256 and of the tools that made it (`dossier.verify` checks them).
"""

from __future__ import annotations

import io
import json
from typing import Any

from dossier.errors import ContentError, Location
from dossier.model.records import Book
from dossier.reading.styles import Stylesheets
from dossier.sandbox.fetcher import GENERATED_ORIGIN, make_fetcher, project_url
from dossier.sandbox.files import ProjectFiles
from dossier.sandbox.fingerprint import fingerprint
from dossier.sandbox.images import identifying_metadata

MANIFEST_NAME = "manifest.json"
FORMAT = "dossier-archive/1"
MANIFEST_DESCRIPTION = "SHA-256 of every source file"


def engine_versions() -> dict[str, str]:
    """Versions of what turns the sources into bytes (a rebuild needs the same ones)."""
    from importlib.metadata import version

    from dossier.sandbox.fonts import confine_fonts

    confine_fonts()
    import weasyprint
    from weasyprint.text.ffi import pango

    pango_version = pango.pango_version()
    return {
        "dossier": fingerprint(),  # release + digest of the code and engines
        "weasyprint": weasyprint.__version__,
        "ebooklib": version("ebooklib"),
        "pango": f"{pango_version // 10000}.{pango_version // 100 % 100}.{pango_version % 100}",
    }


def font_versions(book: Book, sheets: Stylesheets) -> list[dict[str, str]]:
    """Family, style and version of every font a render may use: the project's, then the
    theme's."""
    from fontTools.ttLib import TTFont

    from dossier.sandbox.fonts import theme_font_files

    project = book.config.project
    fonts = []
    for face in sorted({f.path: f for f in sheets.fonts}.values(), key=lambda f: f.path):
        names = TTFont(io.BytesIO(project.read_bytes(face.path)))["name"]
        fonts.append(
            {
                "file": face.path,
                "family": str(names.getDebugName(1)),
                "style": str(names.getDebugName(2)),
                "version": str(names.getDebugName(5)),
            }
        )
    for path in theme_font_files():  # the theme's, which back up the project's
        names = TTFont(path, lazy=True)["name"]
        fonts.append(
            {
                "file": f"dossier:theme/fonts/{path.name}",
                "family": str(names.getDebugName(1)),
                "style": str(names.getDebugName(2)),
                "version": str(names.getDebugName(5)),
            }
        )
    return fonts


def manifest_json(book: Book, sheets: Stylesheets, files: dict[str, str]) -> bytes:
    """The archive manifest: every input file's SHA-256, the edition, the tools."""
    when = book.dossier.build_time
    record = {
        "format": FORMAT,
        "dossier": book.config.name,
        "identifier": book.config.identifier,
        "edition": book.edition.name,
        "stamp": book.stamp,
        "source_date_epoch": int(when.timestamp()),
        "build_time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tools": engine_versions(),
        "fonts": font_versions(book, sheets),
        "files": dict(sorted(files.items())),
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode()


# engine-quirk: WeasyPrint 70 — an Attachment can be written once only, and is dated "now"
# unless told otherwise
def attachments(book: Book, sheets: Stylesheets, files: dict[str, str]) -> list[Any]:
    """New WeasyPrint attachments (they are single-use) with fixed dates: every input file
    (`files`: path -> SHA-256) and the manifest. They are fetched through the sandbox so
    that their media types come from dossier's fixed table, not the system's."""
    from weasyprint import Attachment

    refuse_identifying_images(book.config.project, files)
    when = book.dossier.build_time
    generated = {MANIFEST_NAME: manifest_json(book, sheets, files)}
    fetcher = make_fetcher(book.config.project, generated, clean_images=False)

    def attach(url: str, name: str, description: str, relationship: str) -> Any:
        return Attachment(
            url=url,
            url_fetcher=fetcher,
            name=name,
            description=description,
            created=when,
            modified=when,
            relationship=relationship,
        )

    return [
        *(attach(project_url(p), p, "Project source file", "Source") for p in sorted(files)),
        attach(GENERATED_ORIGIN + MANIFEST_NAME, MANIFEST_NAME, MANIFEST_DESCRIPTION, "Data"),
    ]


def refuse_identifying_images(project: ProjectFiles, files: dict[str, str]) -> None:
    """An archive attaches its sources byte for byte (their SHA-256 is the proof), so it
    cannot clean an image on the way: it refuses one that carries identifying metadata."""
    for path in sorted(files):
        found = identifying_metadata(project.read_bytes(path), path)
        if found:
            raise ContentError(
                f"image carries identifying metadata ({', '.join(found)}); an archive edition "
                "attaches its sources as they are and will not attach it: run `dossier scrub` "
                "to remove it",
                Location(path),
            )


# engine-quirk: WeasyPrint 70 — each attachment is listed twice in the catalog's /AF
def dedupe_associated_files(document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF; keep one of each."""
    if "AF" in pdf.catalog:
        unique: list[Any] = []
        for reference in pdf.catalog["AF"]:
            if reference not in unique:
                unique.append(reference)
        pdf.catalog["AF"][:] = unique
