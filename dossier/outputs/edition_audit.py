"""The audits of one edition's new files before anything is written: pages, notes, leaks,
inertness, image metadata, parity between formats, and its numbered copies."""

from __future__ import annotations

from dossier.model.records import Book, Recipient

#: (edition, format) -> the bytes rendered (None: an earlier file is reused) and its pages
Files = dict[tuple[str, str], tuple[bytes | None, int | None]]
#: (edition, format) -> its numbered copies and (PDF) the document of their stamped lines
Numbered = tuple[list[bytes], bytes | None]


def audit_edition(
    book: Book,
    fmts: list[str],
    files: Files,
    everyone: list[Recipient],
    numbered: dict[tuple[str, str], Numbered],
) -> None:
    """The checks of one edition's new files (in its language: they look for its words),
    and of its numbered copies."""
    from dossier.outputs.audit import (
        check_inert,
        check_leaks,
        check_notes,
        check_pages,
        check_parity,
    )
    from dossier.outputs.copies import audit_copies, check_recipients
    from dossier.outputs.image_audit import check_image_metadata

    edition = book.edition.name
    fresh = {fmt: data for fmt in fmts if (data := files[(edition, fmt)][0]) is not None}
    if "pdf" in fresh:
        check_pages(book, files[(edition, "pdf")][1] or 0)
        check_notes(book, fresh["pdf"])
    check_leaks(book, fresh)
    check_inert(book, fresh)
    check_image_metadata(book, fresh)
    check_parity(book, fresh)
    check_recipients(book, fresh, everyone)
    for fmt in fmts:
        if (edition, fmt) in numbered:
            copies, stamps = numbered[(edition, fmt)]
            audit_copies(book, fmt, copies, everyone, stamps)
