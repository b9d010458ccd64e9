"""Write an edition as EPUB 3 with EbookLib: one XHTML document per chapter, nav and NCX,
landmarks, a generated cover, the project's fonts and stylesheets, accessibility metadata.

EbookLib 0.20's traps are handled here (see the engines guide): unique creator ids, a
linear cover page reached from the landmarks, no bogus page-list, `raise_exceptions`, a
UTC `dcterms:modified`, `xml:lang` on the package, and fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from jinja2.environment import Environment

from dossier.errors import OutputError
from dossier.model.records import Book, Chapter
from dossier.reading.styles import Stylesheets
from dossier.rendering.context import Assets, template_context
from dossier.rendering.environment import theme_file
from dossier.rendering.formats import EpubMarkup
from dossier.rendering.words import all_words, chapter_title, speaking, word
from dossier.sandbox.fetcher import media_type
from dossier.sandbox.fonts import theme_font
from dossier.sandbox.images import strip_metadata
from dossier.writers.epub_fonts import characters, is_font, subset_font
from dossier.writers.epub_pages import Pagination, paginate
from dossier.writers.theme_fonts import theme_fonts
from dossier.writers.workers import shared_map

#: EPUB Accessibility 1.1's conformance statement, claimed only by an edition whose build
#: audits hold (see `conformance`)
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"

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

    # engine-quirk: EbookLib 0.20 — no xml:lang on <package>, and zip entries dated "now"
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
            self.page_list = ""  # the page-list nav's markup (empty: none)

        def _write_opf_file(self, root: Any) -> None:
            root.set(XML_LANG, self.language)
            super()._write_opf_file(root)

        def _get_nav(self, item: Any) -> bytes:
            nav = super()._get_nav(item)
            if not self.page_list:
                return bytes(nav)
            # engine-quirk: EbookLib 0.20 builds its page-list from its own page items only
            block = self.page_list.encode()
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
    font_cache: Path | None = None,
) -> bytes:
    """The edition as EPUB 3 bytes, in the edition's language; with `pagination`,
    page-break markers where each page of that PDF begins, and a page-list. Fonts are subset
    (cached in `font_cache`)."""
    with speaking(book):
        return _write_epub(book, env, sheets, assets, cover_png, version, pagination, font_cache)


def _write_epub(
    book: Book,
    env: Environment,
    sheets: Stylesheets,
    assets: Assets,
    cover_png: bytes,
    version: str,
    pagination: Pagination | None,
    font_cache: Path | None,
) -> bytes:
    from ebooklib import epub

    config = book.config
    project = config.project
    when = book.dossier.build_time
    eb = epub.EpubBook()
    eb.set_identifier(config.identifier)
    eb.set_title(config.title)
    eb.set_language(book.language)
    if config.subtitle:
        eb.add_metadata("DC", "title", config.subtitle, {"id": "subtitle"})
        eb.add_metadata(
            None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
        )
    for i, author in enumerate(config.authors, 1):
        # engine-quirk: EbookLib 0.20 — every creator gets the id "creator"
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
        eb.add_metadata("DC", "rights", word("internal.mark"))
        eb.add_metadata(
            "OPF",
            "dcterms:accessRights",
            word("internal.mark"),
            {"property": "dcterms:accessRights"},
        )
    features = list(ACCESSIBILITY)
    if pagination is not None:
        features[-1:-1] = [
            ("schema:accessibilityFeature", "pageBreakMarkers"),
            ("schema:accessibilityFeature", "pageNavigation"),
        ]
    for prop, value in (*features, ("schema:accessibilitySummary", word("epub.summary"))):
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
            word("epub.certifier"),
            {"property": "a11y:certifiedBy", "id": "certifier"},
        )

    def add_file(uid: str, file_name: str, media: str, content: bytes) -> Any:
        item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media, content=content)
        eb.add_item(item)
        return item

    fonts: list[tuple[str, str]] = []  # (uid, path): added once the text is known

    def add_project_files(prefix: str, paths: list[str]) -> None:
        for n, path in enumerate(paths, 1):
            if is_font(path):
                fonts.append((f"{prefix}-{n}", path))
                continue
            data = strip_metadata(project.read_bytes(path), path)  # images lose their EXIF…
            add_file(f"{prefix}-{n}", f"project/{path}", media_type(path), data)

    accent = f"\n:root {{ --accent: {config.accent_colour}; }}\n".encode()
    css = add_file("style-theme", "styles/dossier.css", "text/css", theme_file("epub.css") + accent)
    # filled in once the pages are written: the theme's fonts their text needs
    fonts_css = add_file("style-fonts", "theme/fonts.css", "text/css", b"")
    links = ["../theme/fonts.css", "../styles/dossier.css"]
    links += [f"../project/{path}" for path in sheets.files]
    add_project_files("res", sheets.files + sheets.resources)
    # engine-quirk: EbookLib 0.20 — its own cover page is not linear nor in the landmarks
    eb.set_cover("images/cover.png", cover_png, create_page=False)
    if assets.timeline_svg is not None:
        add_file("timeline", "images/timeline.svg", "image/svg+xml", assets.timeline_svg)

    markup = EpubMarkup(book, env)
    context = template_context(book, markup, assets, "../images/timeline.svg", version)

    def render(template: str, **extra: Any) -> str:
        content = env.get_template(template).render({**context, **extra})
        if not content.strip():
            raise OutputError(f"template '{template}' produced an empty page")
        return content

    def page(uid: str, file: str, title: str, content: str) -> Any:
        item = epub.EpubHtml(uid=uid, file_name=f"text/{file}", title=title, lang=book.language)
        item.content = content
        for href in links:
            item.add_link(href=href, rel="stylesheet", type="text/css")
        eb.add_item(item)
        return item

    def chapter_page(chapter: Chapter) -> tuple[str, set[str]]:
        """A chapter's page, and the project's images it shows."""
        markup.chapter, markup.images = chapter, set()
        return render(f"epub/{chapter.kind}.xhtml", chapter=chapter), markup.images

    cover = page("cover", "cover.xhtml", word("epub.cover"), render("epub/cover.xhtml"))
    title = page(
        "title",
        "title.xhtml",
        word("epub.title-page"),
        render("epub/title.xhtml", chapter=book.colophon),
    )
    # the chapters' pages, the longest first, by this process and a helper side by side
    shown_images = markup.images  # the title page's (a colophon's images)
    order = sorted(book.chapters, key=lambda c: -_cost(book, c))
    rendered = dict(zip(map(id, order), shared_map(chapter_page, order), strict=True))
    markup.images = shown_images
    items = []
    for chapter in book.chapters:
        content, images = rendered[id(chapter)]
        markup.images |= images
        items.append(page(chapter.id, chapter.file, chapter_title(chapter), content))
    add_project_files("img", sorted(markup.images - {*sheets.files, *sheets.resources}))
    needed = theme_fonts("".join(i.content for i in (cover, title, *items)), sheets, project)
    fonts_css.content = needed.css
    theme_faces = [(f"font-theme-{n}", name) for n, name in enumerate(needed.files, 1)]

    eb.toc = [
        _toc_entry(markup, chapter, item)
        for chapter, item in zip(book.chapters, items, strict=True)
    ]
    eb.add_item(epub.EpubNcx())
    contents = word("epub.contents")
    if book.internal:
        contents = word("epub.contents.internal", mark=word("internal.mark"))
    nav = epub.EpubNav(title=contents)
    nav.add_item(fonts_css)
    nav.add_item(css)
    eb.add_item(nav)
    first = items[0] if items else title
    eb.guide = [
        {"type": "cover", "href": "text/cover.xhtml", "title": word("epub.cover")},
        {"type": "toc", "href": "nav.xhtml", "title": word("epub.contents")},
        {"type": "text", "href": first.file_name, "title": word("epub.start")},
    ]
    eb.spine = [cover, title, nav, *items]
    page_list = []
    if pagination is not None:
        documents: list[tuple[Any, str | None]] = [(cover, None), (title, None)]
        documents += [
            (item, chapter.id) for chapter, item in zip(book.chapters, items, strict=True)
        ]
        page_list = paginate(documents, pagination)
    page_list_markup = ""
    if page_list:
        page_list_markup = env.get_template("epub/page-list.xhtml").render(pages=page_list)
    # every font subset to what the book shows: its pages, the navigation, the edition's
    # words and the stylesheets' generated strings (see epub_fonts)
    shown = characters(
        [
            *(str(item.content) for item in (cover, title, *items)),
            *(chapter_title(chapter) for chapter in book.chapters),
            contents,
            word("epub.landmarks"),
            *(entry["title"] for entry in eb.guide),
            page_list_markup,
            *all_words(),
            theme_file("epub.css").decode("utf-8", "replace"),
            *(project.read_text(path) for path in sheets.files),
        ]
    )
    for uid, path in fonts:
        data = subset_font(project.read_bytes(path), shown, font_cache)
        add_file(uid, f"project/{path}", media_type(path), data)
    for uid, name in theme_faces:  # the theme's fallback fonts the text needs, subset alike
        data = subset_font(theme_font(name), shown, font_cache)
        add_file(uid, f"theme/fonts/{name}", media_type(name), data)
    out = io.BytesIO()
    writer = _writer_class()(
        out,
        eb,
        {
            "epub3_pages": False,  # engine-quirk: EbookLib 0.20 — writes a bogus page-list
            # engine-quirk: EbookLib 0.20 — a failed write otherwise just returns False
            "raise_exceptions": True,
            # engine-quirk: EbookLib 0.20 — dcterms:modified is otherwise the time of writing
            "mtime": when,
            "landmark_title": word("epub.landmarks"),
        },
        book.language,
        zip_time(when),
    )
    writer.page_list = page_list_markup
    writer.process()
    writer.write()
    return out.getvalue()


def _cost(book: Book, chapter: Chapter) -> int:
    """A rough measure of the work a chapter's page takes: its tokens; the appendix's and
    the chronology's entries weigh as much as a paragraph each."""
    if chapter.kind == "appendix":
        return 40 * len(book.sources) + len(book.occurrences)
    if chapter.kind == "chronology":
        return 20 * len(book.events)
    return len(chapter.tokens) + sum(len(note) for note in chapter.notes.values())


def _toc_entry(markup: EpubMarkup, chapter: Chapter, item: Any) -> Any:
    from ebooklib import epub

    subs = markup.headings(chapter)
    if not subs:
        return epub.Link(item.file_name, chapter_title(chapter), f"toc-{chapter.id}")
    return (
        epub.Section(chapter_title(chapter), href=item.file_name),
        [epub.Link(f"{item.file_name}#{h.id}", h.text, f"toc-{h.id}") for h in subs],
    )
