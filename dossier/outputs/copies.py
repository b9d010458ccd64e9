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
import json
from pathlib import Path

from dossier.errors import OutputError
from dossier.model.records import Book, Recipient
from dossier.outputs.audit import epub_corpus, needle_key, pdf_corpus, public_texts, search
from dossier.outputs.files import copy_name, ledger_name, write_atomic
from dossier.rendering.words import recipient_label


def recipient_needles(book: Book, everyone: list[Recipient], own: Recipient | None) -> dict:
    """needle -> what it comes from: every recipient's note, and the id, name and
    organisation of everyone but `own`, minus what the edition legitimately says anyway."""
    allowed = " ".join([*public_texts(book), *([recipient_label(own), own.id] if own else [])])
    found: dict[str, str] = {}
    for person in everyone:
        pieces = [person.note]
        if own is None or person.id != own.id:
            pieces += [person.id, person.name, person.organisation]
        for piece in pieces:
            key = needle_key(piece)
            if key and not search(allowed, {key: piece}):
                found.setdefault(key, piece)
    return found


def _check(book: Book, fmt: str, data: bytes, needles: dict[str, str], what: str) -> None:
    if not needles:
        return
    # the recipients' ids and names are short: they are searched as whole words, in text only
    corpus = pdf_corpus(data, True) if fmt == "pdf" else epub_corpus(data, text_only=True)
    leaked = search(corpus, needles)
    if leaked:
        raise OutputError(
            f"{what} would contain text from the recipients file (“{leaked[0]}”"
            f"{f' and {len(leaked) - 1} more' if len(leaked) > 1 else ''}); nothing was "
            "written: report this as a bug in dossier"
        )


def check_recipients(book: Book, outputs: dict[str, bytes], everyone: list[Recipient]) -> None:
    """Fail if an edition's own files (not its numbered copies) name any recipient."""
    needles = recipient_needles(book, everyone, None)
    for fmt, data in outputs.items():
        _check(book, fmt, data, needles, f"the {book.edition.name} {fmt.upper()}")


def audit_copies(book: Book, fmt: str, copies: list[bytes], everyone: list[Recipient]) -> None:
    """The copies pass the edition's leak audit, and each names its own recipient only."""
    from dossier.outputs.audit import check_leaks

    for recipient, data in zip(book.recipients, copies, strict=True):
        check_leaks(book, {fmt: data})
        needles = recipient_needles(book, everyone, recipient)
        _check(book, fmt, data, needles, f"copy {recipient.number} of the {book.edition.name}")


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
