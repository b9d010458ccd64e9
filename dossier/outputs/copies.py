"""Numbered copies after they are made: the audits that concern recipients, and writing the
copies with their ledger.

A recipients file is internal material. No output carries a recipient's note, and no file
names a recipient but the copy made for them: every other recipient's id, name and
organisation is searched for in each copy (text, metadata, structure, attachments), and
every recipient's in every other output of the build. The ledger
(`<name>-<edition>-<stamp>-copies.json`) records who received which file, with its SHA-256;
it stays in the output folder, with the sender.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from dossier.errors import OutputError
from dossier.model.records import Book, Recipient
from dossier.outputs.audit import (
    CORPUS,
    check_text_leaks,
    epub_corpus,
    needle_key,
    needles,
    pdf_corpora,
    pdf_corpus,
    pdf_page_texts,
    public_texts,
    search,
)
from dossier.outputs.files import copy_name, ledger_name, write_atomic
from dossier.rendering.words import recipient_label


def recipient_needles(
    book: Book, everyone: list[Recipient], own: Recipient | None
) -> dict[str, str]:
    """needle -> what it comes from: every recipient's note, and the id, name and
    organisation of everyone but `own`, minus what the edition legitimately says anyway."""
    candidates: dict[str, str] = {}
    for person in everyone:
        pieces = [person.note]
        if own is None or person.id != own.id:
            pieces += [person.id, person.name, person.organisation]
        for piece in pieces:
            key = needle_key(piece)
            if key:
                candidates.setdefault(key, piece)
    if not candidates:  # no recipients: the public text need not be read
        return {}
    public = " ".join(public_texts(book))
    own_text = " ".join([recipient_label(own), own.id]) if own else ""
    allowed = set(search(public, candidates)) | set(search(own_text, candidates))
    return {key: piece for key, piece in candidates.items() if piece not in allowed}


def _check(corpus: str, needles: dict[str, str], what: str) -> None:
    leaked = search(corpus, needles) if needles else []
    if leaked:
        raise OutputError(
            f"{what} would contain text from the recipients file (“{leaked[0]}”"
            f"{f' and {len(leaked) - 1} more' if len(leaked) > 1 else ''}); nothing was "
            "written: report this as a bug in dossier"
        )


def check_recipients(book: Book, outputs: dict[str, bytes], everyone: list[Recipient]) -> None:
    """Fail if an edition's own files (not its numbered copies) name any recipient."""
    needles_ = recipient_needles(book, everyone, None)
    if not needles_:
        return
    for fmt, data in outputs.items():
        # ids and names are short: searched as whole words, in text only
        if fmt == "pdf":
            corpus = pdf_corpus(data, True)
        else:
            corpus = epub_corpus(data, text_only=True) if fmt == "epub" else CORPUS[fmt](data)
        _check(corpus, needles_, f"the {book.edition.name} {fmt.upper()}")


def audit_copies(
    book: Book,
    fmt: str,
    copies: list[bytes],
    everyone: list[Recipient],
    stamps: bytes | None = None,
) -> None:
    """Each copy passes the edition's leak audit and names its own recipient only.

    A copy is the audited edition plus what stamping added, so the first copy is audited
    whole and the others by what was added: for a PDF the text of its stamps (`stamps`:
    the document of every copy's lines, two pages per copy) and its XMP; for an EPUB every
    text file (its fonts and images are the edition's)."""
    internal = needles(book)
    lines = _stamp_texts(stamps) if stamps is not None else []
    for recipient, data in zip(book.recipients, copies, strict=True):
        what = f"copy {recipient.number} of the {book.edition.name} {fmt.upper()}"
        if fmt != "pdf":
            corpus = epub_corpus(data, text_only=True)
        elif recipient.number == 1 or not lines:
            whole, corpus = pdf_corpora(data)
            check_text_leaks(book, whole, what, internal)
        else:
            first = 2 * (recipient.number - 1)
            corpus = "\n".join([*lines[first : first + 2], _xmp(data)])
        check_text_leaks(book, corpus, what, internal)
        needles_ = recipient_needles(book, everyone, recipient)
        _check(corpus, needles_, what)


def _stamp_texts(stamps: bytes) -> list[str]:
    return pdf_page_texts(stamps)


def _xmp(data: bytes) -> str:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        metadata = pdf.Root.get("/Metadata")
        info: Any = pdf.trailer.get("/Info") or {}
        parts = [str(v) for v in info.values()] if info else []
        if metadata is not None:
            parts.append(metadata.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def write_copies(folder: Path, book: Book, fmt: str, copies: list[bytes]) -> list[tuple[Path, int]]:
    """Write each copy, then the ledger (updated with this format's copies), atomically."""
    config = book.config
    written = []
    for recipient, data in zip(book.recipients, copies, strict=True):
        path = folder / copy_name(config.name, book.edition.name, book.stamp, recipient.number, fmt)
        write_atomic(path, data)
        written.append((path, len(data)))
    ledger = folder / ledger_name(config.name, book.edition.name, book.stamp)
    record = read_ledger(ledger) if ledger.is_file() else {}
    entries = [e for e in record.get("copies", []) if e.get("format") != fmt]
    for recipient, (path, _) in zip(book.recipients, written, strict=True):
        entries.append(
            {
                "copy": recipient.number,
                "recipient": recipient.id,
                "format": fmt,
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
        )
    entries.sort(key=lambda e: (e["copy"], e["format"]))
    from dossier.writers.mark import edition_tag

    record = {
        "dossier": config.name,
        "edition": book.edition.name,
        "stamp": book.stamp,
        "mark": f"{edition_tag(config.name, book.edition.name, book.stamp):04x}",
        "date": book.dossier.build_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "total": len(book.recipients),
        "copies": entries,
    }
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    write_atomic(ledger, text.encode())
    return written


def read_ledger(path: Path) -> dict:
    """A ledger's record; a file that is not one raises `OutputError`."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"cannot read the ledger '{path}': {exc}") from None
    if not isinstance(record, dict) or not isinstance(record.get("copies"), list):
        raise OutputError(f"'{path}' is not a ledger of numbered copies")
    return record
