"""What templates see: one `View` per output format that turns the edition's tokens and
records into that format's markup (citations, notes, links, images, page references).

The PDF is one HTML document whose resources come from virtual origins (see `sandbox`);
the EPUB is one XHTML file per chapter, so links name the file that holds their target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from markdown_it.token import Token
from markupsafe import Markup, escape

from dossier.model import markdown as markup
from dossier.model.dates import MONTHS
from dossier.model.ids import note_id, noteref_id, source_id
from dossier.model.records import Book, Chapter, Event, Heading, Occurrence, Source
from dossier.reading.sources import GROUP_TITLES, GROUPS, PROTECTION_NOTES
from dossier.rendering import source_links
from dossier.sandbox.fetcher import project_url

Format = Literal["pdf", "epub"]


@dataclass
class PageMap:
    """Anchor id -> page number, from a previous layout; records which ids were asked for."""

    pages: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    default: int = 0  # for unknown anchors; a wide placeholder keeps line lengths honest

    def __call__(self, anchor: str) -> int:
        self.used.add(anchor)
        return self.pages.get(anchor, self.default)


class View:
    """Render context for one chapter of one format (see `markup.RenderContext`)."""

    def __init__(self, book: Book, fmt: Format, pages: PageMap | None = None) -> None:
        self.book = book
        self.format = fmt
        self.pages = pages or PageMap()
        self.chapter: Chapter | None = None
        self.notes: list[tuple[int, str, list[Token]]] = []
        self.images: set[str] = set()
        self._homes = _anchor_homes(book)
        self._versions = {
            v.original: v for v in map(source_links.version_of, book.sources) if v is not None
        }

    # -- links -------------------------------------------------------------------------------
    def href(self, anchor: str) -> str:
        """Link to an anchor: `#id` in the PDF, `file.xhtml#id` across EPUB files."""
        if self.format == "pdf":
            return f"#{anchor}"
        home = self._homes.get(anchor, "")
        current = self.chapter.file if self.chapter else ""
        return f"#{anchor}" if home == current else f"{home}#{anchor}"

    def link_href(self, token: Token) -> str:
        """The address of a Markdown link; "" (no link) when its target is not in this
        edition, such as a section left out or internal material in a public edition."""
        href = markup.attr(token, "href")
        if href.startswith(markup.EXTERNAL_SCHEMES):
            return href
        section = self.chapter.section if self.chapter else None
        base = section.path if section else self.book.config.chronology
        anchor = self.book.dossier.link_target(href, base)
        return self.href(anchor) if anchor in self._homes else ""

    def link_attributes(self, href: str) -> str:
        """Robust Links attributes for a link to a web page that has an archived copy."""
        return source_links.original_attributes(self._versions.get(href))

    def other_copies(self, source: Source) -> Markup:
        """The source's archived copies and mirrors, after its live address."""
        return source_links.copies_markup(source, self.book.edition.attach_sources)

    def image(self, token: Token, alt: str) -> str:
        assert self.chapter is not None and self.chapter.section is not None
        rel = self.book.config.project.resolve(
            markup.attr(token, "src"), base=self.chapter.section.path
        )
        self.images.add(rel)
        src = self.resource(rel)
        title = markup.attr(token, "title")
        caption = f'<span class="caption">{escape(title)}</span>' if title else ""
        return f'<img src="{escape(src)}" alt="{escape(alt)}"/>{caption}'

    def resource(self, rel: str) -> str:
        """URL of a project file: the sandbox origin in the PDF, the packed copy in the EPUB."""
        return project_url(rel) if self.format == "pdf" else f"../project/{quote(rel)}"

    # -- citations and notes -------------------------------------------------------------------
    def citation(self, token: Token) -> str:
        parts = []
        for item, cid, number in zip(
            token.meta["items"],
            token.meta.get("ids", []),
            token.meta.get("numbers", []),
            strict=False,
        ):
            if not number:
                continue
            text = f"{escape(item.prefix)} " if item.prefix else ""
            text += str(number) + (f", {escape(item.locator)}" if item.locator else "")
            parts.append(
                f'<a class="cite-ref" href="{self.href(source_id(item.key))}" id="{cid}"'
                f' role="doc-biblioref">{text}</a>'
            )
        return f'<span class="cite">[{"; ".join(parts)}]</span>' if parts else ""

    def noteref(self, token: Token) -> str:
        n = token.meta.get("n")
        if not n or self.chapter is None:
            return ""
        label = token.meta["label"]
        ref_id = token.meta["ref_id"]
        if self.format == "pdf":
            if not token.meta.get("first"):
                return f'<a class="noteref" href="#fn-{n}">{n}</a>'
            paragraphs = [
                markup.render_inline(t.children or [], self)
                for t in self.chapter.notes[label]
                if t.type == "inline"
            ]
            body = "".join(f'<span class="fn-p">{p}</span>' for p in paragraphs)
            # the empty anchor marks the call's page; the note's own id marks where it landed
            return (
                f'<span class="fn-call" id="{ref_id}"></span>'
                f'<span class="footnote" id="fn-{n}" data-n="{n}">{body}</span>'
            )
        if token.meta.get("first"):
            self.notes.append((n, ref_id, self.chapter.notes[label]))
        return (
            f'<a epub:type="noteref" role="doc-noteref" class="noteref" id="{ref_id}" '
            f'href="#fn-{n}">{n}</a>'
        )

    def internal_open(self, block: bool) -> str:
        return '<div class="internal">' if block else '<span class="internal">'

    def internal_close(self, block: bool) -> str:
        return "</div>" if block else "</span>"

    # -- helpers for templates -------------------------------------------------------------------
    def body(self, chapter: Chapter) -> Markup:
        self.chapter, self.notes = chapter, []
        return Markup(markup.render(chapter.tokens, self))

    def endnotes(self) -> list[tuple[int, str, Markup]]:
        """The EPUB notes of the chapter just rendered: (number, backlink id, html)."""
        return [
            (n, ref_id, Markup(markup.render(tokens, self))) for n, ref_id, tokens in self.notes
        ]

    def inline(self, text: str) -> Markup:
        return Markup(markup.render_inline(markup.parse_inline(text), self)) if text else Markup("")

    def headings(self, chapter: Chapter, level: int = 2) -> list[Heading]:
        """The chapter's headings of `level` that this edition shows."""
        tokens = chapter.tokens
        return [
            Heading(level, markup.attr(t, "id"), markup.plain_text(tokens[i + 1].children or []))
            for i, t in enumerate(tokens)
            if t.type == "heading_open" and t.tag == f"h{level}"
        ]

    def sources_of(self, event: Event) -> list[Occurrence]:
        return [o for o in self.book.occurrences if o.event is event]

    def event_number(self, event: Event) -> int:
        return self.book.events.index(event) + 1

    def groups(self) -> list[tuple[str, list[Source]]]:
        return [
            (GROUP_TITLES[g], [s for s in self.book.sources if s.group == g])
            for g in GROUPS
            if any(s.group == g for s in self.book.sources)
        ]

    def protection_note(self, source: Source) -> str:
        return PROTECTION_NOTES.get(source.protection, "")

    def cited_pages(self, source: Source) -> list[tuple[int, str]]:
        """PDF: each page citing the source once, with the first citation's anchor on it."""
        seen: dict[int, str] = {}
        for occurrence in self.book.occurrences_of(source.key):
            if occurrence.event is None:
                seen.setdefault(self.pages(occurrence.id), occurrence.id)
        return sorted(seen.items())

    def cited_in(self, source: Source) -> list[tuple[Chapter, list[Occurrence]]]:
        """EPUB: the chapters citing the source and the citations in each."""
        out: dict[str, tuple[Chapter, list[Occurrence]]] = {}
        for occurrence in self.book.occurrences_of(source.key):
            if occurrence.event is None:
                out.setdefault(occurrence.chapter.id, (occurrence.chapter, []))[1].append(
                    occurrence
                )
        return list(out.values())

    def cited_rows(self, source: Source) -> list[Event]:
        rows = []
        for occurrence in self.book.occurrences_of(source.key):
            if occurrence.event is not None and occurrence.event not in rows:
                rows.append(occurrence.event)
        return rows


def _anchor_homes(book: Book) -> dict[str, str]:
    """Which EPUB file holds each anchor."""
    homes: dict[str, str] = {}
    for chapter in ([book.colophon] if book.colophon else []) + book.chapters:
        homes[chapter.id] = chapter.file
        if chapter.section is not None:
            for token in chapter.tokens:
                if token.type == "heading_open":
                    homes[markup.attr(token, "id")] = chapter.file
        elif chapter.kind == "chronology":
            homes["timeline"] = chapter.file
            for event in book.events:
                homes[event.id] = chapter.file
        elif chapter.kind == "appendix":
            for source in book.sources:
                homes[source_id(source.key)] = chapter.file
    for occurrence in book.occurrences:
        homes[occurrence.id] = occurrence.chapter.file
    for (chapter_id, _label), n in book.note_numbers.items():
        home = next(c.file for c in [*book.chapters, book.colophon] if c and c.id == chapter_id)
        homes[note_id(n)] = homes[noteref_id(n)] = home
    return homes


def long_date(value: dt.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def csl_date(value: object) -> str:
    """A CSL date object as '24 November 2026' (or its literal)."""
    if not isinstance(value, dict):
        return ""
    if "literal" in value:
        return str(value["literal"])
    if "raw" in value:
        return str(value["raw"])
    parts = (value.get("date-parts") or [[]])[0]  # checked: a real day, in any year
    day = [str(parts[2])] if len(parts) == 3 else []
    month = [MONTHS[parts[1] - 1]] if len(parts) >= 2 else []
    return " ".join([*day, *month, *(str(p) for p in parts[:1])])


@dataclass(frozen=True)
class TimelineFigure:
    src: str
    alt: str
    caption: str


@dataclass(frozen=True)
class Assets:
    """What both writers share for one edition: formatted sources and the timeline."""

    formatted: dict[str, str]
    timeline_svg: bytes | None = None
    timeline_alt: str = ""
    timeline_caption: str = ""

    def timeline(self, src: str) -> TimelineFigure | None:
        if self.timeline_svg is None:
            return None
        return TimelineFigure(src, self.timeline_alt, self.timeline_caption)


def legend(book: Book) -> list[str]:
    """The date conventions the chronology actually uses."""
    items = []
    if any(e.approximate for e in book.events):
        items.append("c. = approximate")
    if any(e.uncertain for e in book.events):
        items.append("? = uncertain")
    if any(e.inferred for e in book.events):
        items.append("[2022] = year inferred by the editors")
    return items


def credit(source: Source | None) -> str:
    """A one-line credit for the work a dossier reproduces: “Title”, Publisher, date."""
    if source is None:
        return ""
    csl = source.csl
    who = csl.get("container-title") or csl.get("publisher") or ""
    if not who and isinstance(csl.get("author"), list) and csl["author"]:
        first = csl["author"][0]
        who = first.get("literal") or f"{first.get('given', '')} {first.get('family', '')}".strip()
    parts = [f"“{source.title}”", str(who), csl_date(csl.get("issued"))]
    return ", ".join(p for p in parts if p)


def template_context(
    book: Book, view: View, assets: Assets, timeline_src: str, version: str
) -> dict[str, object]:
    """Everything the book templates use, for both formats."""
    config = book.config
    based_on = book.based_on.key if book.based_on else ""
    when = book.dossier.build_time
    return {
        "config": config,
        "edition": book.edition,
        "book": book,
        "view": view,
        "version": version,
        "stamp_text": f"{book.edition.name} · {long_date(when.date())} · {book.stamp}",
        "formatted": {k: Markup(v) for k, v in assets.formatted.items()},
        "based_on": based_on,
        "based_on_credit": credit(book.based_on),
        "full_title": f"{config.title}: {config.subtitle}" if config.subtitle else config.title,
        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timeline": assets.timeline(timeline_src),
        "legend": legend(book),
    }
