"""`dossier trace`: name the numbered copy a file came from, by its invisible mark.

A PDF is rendered page by page at 150 dpi and every page image is searched for mark blocks
(`writers.mark`); a PNG (or other image) of one page is searched as it is; an EPUB's
documents are searched for their whitespace mark (`writers.epub_copies`). Metadata is not
used: it is the first thing someone who passes a copy on would remove. With the ledger of
the build (`--ledger`) the copy is matched to its recipient id.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.errors import VerifyError
from dossier.writers.mark import Reading, read_image, verdict

DPI = 150
MAX_PAGES = 400


@dataclass(frozen=True)
class Trace:
    """What `trace` found: `status` is 'found', 'unreadable' or 'none'."""

    status: str
    kind: str  # pdf, epub, image
    copy: int | None = None
    tag: int | None = None
    blocks: int = 0  # mark blocks seen (PDF, image) or marked documents (EPUB)
    recipient: str | None = None
    total: int | None = None
    ledger_file: str | None = None
    identical: bool = False  # byte for byte the file the ledger records
    note: str = ""


def trace(path: str | Path, ledger: str | Path | None = None) -> Trace:
    """Read the mark of a PDF, an EPUB or a page image; with a ledger, name the recipient.
    Raises `VerifyError` for a file that cannot be read or a ledger of another build."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise VerifyError(f"cannot read '{file}': {exc.strerror}") from None
    if data.startswith(b"%PDF"):
        kind, readings = "pdf", _pdf_readings(data)
        status, found = verdict(readings)
        blocks = sum(r.blocks for r in readings)
    elif data.startswith(b"PK"):
        kind = "epub"
        status, found, blocks = _epub(data)
    else:
        kind = "image"
        readings = [read_image(_image(data, file))]
        status, found = verdict(readings)
        blocks = readings[0].blocks
    copy, tag = found or (None, None)
    result = Trace(status, kind, copy=copy, tag=tag, blocks=blocks)
    if ledger is None or found is None:
        return result
    return _with_ledger(result, Path(ledger), hashlib.sha256(data).hexdigest())


def _pdf_readings(data: bytes) -> list[Reading]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise VerifyError(f"not a readable PDF: {exc}") from None
    readings = []
    try:
        for number in range(min(len(document), MAX_PAGES)):
            image = document[number].render(scale=DPI / 72, grayscale=True).to_numpy()
            readings.append(read_image(image[..., 0] if image.ndim == 3 else image))
            found = [r for r in readings if r.decoded]
            if len(found) >= 3 and verdict(found)[0] == "found":
                break  # three pages agree: enough
    finally:
        document.close()
    return readings


def _image(data: bytes, file: Path) -> Any:
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            return np.asarray(image.convert("L"))
    except (UnidentifiedImageError, OSError):
        raise VerifyError(f"'{file}' is not a PDF, an EPUB or an image dossier can read") from None


def _epub(data: bytes) -> tuple[str, tuple[int, int] | None, int]:
    import io

    from dossier.writers.epub_copies import read_epub_mark

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return read_epub_mark(archive)
    except zipfile.BadZipFile:
        raise VerifyError("not a readable EPUB (a damaged zip file)") from None


def _with_ledger(result: Trace, ledger: Path, digest: str) -> Trace:
    from dossier.outputs.copies import read_ledger

    record = read_ledger(ledger)
    try:
        tag = int(str(record.get("mark", "")), 16)
    except ValueError:
        tag = -1
    if tag != result.tag:
        raise VerifyError(
            f"the mark is of another build than the ledger '{ledger.name}' (mark "
            f"{result.tag or 0:04x}, ledger {record.get('mark')}): find the ledger of the "
            "build this copy came from"
        )
    entries = [e for e in record["copies"] if e.get("copy") == result.copy]
    if not entries:
        raise VerifyError(f"the ledger '{ledger.name}' lists no copy {result.copy}")
    return Trace(
        result.status,
        result.kind,
        result.copy,
        result.tag,
        result.blocks,
        str(entries[0].get("recipient")),
        record.get("total"),
        ledger.name,
        any(e.get("sha256") == digest for e in entries),
    )
