"""Assemble one edition of a dossier into a `Book`: choose the parts, drop internal material
for public audiences, and number notes and citations in reading order.

Numbers and ids are fixed here, on per-edition copies of the tokens, so the PDF and the EPUB
of an edition carry exactly the same notes, citations and anchors.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
from collections.abc import Iterator
from typing import Any

from markdown_it.token import Token

from dossier.config.manifest import CHRONOLOGY_MARK, GENERATED_PARTS, SOURCES_MARK, Edition
from dossier.errors import Location, Problems
from dossier.model import markdown as markup
from dossier.model.dates import label_for, parse_date
from dossier.model.ids import cite_id, noteref_id
from dossier.model.markdown import INTERNAL_NOTE_PREFIX, CiteItem, is_internal_span
from dossier.model.records import Book, Chapter, Dossier, Event, Occurrence, Section, Source

CHRONOLOGY_TITLE = "Chronology"
SOURCES_TITLE = "Sources"


def edition_stamp(dossier: Dossier, edition: Edition, files: dict[str, str], version: str) -> str:
    """A short id derived from the content: the hashes of every input file, the edition's
    settings, the build time and the code's fingerprint. Same inputs, same stamp."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path}\0{files[path]}\n".encode())
    digest.update(repr(edition).encode())
    digest.update(dossier.build_time.isoformat().encode())
    digest.update(version.encode())
    return digest.hexdigest()[:10]


def assemble(dossier: Dossier, edition: Edition, stamp: str, problems: Problems) -> Book:
    """Build the edition's `Book`; edition-specific problems go to `problems`."""
    public = edition.audience == "public"
    _check_parts(dossier, edition, problems)
    book = Book(dossier, edition, stamp, [], [], [], {}, {}, [])
    by_path = {s.path: s for s in dossier.sections}
    for entry in dossier.config.reading_order():
        if entry == CHRONOLOGY_MARK:
            start = _chronology_start(
                edition,
                problems,
                dossier.config.at("editions", edition.name, "chronology_from"),
            )
            events = [
                _event_view(e, public)
                for e in dossier.events
                if not (public and e.internal) and e.latest >= start
            ]
            if book.has("chronology") and events:
                book.events = events
                book.chapters.append(
                    Chapter("chronology", "chronology", CHRONOLOGY_TITLE, "chronology.xhtml")
                )
        elif entry == SOURCES_MARK:
            if book.has("appendix"):
                book.chapters.append(Chapter("appendix", "sources", SOURCES_TITLE, "sources.xhtml"))
        elif entry in by_path:
            section = by_path[entry]
            if (public and section.internal) or not book.has(section.part):
                continue
            book.chapters.append(_section_chapter(section, public))
    colophon = dossier.colophon
    if (
        colophon is not None
        and edition.layout == "book"
        and book.has("title")
        and not (public and colophon.internal)
    ):
        book.colophon = _section_chapter(colophon, public)
        book.colophon.file = "title.xhtml"
    _number(book)
    cited = [dossier.sources[k] for k in sorted(book.numbers, key=book.numbers.__getitem__)]
    book.sources = [_source_view(s, public) for s in cited]
    based_on = dossier.sources.get(dossier.config.based_on)
    if based_on is not None and public and based_on.internal:
        problems.error(
            f"public edition '{edition.name}' would credit internal source '{based_on.key}' "
            "on its cover: make the source public, or drop based_on",
            dossier.config.at("based_on"),
        )
    book.based_on = _source_view(based_on, public) if based_on is not None else None
    for source in cited:
        if public and source.internal:
            where = next((o for o in book.occurrences if o.key == source.key), None)
            problems.error(
                f"public edition '{edition.name}' cites internal source '{source.key}': "
                "mark the citing passage internal, or the source public",
                _occurrence_location(where) if where else source.where,
            )
    if public:
        book.internal_texts = internal_texts(dossier)
        if edition.attach_sources and book.internal_texts:
            problems.error(
                f"edition '{edition.name}' is public but would attach the project's "
                "source files, which contain internal material: make the edition "
                'internal (audience = "internal") or drop attach_sources',
                dossier.config.at("editions", edition.name, "attach_sources"),
            )
    return book


def _event_view(event: Event, public: bool) -> Event:
    """The event as an audience may see it: internal fields emptied for the public."""
    if not public or not event.internal_fields:
        return event
    hidden: dict[str, Any] = {f: "" for f in ("place", "note") if f in event.internal_fields}
    if "label" in event.internal_fields:  # the date as written says it without the label
        hidden["label"] = label_for(parse_date(event.date), event.inferred)
    if "sources" in event.internal_fields:
        hidden["sources"] = []
    return dataclasses.replace(event, **hidden)


def _source_view(source: Source, public: bool) -> Source:
    """The source as an audience may see it: internal CSL and custom fields dropped."""
    if not public:
        return source
    fields = source.internal_fields
    return dataclasses.replace(
        source,
        csl=source.public_csl(),
        internal_notes="",
        reliability="" if "reliability" in fields else source.reliability,
        original_name="" if "original-name" in fields else source.original_name,
        protection="" if "protection" in fields else source.protection,
        copies=() if {"copies", "URL"} & fields else source.copies,
    )


def _chronology_start(edition: Edition, problems: Problems, where: Location) -> float:
    """The earliest day an edition's chronology shows (`chronology_from`, EDTF)."""
    if not edition.chronology_from:
        return -math.inf
    try:
        return parse_date(edition.chronology_from).earliest
    except ValueError as exc:
        problems.error(
            f"editions.{edition.name}.chronology_from: invalid EDTF date "
            f"'{edition.chronology_from}': {exc}",
            where,
        )
        return -math.inf


def _check_parts(dossier: Dossier, edition: Edition, problems: Problems) -> None:
    known = set(GENERATED_PARTS) | {s.part for s in dossier.sections} | {"all"}
    for i, part in enumerate(edition.parts):
        if part not in known:
            close = difflib.get_close_matches(part, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.error(
                f"edition '{edition.name}': unknown part '{part}'{hint}",
                dossier.config.at("editions", edition.name, "parts", i),
            )


def _section_chapter(section: Section, public: bool) -> Chapter:
    tokens = visible(section.tokens, public)
    notes = {
        label: visible(note.tokens, public)
        for label, note in section.notes.items()
        if not (public and note.internal)
    }
    return Chapter(
        "section",
        section.id,
        section.title,
        f"{section.id}.xhtml",
        section,
        section.subtitle,
        section.summary,
        tokens,
        notes,
    )


def visible(tokens: list[Token], public: bool) -> list[Token]:
    """Copies of the tokens an audience may see: public drops `::: internal` blocks,
    `[…]{.internal}` spans and references to `[^internal-…]` notes."""
    out: list[Token] = []
    depth = 0
    for token in tokens:
        if public and token.type == f"container_{markup.INTERNAL}_open":
            depth += 1
        elif public and token.type == f"container_{markup.INTERNAL}_close":
            depth -= 1
        elif depth == 0:
            if token.children is not None:
                token = token.copy(children=_visible_inline(token.children, public))
            out.append(token)
    return out


def _visible_inline(children: list[Token], public: bool) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for child in children:
        if public and is_internal_span(child):
            depth += 1
            continue
        if depth and child.type == "span_open":
            depth += 1
        elif depth and child.type == "span_close":
            depth -= 1
            continue
        if depth:
            continue
        if (
            child.type == "footnote_ref"
            and public
            and child.meta["label"].startswith(INTERNAL_NOTE_PREFIX)
        ):
            continue
        out.append(child.copy() if child.type in ("citation", "footnote_ref") else child)
    return out


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.children:
            yield from token.children


class _Numbering:
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


def _number(book: Book) -> None:
    numbering = _Numbering(book)
    for chapter in ([book.colophon] if book.colophon else []) + book.chapters:
        if chapter.kind == "chronology":
            numbering.chronology(chapter)
        elif chapter.section is not None:
            numbering.section(chapter)


def _occurrence_location(occurrence: Occurrence) -> Location | None:
    if occurrence.event is not None:
        return occurrence.event.where
    return occurrence.chapter.section.where if occurrence.chapter.section else None


def internal_texts(dossier: Dossier) -> list[str]:
    """Every piece of text marked internal anywhere in the dossier (for the leak scan)."""
    texts: list[str] = []
    for section in dossier.sections:
        if section.internal:
            texts += [section.title, section.subtitle, section.summary]
            texts += _texts(section.tokens)
            texts += [t for note in section.notes.values() for t in _texts(note.tokens)]
            continue
        texts += _internal_token_texts(section.tokens)
        for note in section.notes.values():
            texts += _texts(note.tokens) if note.internal else _internal_token_texts(note.tokens)
    for event in dossier.events:
        fields = ("event", "place", "note", "label") if event.internal else event.internal_fields
        texts += [
            str(getattr(event, f, "")) for f in fields if f in ("event", "place", "note", "label")
        ]
    for source in dossier.sources.values():
        texts.append(source.internal_notes)
        if source.internal:
            texts += [str(v) for v in source.csl.values() if isinstance(v, str)]
            texts += [source.original_name, source.reliability]
            texts += [c.url for c in source.copies]
        else:
            if {"copies", "URL"} & source.internal_fields:
                texts += [c.url for c in source.copies]
            texts += [
                str(source.csl.get(f, ""))
                for f in source.internal_fields
                if isinstance(source.csl.get(f), str)
            ]
            texts += [
                {"reliability": source.reliability, "original-name": source.original_name}.get(
                    f, ""
                )
                for f in source.internal_fields
            ]
    return [t.strip() for t in texts if t and t.strip()]


def _texts(tokens: list[Token]) -> list[str]:
    """The text of each block (paragraph, heading, cell) in `tokens`."""
    return [markup.plain_text(t.children or []) for t in tokens if t.type == "inline"]


def _internal_token_texts(tokens: list[Token]) -> list[str]:
    """Text inside `::: internal` blocks and `[…]{.internal}` spans."""
    texts: list[str] = []
    depth = 0
    for token in tokens:
        if token.type == f"container_{markup.INTERNAL}_open":
            depth += 1
        elif token.type == f"container_{markup.INTERNAL}_close":
            depth -= 1
        elif depth and token.type == "inline":
            texts.append(markup.plain_text(token.children or []))
        elif token.children:
            span: list[Token] = []
            span_depth = 0
            for child in token.children:
                if is_internal_span(child):
                    span_depth += 1
                elif span_depth and child.type == "span_close":
                    span_depth -= 1
                    if not span_depth:
                        texts.append(markup.plain_text(span))
                        span = []
                elif span_depth:
                    span.append(child)
    return texts


def event_sources(book: Book, event: Event) -> list[tuple[Occurrence, Source]]:
    """A chronology row's citations, in the order of its `sources` list."""
    return [(o, book.dossier.sources[o.key]) for o in book.occurrences if o.event is event]
