"""The archive edition's evidence: the project's source files attached to the PDF with a
`manifest.json` of their SHA-256 and of the tools that made it, and `verify()`, which checks
an archived PDF against that manifest and can rebuild it from its own attachments.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from dossier.errors import VerifyError
from dossier.model.records import Book
from dossier.reading.styles import Stylesheets
from dossier.sandbox.fetcher import GENERATED_ORIGIN, make_fetcher, project_url
from dossier.sandbox.fingerprint import fingerprint

MANIFEST_NAME = "manifest.json"
FORMAT = "dossier-archive/1"
MANIFEST_DESCRIPTION = "SHA-256 of every source file"


def engine_versions() -> dict[str, str]:
    """Versions of what turns the sources into bytes (a rebuild needs the same ones)."""
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
    from fontTools.ttLib import TTFont

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


def attachments(book: Book, sheets: Stylesheets, files: dict[str, str]) -> list[Any]:
    """New WeasyPrint attachments (they are single-use) with fixed dates: every input file
    (`files`: path -> SHA-256) and the manifest. They are fetched through the sandbox so
    that their media types come from dossier's fixed table, not the system's."""
    from weasyprint import Attachment

    when = book.dossier.build_time
    fetcher = make_fetcher(book.config.project, {MANIFEST_NAME: manifest_json(book, sheets, files)})

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


def dedupe_associated_files(document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF; keep one of each."""
    if "AF" in pdf.catalog:
        unique: list[Any] = []
        for reference in pdf.catalog["AF"]:
            if reference not in unique:
                unique.append(reference)
        pdf.catalog["AF"][:] = unique


@dataclass
class Verification:
    """What `verify()` found."""

    manifest: dict[str, Any]
    matched: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    rebuilt: bool | None = None
    rebuild_note: str = ""

    @property
    def ok(self) -> bool:
        return not (self.altered or self.missing or self.unexpected) and self.rebuilt is not False


def read_attachments(path: Path) -> dict[str, bytes]:
    """The files attached to a PDF; a damaged or foreign file is a `VerifyError`."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path), strict=True)
        found = {name: contents[0] for name, contents in reader.attachments.items()}
    except Exception as exc:  # pypdf raises many kinds of errors for damaged files
        raise VerifyError(
            f"'{path}' is not a readable PDF ({type(exc).__name__}: {exc}); "
            "the file is damaged or not a PDF"
        ) from None
    return found


def verify(path: Path, rebuild: bool = False) -> Verification:
    """Check an archived PDF: its attachments against its manifest, and optionally its own
    bytes against a rebuild from those attachments."""
    files = read_attachments(path)
    if MANIFEST_NAME not in files:
        raise VerifyError(
            f"'{path}' has no {MANIFEST_NAME} attached: it is not an archive "
            "edition made by dossier"
        )
    try:
        manifest = json.loads(files.pop(MANIFEST_NAME))
        listed = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise VerifyError(f"the attached {MANIFEST_NAME} is damaged ({exc})") from None
    result = Verification(manifest)
    for name, digest in sorted(listed.items()):
        if name not in files:
            result.missing.append(name)
        elif hashlib.sha256(files[name]).hexdigest() == digest:
            result.matched.append(name)
        else:
            result.altered.append(name)
    result.unexpected = sorted(set(files) - set(listed))
    if rebuild and not (result.altered or result.missing):
        result.rebuilt, result.rebuild_note = _rebuild(path, manifest, files)
    return result


def _rebuild(path: Path, manifest: dict[str, Any], files: dict[str, bytes]) -> tuple[bool, str]:
    """Build the edition again from the attached sources and compare the bytes."""
    from dossier.build import build

    recorded = {"edition": str, "source_date_epoch": int, "tools": dict}
    for key, kind in recorded.items():
        if not isinstance(manifest.get(key), kind):
            raise VerifyError(
                f"the attached {MANIFEST_NAME} does not record '{key}': the file cannot be "
                "rebuilt (its attachments can still be checked without --rebuild)"
            )
    differences = [
        f"{tool} {manifest['tools'].get(tool)} (here {here})"
        for tool, here in engine_versions().items()
        if manifest.get("tools", {}).get(tool) != here
    ]
    with tempfile.TemporaryDirectory(prefix="dossier-verify-") as work:
        root = Path(work) / "project"
        for name, data in files.items():
            target = (root / name).resolve()
            if not target.is_relative_to(root.resolve()):
                raise VerifyError(f"attachment name '{name}' points outside the project")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(manifest["source_date_epoch"])
        try:
            outputs = build(
                root, editions=[manifest["edition"]], formats=["pdf"], output_dir=Path(work) / "out"
            )
        finally:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved
        same = outputs[0].path.read_bytes() == path.read_bytes()
    if same:
        return True, "a rebuild from the attached sources gives the same bytes"
    note = "a rebuild from the attached sources gives different bytes"
    if differences:
        note += "; the tools differ from those recorded: " + ", ".join(differences)
    else:
        note += " with the same tools: the PDF was altered after it was made"
    return False, note
