"""Assemble one edition of a dossier into a `Book`: choose the parts, drop internal material
for public audiences (`visibility.py`), and number notes and citations in reading order
(`numbering.py`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from typing import Any

from dossier.config.schema import CHRONOLOGY_MARK, GENERATED_PARTS, SOURCES_MARK, Edition
from dossier.editions.numbering import number
from dossier.editions.visibility import internal_texts, visible
from dossier.errors import Location, Problems, did_you_mean
from dossier.model.dates import parse_date
from dossier.model.records import Book, Chapter, Dossier, Event, Occurrence, Section, Source


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
                book.chapters.append(Chapter("chronology", "chronology", "", "chronology.xhtml"))
        elif entry == SOURCES_MARK:
            if book.has("appendix"):
                book.chapters.append(Chapter("appendix", "sources", "", "sources.xhtml"))
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
    number(book)
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
    if "label" in event.internal_fields:  # the row shows the date as written, made readable
        hidden["label"] = ""
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
            problems.error(
                f"edition '{edition.name}': unknown part '{part}'{did_you_mean(part, known)}",
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


def _occurrence_location(occurrence: Occurrence) -> Location | None:
    if occurrence.event is not None:
        return occurrence.event.where
    return occurrence.chapter.section.where if occurrence.chapter.section else None
