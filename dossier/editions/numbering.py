"""Numbering an edition: notes per edition from 1, sources by first citation, and an
occurrence id for every citation (for back-references), walking the book in reading order.

Numbers and ids are written on the edition's own copies of the tokens, so the PDF and the
EPUB of an edition carry exactly the same notes, citations and anchors.
"""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.token import Token

from dossier.model.ids import cite_id, noteref_id
from dossier.model.markdown import CiteItem
from dossier.model.records import Book, Chapter, Event, Occurrence


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.children:
            yield from token.children


class Numbering:
    """Numbers notes (per edition, from 1) and sources (by first citation), and gives every
    citation an occurrence id for back-references, walking the book in reading order."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.notes = 0

    def cite(
        self,
        key: str,
        chapter: Chapter,
        occurrence_id: str,
        item: CiteItem | None = None,
        event: Event | None = None,
        locator: str = "",
    ) -> None:
        numbers = self.book.numbers
        numbers.setdefault(key, len(numbers) + 1)
        self.book.occurrences.append(
            Occurrence(occurrence_id, key, numbers[key], chapter, item, event, locator)
        )

    def chronology(self, chapter: Chapter) -> None:
        for event in self.book.events:
            refs = [r for r in event.sources if r.key in self.book.dossier.sources]
            for j, ref in enumerate(refs, 1):
                self.cite(ref.key, chapter, cite_id(event.id, j), event=event, locator=ref.locator)

    def section(self, chapter: Chapter) -> None:
        self._walk(chapter, chapter.tokens, {}, [0])

    def _walk(
        self, chapter: Chapter, tokens: list[Token], seen: dict[str, int], cites: list[int]
    ) -> None:
        sources = self.book.dossier.sources
        for child in _inline_tokens(tokens):
            if child.type == "citation":
                ids = []
                for item in child.meta["items"]:
                    if item.key in sources:
                        cites[0] += 1
                        ids.append(cite_id(chapter.id, cites[0]))
                        self.cite(item.key, chapter, ids[-1], item=item)
                    else:
                        ids.append("")
                numbers = [self.book.numbers.get(i.key, 0) for i in child.meta["items"]]
                child.meta = {**child.meta, "ids": ids, "numbers": numbers}
            elif child.type == "footnote_ref" and child.meta["label"] in chapter.notes:
                label = child.meta["label"]
                first = label not in seen
                if first:
                    self.notes += 1
                    seen[label] = self.notes
                    self.book.note_numbers[(chapter.id, label)] = self.notes
                n, repeat = seen[label], child.meta.get("subId", 0)
                ref_id = noteref_id(n, repeat)
                child.meta = {**child.meta, "n": n, "first": first, "ref_id": ref_id}
                if first:
                    self._walk(chapter, chapter.notes[label], seen, cites)


def number(book: Book) -> None:
    """Number the notes and citations of an assembled book, in reading order."""
    numbering = Numbering(book)
    for chapter in ([book.colophon] if book.colophon else []) + book.chapters:
        if chapter.kind == "chronology":
            numbering.chronology(chapter)
        elif chapter.section is not None:
            numbering.section(chapter)
