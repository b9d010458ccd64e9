"""The dossier model: plain records, no I/O.

`Dossier` is everything read from a project; `Book` is one edition of it (parts chosen,
internal material removed for public audiences, citations and notes numbered), which both
writers render.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from markdown_it.token import Token

from dossier.config.schema import Config, Edition
from dossier.errors import Location
from dossier.model.dates import DateValue
from dossier.model.markdown import CiteItem


def in_language(texts: dict[str, str], language: str) -> str | None:
    """The text of a {language: text} map for `language`: its own tag, else the same
    primary language ('uk' for 'uk-UA' and the other way round); None if it has none."""
    if language in texts:
        return texts[language]
    primary = language.split("-")[0].lower()
    return next((t for tag, t in texts.items() if tag.split("-")[0].lower() == primary), None)


@dataclass
class Heading:
    level: int
    id: str
    text: str


@dataclass
class NoteDef:
    """A footnote definition `[^label]: …` (its body as block tokens)."""

    label: str
    tokens: list[Token]
    where: Location

    @property
    def internal(self) -> bool:
        return self.label.startswith("internal-")


@dataclass
class Section:
    """One Markdown file: front matter plus parsed body."""

    path: str
    id: str
    title: str
    part: str
    tokens: list[Token]
    notes: dict[str, NoteDef]
    where: Location
    subtitle: str = ""
    summary: str = ""
    internal: bool = False
    headings: list[Heading] = field(default_factory=list)
    lines: list[str] = field(default_factory=list, repr=False)

    def locate(self, token: Token, needle: str = "") -> Location:
        """Where an (inline) token was written; `needle` finds the column on its line."""
        line = (token.map or [0])[0]
        text = self.lines[line] if line < len(self.lines) else ""
        column = text.find(needle) + 1 if needle and needle in text else None
        return Location(self.path, line + 1, column)


@dataclass(frozen=True)
class SourceRef:
    """A chronology row's reference to a source, optionally with a locator and a quote."""

    key: str
    where: Location
    locator: str = ""
    quote: str = ""


@dataclass
class Event:
    """One chronology row. `earliest`/`latest` are proleptic ordinals (open ends: ±inf).
    `date` is the EDTF text and `value` its parsed form; `label` is the label the editors
    wrote ("" if none: the readable date is made at render time, `rendering.words`)."""

    index: int
    id: str
    date: str
    label: str
    event: str
    sources: list[SourceRef]
    where: Location
    earliest: float
    latest: float
    approximate: bool = False
    uncertain: bool = False
    inferred: bool = False
    place: str = ""
    note: str = ""
    internal: bool = False
    internal_fields: frozenset[str] = frozenset()
    start_year: float = 0.0
    end_year: float = 0.0
    grain: float = 1.0  # the precision of its start, in years (a day or month: 1/12)
    value: DateValue | None = None
    # texts written as {language: text} maps (event, note, label): field -> language -> text;
    # the fields above hold the dossier language's text, an edition picks its own
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


SourceGroup = Literal["publications", "official", "testimony", "social-media"]
CopyKind = Literal["archive", "mirror", "snapshot"]


@dataclass(frozen=True)
class SourceCopy:
    """Another copy of a source (`custom.copies`): a capture in a web archive, a mirror of the
    page at another address, or a snapshot saved into the project (`file`)."""

    kind: CopyKind
    where: Location
    url: str = ""
    file: str = ""
    captured: dt.date | None = None
    sha256: str = ""


@dataclass
class Source:
    """One CSL entry plus the dossier-only fields kept under `custom`."""

    key: str
    csl: dict[str, Any]
    where: Location
    group: SourceGroup = "publications"
    original_name: str = ""
    protection: str = ""
    reliability: str = ""
    internal_notes: str = ""
    internal: bool = False
    internal_fields: frozenset[str] = frozenset()
    # custom notes written as {language: text} maps (reliability, internal-notes)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    copies: tuple[SourceCopy, ...] = ()

    @property
    def title(self) -> str:
        return str(self.csl.get("title", self.key))

    def public_csl(self) -> dict[str, Any]:
        """The CSL fields a public edition may show (internal fields dropped)."""
        return {k: v for k, v in self.csl.items() if k not in self.internal_fields}


@dataclass
class Dossier:
    """A whole project, read and checked."""

    config: Config
    sections: list[Section]
    events: list[Event]
    sources: dict[str, Source]
    colophon: Section | None = None
    build_time: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    # what could not be read completely ("sections", "chronology", "sources"): checks that
    # would only echo those errors (unknown keys, missing link targets) are skipped
    incomplete: frozenset[str] = frozenset()

    def link_target(self, href: str, base: str) -> str | None:
        """The anchor an internal link points at: `#id`, `file.md` (the section's id) or
        `file.md#id`, the file relative to `base`, the file that holds the link. None when
        the file is not a section of the dossier."""
        path, _, fragment = href.partition("#")
        if not path:
            return fragment
        target = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(path)))
        section = next((s for s in self.sections if s.path == target), None)
        if section is None:
            return None
        return fragment or section.id


ChapterKind = Literal["section", "chronology", "appendix"]


@dataclass
class Chapter:
    """A chapter of an edition: a section, or a generated chapter."""

    kind: ChapterKind
    id: str
    title: str
    file: str
    section: Section | None = None
    subtitle: str = ""
    summary: str = ""
    tokens: list[Token] = field(default_factory=list, repr=False)
    notes: dict[str, list[Token]] = field(default_factory=dict, repr=False)


@dataclass
class Occurrence:
    """One place that cites a source: a citation in text or a chronology row's source."""

    id: str
    key: str
    number: int
    chapter: Chapter
    item: CiteItem | None = None
    event: Event | None = None
    locator: str = ""


@dataclass(frozen=True)
class Recipient:
    """One row of an edition's recipients file: who receives numbered copy `number`."""

    number: int
    id: str
    name: str
    organisation: str = ""
    note: str = ""


@dataclass
class Book:
    """One edition of a dossier, numbered and filtered, ready for the writers."""

    dossier: Dossier
    edition: Edition
    stamp: str
    chapters: list[Chapter]
    events: list[Event]
    sources: list[Source]
    numbers: dict[str, int]
    note_numbers: dict[tuple[str, str], int]
    occurrences: list[Occurrence]
    colophon: Chapter | None = None
    internal_texts: list[str] = field(default_factory=list)
    based_on: Source | None = None  # the credited work, as this audience may see it
    recipients: list[Recipient] = field(default_factory=list)  # numbered copies, in order

    @property
    def config(self) -> Config:
        return self.dossier.config

    @property
    def internal(self) -> bool:
        return self.edition.audience == "internal"

    @property
    def language(self) -> str:
        """The edition's language: its own, or the dossier's."""
        return self.edition.language or self.config.language

    @property
    def strings(self) -> dict[str, Any]:
        """The project's own words for this edition: the dossier's, then the edition's."""
        return {**self.config.strings, **self.edition.strings}

    def has(self, part: str) -> bool:
        return "all" in self.edition.parts or part in self.edition.parts
