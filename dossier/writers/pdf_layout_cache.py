"""Laid-out chapter chunks kept between builds, so that an edit re-lays out only the chunks
it moved (see `pdf_chunks`).

A chunk's layout depends on its HTML (its chapters, the edition's page CSS, the note and
citation numbers it shows: all text in the HTML), on the files its renderer fetches (the
project's stylesheets, fonts and images; the generated timeline), on the PDF options and on
the code and engines (the fingerprint). Its key is the hash of all of them; the number of
workers plays no part. Two things are kept per key:

* its pagination (`<key>.json`): page count, the page of each anchor, each page's first
  words, WeasyPrint's warnings — all that the coordinator needs from it before numbering;
* its written pages (`<key>-<first>-<total>.pdf`): the part as the worker wrote it, once
  told its first page number and the document's page count (drawn late, in the margin
  boxes). The same key with other numbers is laid out again (a page count that changed
  earlier in the book moves it).

A part read from here is the very bytes a worker would write for it (rendering is
deterministic), so the merged PDF is the same bytes as a build without the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.model.records import Book
from dossier.sandbox.fingerprint import fingerprint
from dossier.writers.epub_fonts import keep_file

#: Inputs whose content reaches a chunk only through its HTML (already in the key).
TEXT_INPUTS = (".md", ".yaml", ".yml")
#: Cached parts kept (the most recently used).
KEEP = 48


@dataclass(frozen=True)
class Report:
    """A chunk's pagination: what it tells the coordinator before numbering."""

    pages: int
    anchors: dict[str, int]
    starts: list[str]
    warnings: list[str]


def chunk_key(book: Book, html: str, options: dict[str, Any], timeline: bytes | None) -> str:
    """Everything that reaches a chunk's layout and bytes, hashed."""
    files = {
        rel: digest
        for rel, digest in book.config.project.files_read.items()
        if not rel.lower().endswith(TEXT_INPUTS)
    }
    digest = hashlib.sha256()
    for part in (
        fingerprint(),
        json.dumps(files, sort_keys=True),
        json.dumps(options, sort_keys=True, default=str),
        book.edition.name,
        book.stamp if book.edition.stamp_in_footer else "",
        html,
    ):
        digest.update(hashlib.sha256(part.encode()).digest())
    digest.update(hashlib.sha256(timeline or b"").digest())
    return digest.hexdigest()


@dataclass
class LayoutCache:
    """The kept chunks in `folder`; with `reuse` False (`--force`) none is read, but the
    chunks laid out now are kept for the next build."""

    folder: Path
    reuse: bool = True

    def report(self, key: str) -> Report | None:
        if not self.reuse:
            return None
        try:
            value = json.loads((self.folder / f"{key}.json").read_text())
            return Report(
                int(value["pages"]),
                {str(k): int(v) for k, v in value["anchors"].items()},
                [str(s) for s in value["starts"]],
                [str(w) for w in value["warnings"]],
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def part(self, key: str, first: int, total: int) -> bytes | None:
        path = self.folder / f"{key}-{first}-{total}.pdf"
        try:
            data = path.read_bytes()
            os.utime(path)
            return data
        except OSError:
            return None

    def store(self, key: str, report: Report, first: int, total: int, data: bytes) -> None:
        """Keep a chunk's pagination and written part; a cache that cannot be written is
        no error (the next build lays the chunk out again)."""
        value = {
            "pages": report.pages,
            "anchors": report.anchors,
            "starts": report.starts,
            "warnings": report.warnings,
        }
        keep_file(self.folder / f"{key}.json", json.dumps(value, sort_keys=True).encode())
        keep_file(self.folder / f"{key}-{first}-{total}.pdf", data)
        self.prune()

    def prune(self, keep: int = KEEP) -> None:
        try:
            parts = sorted(self.folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in parts[keep:]:
                old.unlink(missing_ok=True)
            live = {p.name.split("-", 1)[0] for p in parts[:keep]}
            for report in self.folder.glob("*.json"):
                if report.stem not in live:
                    report.unlink(missing_ok=True)
        except OSError:
            pass
