"""Laid-out parts of a chunked render kept between builds, so that an edit re-lays out only
the parts it changed (see `pdf_chunks`).

A part (the front matter, a unit of chapters, the back matter, a run of folios) is laid out
from its HTML alone: its page numbers are not drawn in it (the folios are drawn after
layout, from their own small documents), so neither its layout nor its bytes depend on
where it lands in the book. Its key hashes everything that reaches it: its HTML (chapters,
the edition's page CSS, note and citation numbers, and for the contents and the appendix
their page references), the files its renderer fetches (the project's stylesheets, fonts and
images; the generated timeline), the PDF options and the code and engines (the
fingerprint). The number of workers plays no part. Two things are kept per key:

* its report (`<key>.json`): page count, the page of each anchor, each page's first words
  and name (its @page rules), WeasyPrint's warnings — what the merge needs besides pages;
* its written pages (`<key>.pdf`), as the worker wrote them.

A part read from here is the very bytes a worker would write for it (rendering is
deterministic), so the merged PDF is the same bytes as a build without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dossier.model.records import Book
from dossier.sandbox.fingerprint import fingerprint
from dossier.writers.epub_fonts import keep_file

#: Inputs whose content reaches a part only through its HTML (already in the key).
TEXT_INPUTS = (".md", ".yaml", ".yml")
#: Parts kept besides those of the latest build (the most recently used).
KEEP = 64


@dataclass(frozen=True)
class Report:
    """A laid-out part: what the coordinator needs of it besides its pages."""

    pages: int
    anchors: dict[str, int]
    starts: list[str]
    warnings: list[str]
    names: list[str | None] = field(default_factory=list)  # page names ("" none, None blank)


def part_key(book: Book, html: str, options: dict[str, Any], timeline: bytes | None) -> str:
    """Everything that reaches a part's layout and bytes, hashed."""
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
    """The kept parts in `folder`; with `reuse` False (`--force`) none is read, but the
    parts laid out now are kept for the next build."""

    folder: Path
    reuse: bool = True

    def report(self, key: str, written: bool = True) -> Report | None:
        """A kept part's report (and, if `written`, only if its pages are kept too)."""
        if not self.reuse or (written and not (self.folder / f"{key}.pdf").is_file()):
            return None
        try:
            value = json.loads((self.folder / f"{key}.json").read_text())
            return Report(
                int(value["pages"]),
                {str(k): int(v) for k, v in value["anchors"].items()},
                [str(s) for s in value["starts"]],
                [str(w) for w in value["warnings"]],
                [None if n is None else str(n) for n in value.get("names", [])],
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def part(self, key: str) -> bytes:
        """A part's written pages (kept by this build or reported present)."""
        path = self.folder / f"{key}.pdf"
        data = path.read_bytes()
        with contextlib.suppress(OSError):
            os.utime(path)
        return data

    def store(self, key: str, report: Report, data: bytes | None) -> bool:
        """Keep a part's report and written pages; False if its pages could not be kept
        (no error: the next build lays the part out again)."""
        keep_file(self.folder / f"{key}.json", json.dumps(asdict(report), sort_keys=True).encode())
        return data is None or keep_file(self.folder / f"{key}.pdf", data)

    def prune(self, live: set[str], keep: int = KEEP) -> None:
        """Remove parts other than `live` beyond the `keep` most recently used."""
        try:
            parts = sorted(self.folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
            old = [p for p in parts if p.stem not in live]
            for path in old[keep:]:
                path.unlink(missing_ok=True)
            kept = live | {p.stem for p in old[:keep]}
            for report in self.folder.glob("*.json"):
                if report.stem not in kept:
                    report.unlink(missing_ok=True)
        except OSError:
            pass
