"""Write an edition as EPUB 3 with EbookLib: one XHTML document per chapter, nav and NCX,
landmarks, a generated cover, the project's fonts and stylesheets, accessibility metadata.

EbookLib 0.20's traps are handled here (see the engines guide): unique creator ids, a
linear cover page reached from the landmarks, no bogus page-list, `raise_exceptions`, a
UTC `dcterms:modified`, `xml:lang` on the package, and fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from jinja2.environment import Environment

from dossier.errors import OutputError
from dossier.model.records import INTERNAL_MARK, Book, Chapter
from dossier.reading.styles import Stylesheets
from dossier.rendering.environment import theme_file
from dossier.rendering.views import Assets, View, template_context
from dossier.sandbox.fetcher import media_type
from dossier.writers.page_starts import letters

#: the title of the page-list nav (the PDF's page numbers), in the words of the edition
PAGE_LIST_TITLE = "Pages"
#: EPUB Accessibility 1.1's conformance statement, claimed only by an edition whose build
#: audits hold (see `conformance`)
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
CERTIFIER = "dossier (automated build checks)"

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
)
SUMMARY = (
    "Reflowable text with a navigable table of contents, headings for every chapter "
    "and section, footnotes as EPUB notes with links back, data tables with header "
    "cells, and text alternatives for the cover and the timeline figure (whose content "
    "is also given as the chronology table)."
)


@dataclass(frozen=True)
class Pagination:
    """The PDF edition that the EPUB's page-break markers follow: its identifier and stamp,
    each page's first letters (`page_starts`), and the chapter each page lies in (None:
    front matter)."""

    source: str
    starts: list[str]
    chapters: list[str | None]


def conformance(book: Book, assets: Any) -> bool:
    """Whether the edition may claim EPUB Accessibility 1.1 / WCAG 2.2 AA: what the build
    itself guarantees holds. Every EPUB has `xml:lang` on the package and every page, the
    nav with landmarks, notes with links back, and the cover's alternative text; images in
    sections without alt text are refused by `dossier check`; here: the timeline figure has
    its text alternative, and no chapter is empty."""
    timeline_ok = assets.timeline_svg is None or bool(assets.timeline_alt.strip())
    return timeline_ok and bool(book.chapters) and bool(book.config.language)


def _writer_class() -> Any:
    from ebooklib import epub

    class Writer(epub.EpubWriter):
        """EbookLib's writer with `xml:lang` on <package> and fixed zip entry times."""

        def __init__(
            self,
            target: Any,
            book: Any,
            options: dict[str, Any],
            language: str,
            when: tuple[int, int, int, int, int, int],
        ) -> None:
            super().__init__(target, book, options)
            self.language = language
            self.when = when
            self.page_list: list[tuple[str, str]] = []

        def _write_opf_file(self, root: Any) -> None:
            root.set(XML_LANG, self.language)
            super()._write_opf_file(root)

        def _get_nav(self, item: Any) -> bytes:
            nav = super()._get_nav(item)
            if not self.page_list:
                return bytes(nav)
            # engine-quirk: EbookLib 0.20 builds its page-list from its own page items only
            entries = "".join(
                f'<li><a href="{href}">{label}</a></li>' for label, href in self.page_list
            )
            block = (
                f'<nav epub:type="page-list" role="doc-pagelist" id="page-list" hidden="">'
                f"<h2>{PAGE_LIST_TITLE}</h2><ol>{entries}</ol></nav>"
            ).encode()
            return bytes(nav).replace(b"</body>", block + b"</body>", 1)

        def write(self) -> None:
            self.out = _FixedTimeZip(self.file_name, self.when)
            self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()
            self.out.close()

    return Writer


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp (reproducible bytes)."""

    def __init__(self, target: Any, when: tuple[int, int, int, int, int, int]) -> None:
        # level 6: as small as 9 within 0.2 % on fonts, in two thirds of the time
        super().__init__(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self.when = when

    def writestr(
        self,
        zinfo_or_arcname: Any,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.when)
            info.compress_type = zipfile.ZIP_DEFLATED if compress_type is None else compress_type
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """Zip can store 1980–2107 only."""
    when = min(
        max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)), dt.datetime(2107, 12, 31, tzinfo=dt.UTC)
    )
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def write_epub(
    book: Book,
    env: Environment,
    sheets: Stylesheets,
    assets: Assets,
    cover_png: bytes,
    version: str,
    pagination: Pagination | None = None,
) -> bytes:
    """The edition as EPUB 3 bytes; with `pagination`, page-break markers where each page
    of that PDF begins, and a page-list."""
    from ebooklib import epub

    config = book.config
    project = config.project
    when = book.dossier.build_time
    eb = epub.EpubBook()
    eb.set_identifier(config.identifier)
    eb.set_title(config.title)
    eb.set_language(config.language)
    if config.subtitle:
        eb.add_metadata("DC", "title", config.subtitle, {"id": "subtitle"})
        eb.add_metadata(
            None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
        )
    for i, author in enumerate(config.authors, 1):
        eb.add_author(author, uid=f"creator{i}")
    for i, editor in enumerate(config.editors, 1):
        eb.add_metadata("DC", "contributor", editor, {"id": f"editor{i}"})
        eb.add_metadata(
            None,
            "meta",
            "edt",
            {"refines": f"#editor{i}", "property": "role", "scheme": "marc:relators"},
        )
    if config.publisher:
        eb.add_metadata("DC", "publisher", config.publisher)
    eb.add_metadata("DC", "date", config.date.isoformat())
    if config.description:
        eb.add_metadata("DC", "description", config.description)
    for keyword in config.keywords:
        eb.add_metadata("DC", "subject", keyword)
    eb.add_metadata("OPF", "schema:version", book.stamp, {"property": "schema:version"})
    if book.internal:
        eb.add_metadata("DC", "rights", INTERNAL_MARK)
        eb.add_metadata(
            "OPF",
            "dcterms:accessRights",
            INTERNAL_MARK,
            {"property": "dcterms:accessRights"},
        )
    features = list(ACCESSIBILITY)
    if pagination is not None:
        features[-1:-1] = [
            ("schema:accessibilityFeature", "pageBreakMarkers"),
            ("schema:accessibilityFeature", "pageNavigation"),
        ]
    for prop, value in (*features, ("schema:accessibilitySummary", SUMMARY)):
        eb.add_metadata("OPF", prop, value, {"property": prop})
    if pagination is not None:
        eb.add_metadata(
            "OPF", "pageBreakSource", pagination.source, {"property": "pageBreakSource"}
        )
    if conformance(book, assets):
        eb.add_metadata(
            "OPF", "dcterms:conformsTo", CONFORMS_TO, {"property": "dcterms:conformsTo"}
        )
        eb.add_metadata(
            "OPF",
            "a11y:certifiedBy",
            CERTIFIER,
            {"property": "a11y:certifiedBy", "id": "certifier"},
        )

    def add_file(uid: str, file_name: str, media: str, content: bytes) -> Any:
        item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media, content=content)
        eb.add_item(item)
        return item

    def add_project_files(prefix: str, paths: list[str]) -> None:
        for n, path in enumerate(paths, 1):
            add_file(f"{prefix}-{n}", f"project/{path}", media_type(path), project.read_bytes(path))

    accent = f"\n:root {{ --accent: {config.accent_colour}; }}\n".encode()
    css = add_file("style-theme", "styles/dossier.css", "text/css", theme_file("epub.css") + accent)
    links = ["../styles/dossier.css"] + [f"../project/{path}" for path in sheets.files]
    add_project_files("res", sheets.files + sheets.resources)
    eb.set_cover("images/cover.png", cover_png, create_page=False)
    if assets.timeline_svg is not None:
        add_file("timeline", "images/timeline.svg", "image/svg+xml", assets.timeline_svg)

    view = View(book, "epub")
    context = template_context(book, view, assets, "../images/timeline.svg", version)

    def page(uid: str, file: str, title: str, template: str, **extra: Any) -> Any:
        item = epub.EpubHtml(uid=uid, file_name=f"text/{file}", title=title, lang=config.language)
        content = env.get_template(template).render({**context, **extra})
        if not content.strip():
            raise OutputError(f"template '{template}' produced an empty page")
        item.content = content
        for href in links:
            item.add_link(href=href, rel="stylesheet", type="text/css")
        eb.add_item(item)
        return item

    cover = page("cover", "cover.xhtml", "Cover", "epub/cover.xhtml")
    title = page("title", "title.xhtml", "Title page", "epub/title.xhtml", chapter=book.colophon)
    items = []
    for chapter in book.chapters:
        view.chapter = chapter
        items.append(
            page(
                chapter.id,
                chapter.file,
                chapter.title,
                f"epub/{chapter.kind}.xhtml",
                chapter=chapter,
            )
        )
    add_project_files("img", sorted(view.images - {*sheets.files, *sheets.resources}))

    eb.toc = [
        _toc_entry(view, chapter, item) for chapter, item in zip(book.chapters, items, strict=True)
    ]
    eb.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=f"Contents — {INTERNAL_MARK}" if book.internal else "Contents")
    nav.add_item(css)
    eb.add_item(nav)
    first = items[0] if items else title
    eb.guide = [
        {"type": "cover", "href": "text/cover.xhtml", "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
        {"type": "text", "href": first.file_name, "title": "Start of content"},
    ]
    eb.spine = [cover, title, nav, *items]
    page_list = []
    if pagination is not None:
        documents: list[tuple[Any, str | None]] = [(cover, None), (title, None)]
        documents += [
            (item, chapter.id) for chapter, item in zip(book.chapters, items, strict=True)
        ]
        page_list = paginate(documents, pagination)
    out = io.BytesIO()
    writer = _writer_class()(
        out,
        eb,
        {
            "epub3_pages": False,
            "raise_exceptions": True,
            "mtime": when,
            "landmark_title": "Landmarks",
        },
        config.language,
        zip_time(when),
    )
    writer.page_list = page_list
    writer.process()
    writer.write()
    return out.getvalue()


def _toc_entry(view: View, chapter: Chapter, item: Any) -> Any:
    from ebooklib import epub

    subs = view.headings(chapter)
    if not subs:
        return epub.Link(item.file_name, chapter.title, f"toc-{chapter.id}")
    return (
        epub.Section(chapter.title, href=item.file_name),
        [epub.Link(f"{item.file_name}#{h.id}", h.text, f"toc-{h.id}") for h in subs],
    )


_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]+|&")


def marker(number: int) -> str:
    """An EPUB page-break marker (empty element written open/closed: EbookLib re-parses the
    page as HTML, where `<span/>` would swallow what follows)."""
    return (
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{number}" '
        f'aria-label="{number}"></span>'
    )


class _Text:
    """A page's markup with its letters (as `letters` gives them) mapped back to offsets."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.letters: list[str] = []
        self.offsets: list[int] = []
        for match in _TOKEN.finditer(markup):
            token = match.group()
            if token.startswith(("<", "&")):
                continue
            for i, char in enumerate(token):
                folded = letters(char)
                for letter in folded:
                    self.letters.append(letter)
                    self.offsets.append(match.start() + i)
        self.text = "".join(self.letters)

    def find(self, key: str, start: int) -> int:
        """The index of the first letter of `key`, at or after letter `start` (-1: none)."""
        return self.text.find(key, start)

    def word_start(self, index: int) -> int:
        """The markup offset of the word that letter `index` is part of."""
        offset = self.offsets[index]
        while offset > 0 and self.markup[offset - 1].isalpha():
            offset -= 1
        return offset


def paginate(documents: list[tuple[Any, str | None]], pagination: Pagination) -> list[Any]:
    """Put page-break markers into the pages' markup (each page's `content`), before the
    first word of each PDF page, searching forward in reading order from the previous page
    and no further than the chapter the page lies in. A page whose words are not in the EPUB
    (a cover, a blank page, the PDF's contents) is marked where the next page begins.
    Returns the page-list: (label, href) in page order."""
    texts = [_Text(item.content) for item, _ in documents]
    last_doc = {chapter: i for i, (_, chapter) in enumerate(documents) if chapter}
    placed: list[tuple[int, int, int] | None] = []  # (document, letter, page) per page
    doc, cursor = 0, 0
    for number, (start, chapter) in enumerate(
        zip(pagination.starts, pagination.chapters, strict=True), 1
    ):
        limit = last_doc.get(chapter, 1) if chapter else 1
        where = None
        for key in (start, start[:20]) if len(start) >= 8 else ():
            d, c = doc, cursor
            while d <= limit and where is None:
                index = texts[d].find(key, c)
                if index >= 0:
                    where = (d, index, number)
                d, c = d + 1, 0
            if where is not None:
                break
        if where is not None:
            doc, cursor = where[0], where[1] + 1
        placed.append(where)
    # pages without a place share the next placed page's (or the end of the last document)
    inserts: dict[int, list[tuple[int, int]]] = {}
    following: tuple[int, int] | None = None
    for number in range(len(placed), 0, -1):
        here = placed[number - 1]
        if here is not None:
            following = (here[0], texts[here[0]].word_start(here[1]))
        target = following or (len(texts) - 1, _end_of_body(texts[-1].markup))
        inserts.setdefault(target[0], []).append((target[1], number))
    page_list = []
    for d, (item, _) in enumerate(documents):
        markup = texts[d].markup
        for offset, number in sorted(inserts.get(d, []), reverse=True):
            markup = markup[:offset] + marker(number) + markup[offset:]
        item.content = markup
    for d, entries in inserts.items():
        for _, number in entries:
            page_list.append((number, f"{documents[d][0].file_name}#page-{number}"))
    return [(str(n), href) for n, href in sorted(page_list)]


def _end_of_body(markup: str) -> int:
    """Where the last element of a page's markup closes (markers after its content)."""
    end = markup.rstrip().rfind("</")
    return end if end >= 0 else len(markup)
