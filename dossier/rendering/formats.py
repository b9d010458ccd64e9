"""Markup per output format: `PdfMarkup` and `EpubMarkup` turn an edition's tokens and
records into that format's HTML (citations, notes, links, images, page references). They are
what templates call as `markup.…`, and what `model.markdown.render` asks for the
dossier-specific tokens.

The markup a reader sees (a note call, a footnote, a citation bracket, an image) comes from
small templates (`pdf/footnote.html`, `epub/noteref.xhtml`, `shared/citation.html`, …),
so a project's own `templates/` folder can change it; these classes only decide what goes
in. The PDF is one HTML document whose resources come from virtual origins (see `sandbox`);
the EPUB is one XHTML file per chapter, so its links name the file that holds their target;
the HTML edition is one self-contained page whose resources are `data:` URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from jinja2.environment import Environment
from linkify_it import LinkifyIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from dossier.model import markdown as markup
from dossier.model.ids import note_id, noteref_id, source_id
from dossier.model.records import Book, Chapter, Event, Heading, Occurrence, Source
from dossier.reading.sources import GROUPS
from dossier.rendering import source_links
from dossier.rendering.words import collation_key, group_title, protection_note, sort_name
from dossier.sandbox.fetcher import project_url

Format = Literal["pdf", "epub", "html"]

#: web addresses written out in full (with their scheme) in plain text
_ADDRESSES = LinkifyIt(options={"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})


@dataclass
class PageMap:
    """Anchor id -> page number, from a previous layout; records which ids were asked for."""

    pages: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    default: int = 0  # for unknown anchors; a wide placeholder keeps line lengths honest

    def __call__(self, anchor: str) -> int:
        self.used.add(anchor)
        return self.pages.get(anchor, self.default)


@dataclass(frozen=True)
class CiteLink:
    """One source in a citation bracket, as `shared/citation.html` prints it."""

    href: str
    id: str
    number: int
    prefix: str = ""
    locator: str = ""


class FormatMarkup:
    """What both formats share: the snippets, links inside the edition, the appendix's
    groups and back-references. A subclass says how its format links, loads resources and
    places notes (see `markup.RenderContext`)."""

    format: ClassVar[Format]
    #: the template of a citation bracket and of an image (overridable by a project)
    citation_template: ClassVar[str] = "shared/citation.html"
    image_template: ClassVar[str] = "shared/image.html"

    def __init__(self, book: Book, env: Environment, pages: PageMap | None = None) -> None:
        self.book = book
        self.env = env
        self.pages = pages or PageMap()
        self.chapter: Chapter | None = None
        self.images: set[str] = set()
        self._homes = _anchor_homes(book)
        self._versions = {
            v.original: v for v in map(source_links.version_of, book.sources) if v is not None
        }
        self._by_event: dict[int, list[Occurrence]] | None = None
        self._by_key: dict[str, list[Occurrence]] | None = None
        self._event_numbers: dict[int, int] | None = None

    def snippet(self, template: str, **values: Any) -> str:
        """A small piece of markup from its template (the project's own first)."""
        return self.env.get_template(template).render(values)

    # -- links -------------------------------------------------------------------------------
    def href(self, anchor: str) -> str:
        """Link to an anchor of the edition."""
        raise NotImplementedError

    def resource(self, rel: str) -> str:
        """URL of a project file as this format's renderer or reader finds it."""
        raise NotImplementedError

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

    def linked(self, text: str) -> Markup:
        """Plain text (a source's note, its reliability) with the web addresses it spells
        out made links (`shared/web-link.html`): a printed address is then one a reader can
        follow, and no address is shown as text without a link."""
        parts, last = [], 0
        for match in _ADDRESSES.match(text) or []:
            if match.schema.lower() not in ("http:", "https:"):
                continue
            parts.append(escape(text[last : match.index]))
            link = self.snippet(
                "shared/web-link.html",
                url=match.url,
                text=match.text,
                attributes=Markup(self.link_attributes(match.url)),
            )
            parts.append(Markup(link))
            last = match.last_index
        parts.append(escape(text[last:]))
        return Markup("").join(parts)

    def other_copies(self, source: Source) -> Markup:
        """The source's archived copies and mirrors, after its live address."""
        copies = source_links.copy_views(source, self.book.edition.attach_sources)
        return Markup(self.snippet("shared/source-copies.html", copies=copies))

    def image(self, token: Token, alt: str) -> str:
        assert self.chapter is not None and self.chapter.section is not None
        rel = self.book.config.project.resolve(
            markup.attr(token, "src"), base=self.chapter.section.path
        )
        self.images.add(rel)
        return self.snippet(
            self.image_template,
            src=self.resource(rel),
            alt=alt,
            caption=markup.attr(token, "title"),
        )

    # -- citations and notes -------------------------------------------------------------------
    def citation(self, token: Token) -> str:
        links = [
            CiteLink(self.href(source_id(item.key)), cid, number, item.prefix, item.locator)
            for item, cid, number in zip(
                token.meta["items"],
                token.meta.get("ids", []),
                token.meta.get("numbers", []),
                strict=False,
            )
            if number
        ]
        return self.snippet(self.citation_template, links=links) if links else ""

    def noteref(self, token: Token) -> str:
        raise NotImplementedError

    def internal_open(self, block: bool) -> str:
        return '<div class="internal">' if block else '<span class="internal">'

    def internal_close(self, block: bool) -> str:
        return "</div>" if block else "</span>"

    # -- helpers for templates -------------------------------------------------------------------
    def body(self, chapter: Chapter) -> Markup:
        self.chapter = chapter
        return Markup(markup.render(chapter.tokens, self))

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
        if self._by_event is None:  # one pass over the occurrences, not one per row
            self._by_event = {}
            for o in self.book.occurrences:
                if o.event is not None:
                    self._by_event.setdefault(id(o.event), []).append(o)
        return list(self._by_event.get(id(event), []))

    def occurrences_of(self, key: str) -> list[Occurrence]:
        """The citations of a source, in reading order."""
        if self._by_key is None:  # one pass over the occurrences, not one per source
            self._by_key = {}
            for o in self.book.occurrences:
                self._by_key.setdefault(o.key, []).append(o)
        return self._by_key.get(key, [])

    def event_number(self, event: Event) -> int:
        if self._event_numbers is None:
            self._event_numbers = {id(e): n for n, e in enumerate(self.book.events, 1)}
        number = self._event_numbers.get(id(event))
        return number if number is not None else self.book.events.index(event) + 1

    def groups(self) -> list[tuple[str, list[Source]]]:
        """The appendix's groups in order, each with its sources (by number, or by name)."""
        alphabetical = self.book.edition.appendix_order == "alphabetical"
        out = []
        for group in GROUPS:
            sources = [s for s in self.book.sources if s.group == group]
            if alphabetical:
                sources.sort(key=lambda s: (collation_key(sort_name(s)), self.book.numbers[s.key]))
            if sources:
                out.append((group_title(group), sources))
        return out

    def protection_note(self, source: Source) -> str:
        return protection_note(source.protection)

    def cited_rows(self, source: Source) -> list[Event]:
        rows: dict[int, Event] = {}  # by identity: comparing events field by field is slow
        for occurrence in self.occurrences_of(source.key):
            if occurrence.event is not None:
                rows.setdefault(id(occurrence.event), occurrence.event)
        return list(rows.values())


class PdfMarkup(FormatMarkup):
    """The PDF: one document, notes as footnotes floated to the foot of their page, page
    numbers from the previous layout."""

    format = "pdf"

    def href(self, anchor: str) -> str:
        return f"#{anchor}"

    def resource(self, rel: str) -> str:
        return project_url(rel)

    def noteref(self, token: Token) -> str:
        n = token.meta.get("n")
        if not n or self.chapter is None:
            return ""
        if not token.meta.get("first"):
            return self.snippet("pdf/noteref.html", n=n)
        paragraphs = [
            Markup(markup.render_inline(t.children or [], self))
            for t in self.chapter.notes[token.meta["label"]]
            if t.type == "inline"
        ]
        return self.snippet("pdf/footnote.html", n=n, ref_id=token.meta["ref_id"], body=paragraphs)

    def cited_pages(self, source: Source) -> list[tuple[int, str]]:
        """Each page citing the source once, with the first citation's anchor on it."""
        seen: dict[int, str] = {}
        for occurrence in self.occurrences_of(source.key):
            if occurrence.event is None:
                seen.setdefault(self.pages(occurrence.id), occurrence.id)
        return sorted(seen.items())


class EndnoteMarkup(FormatMarkup):
    """Notes as endnotes of their chapter, each linking back to its call (EPUB and HTML)."""

    #: the template of a note call
    noteref_template: ClassVar[str]

    def __init__(self, book: Book, env: Environment, pages: PageMap | None = None) -> None:
        super().__init__(book, env, pages)
        self.notes: list[tuple[int, str, list[Token]]] = []

    def body(self, chapter: Chapter) -> Markup:
        self.notes = []
        return super().body(chapter)

    def noteref(self, token: Token) -> str:
        n = token.meta.get("n")
        if not n or self.chapter is None:
            return ""
        ref_id = token.meta["ref_id"]
        if token.meta.get("first"):
            self.notes.append((n, ref_id, self.chapter.notes[token.meta["label"]]))
        return self.snippet(self.noteref_template, n=n, ref_id=ref_id)

    def endnotes(self) -> list[tuple[int, str, Markup]]:
        """The notes of the chapter just rendered: (number, backlink id, html)."""
        return [
            (n, ref_id, Markup(markup.render(tokens, self))) for n, ref_id, tokens in self.notes
        ]

    def cited_in(self, source: Source) -> list[tuple[Chapter, list[Occurrence]]]:
        """The chapters citing the source and the citations in each."""
        out: dict[str, tuple[Chapter, list[Occurrence]]] = {}
        for occurrence in self.occurrences_of(source.key):
            if occurrence.event is None:
                out.setdefault(occurrence.chapter.id, (occurrence.chapter, []))[1].append(
                    occurrence
                )
        return list(out.values())


class EpubMarkup(EndnoteMarkup):
    """The EPUB: one XHTML file per chapter, notes as EPUB 3 endnotes of their chapter."""

    format = "epub"
    noteref_template = "epub/noteref.xhtml"

    def href(self, anchor: str) -> str:
        """`#id` within the current file, `file.xhtml#id` across files."""
        home = self._homes.get(anchor, "")
        current = self.chapter.file if self.chapter else ""
        return f"#{anchor}" if home == current else f"{home}#{anchor}"

    def resource(self, rel: str) -> str:
        return f"../project/{quote(rel)}"


class HtmlMarkup(EndnoteMarkup):
    """The HTML edition: one page, notes at the end of their chapter (shown in place when
    called, by CSS alone), every resource a `data:` URL made by `embed` (the writer's: the
    rendering stage reads no files)."""

    format = "html"
    noteref_template = "html/noteref.html"

    def __init__(
        self,
        book: Book,
        env: Environment,
        embed: Callable[[str], str],
        pages: PageMap | None = None,
    ) -> None:
        super().__init__(book, env, pages)
        self.embed = embed

    def href(self, anchor: str) -> str:
        return f"#{anchor}"

    def resource(self, rel: str) -> str:
        return self.embed(rel)


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
