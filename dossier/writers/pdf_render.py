"""Lay out an edition's HTML with WeasyPrint and write the PDF bytes (one render; see `pdf`
for the passes and `pdf_chunks` for parallel parts).

The book is one HTML document. Page numbers in the contents and in the appendix ("cited on
pp. 3, 7") are written as text from a page map: the first layout uses the hints of the
previous build (or none); if a number it used differs from where the anchor really landed,
the document is laid out again with the real numbers, until they agree (usually once).
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2.environment import Environment
from markupsafe import Markup

from dossier.config.schema import pdf_standards
from dossier.errors import ContentError, OutputError, over_limit
from dossier.model.records import Book, Chapter
from dossier.rendering.context import Assets, template_context
from dossier.rendering.formats import PageMap, PdfMarkup
from dossier.rendering.words import speaking, word
from dossier.sandbox.fetcher import (
    GENERATED_ORIGIN,
    PROJECT_ORIGIN,
    THEME_ORIGIN,
    make_fetcher,
    project_url,
)
from dossier.sandbox.fonts import confine_fonts
from dossier.writers.archive import dedupe_associated_files
from dossier.writers.pdf_tags import finish_tags

TIMELINE = "timeline.svg"
#: Height (pt) of the room kept on the title page of an edition with numbered copies.
NOTICE_HEIGHT = 30
log = logging.getLogger(__name__)


@dataclass
class PdfOutput:
    data: bytes
    pages: int
    anchors: dict[str, int]
    passes: int
    warnings: list[str] = field(default_factory=list)
    chunks: int = 1  # parts rendered in parallel and merged (1: one process)
    starts: list[str] = field(default_factory=list)  # each page's first letters (page_starts)


def render_html(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    pages: PageMap,
    front: bool = True,
    chapters: list[Chapter] | None = None,
    folio_pages: list[str] | None = None,
) -> str:
    """The edition as one HTML document for WeasyPrint: all of it, or a part (the front
    matter and/or some chapters) for chunked rendering; or, with `folio_pages` (page names),
    the document of those pages' folios (see `pdf_chunks`)."""
    with speaking(book):
        return _render_html(book, env, assets, version, pages, front, chapters, folio_pages)


def _render_html(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    pages: PageMap,
    front: bool,
    chapters: list[Chapter] | None,
    folio_pages: list[str] | None,
) -> str:
    markup = PdfMarkup(book, env, pages)
    context = template_context(book, markup, assets, f"{GENERATED_ORIGIN}{TIMELINE}", version)
    context["page_css"] = Markup(
        env.get_template("pdf/pages.css").render(
            edition=book.edition,
            book=book,
            accent=book.config.accent_colour,
            bleed=book.edition.bleed not in ("0mm", "0pt"),
            stamp_text=context["stamp_text"],
            output_profile=project_url(book.edition.output_profile),
            notice_height=NOTICE_HEIGHT,
        )
    )
    context["theme_origin"] = THEME_ORIGIN
    context["stylesheets"] = [project_url(path) for path in book.config.styles]
    context["front"] = front
    context["chapters"] = book.chapters if chapters is None else chapters
    if folio_pages is not None:
        context["folio_pages"] = folio_pages
        return env.get_template("pdf/folios.html").render(context)
    return env.get_template("pdf/book.html").render(context)


def anchor_pages(document: Any) -> dict[str, int]:
    """Anchor id -> 1-based page number, for every element id in the laid-out document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"


def pdf_options(book: Book) -> dict[str, Any]:
    """WeasyPrint options for the edition's PDF standard: every PDF tagged, with a stable /ID.
    WeasyPrint takes one variant; PDF/UA-1 next to PDF/A or PDF/X is declared in the XMP
    by `_stamp_metadata` (WeasyPrint's UA variant adds nothing else but the tags, which are
    on anyway)."""
    options: dict[str, Any] = {"pdf_identifier": True, "pdf_tags": True}
    standards = pdf_standards(book.edition.pdf_standard)
    if standards:
        options["pdf_variant"] = standards[0]
    return options


def declares_ua(book: Book) -> bool:
    """Whether the edition claims PDF/UA-1 beside another standard (WeasyPrint will not)."""
    return pdf_standards(book.edition.pdf_standard)[1:] == ["pdf/ua-1"]


# engine-quirk: WeasyPrint 70 — PDF/X XMP ids are random (uuid4); replaced by stable ones
def _stamp_metadata(document: Any, book: Book) -> None:
    """Give the document's XMP the edition stamp, a stable document id and, for internal
    editions, a rights notice; WeasyPrint's own PDF/X ids are random (uuid4)."""
    from xml.etree.ElementTree import SubElement, fromstring, register_namespace, tostring

    from weasyprint.pdf.metadata import NS, DocumentMetadata

    register_namespace("xmpRights", XMP_RIGHTS)
    rdf_ns, mm = NS["rdf"], NS["xmpMM"]
    document_id = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, book.config.identifier)}"
    instance_id = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{book.config.identifier}#{book.stamp}')}"

    class DossierMetadata(DocumentMetadata):
        def generate_rdf_metadata(self, variant: str, version: Any, conformance: Any) -> bytes:
            rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            for element in rdf.iter(f"{{{mm}}}DocumentID"):
                element.text = document_id
            versions = list(rdf.iter(f"{{{mm}}}VersionID"))
            for element in versions:
                element.text = book.stamp
            mine = SubElement(rdf, f"{{{rdf_ns}}}Description", {f"{{{rdf_ns}}}about": ""})
            if not any(True for _ in rdf.iter(f"{{{mm}}}DocumentID")):
                SubElement(mine, f"{{{mm}}}DocumentID").text = document_id
            SubElement(mine, f"{{{mm}}}InstanceID").text = instance_id
            if not versions:
                SubElement(mine, f"{{{mm}}}VersionID").text = book.stamp
            SubElement(mine, f"{{{NS['dc']}}}identifier").text = book.config.identifier
            if declares_ua(book):
                mine.set(f"{{{NS['pdfuaid']}}}part", "1")
            if book.internal:
                SubElement(mine, f"{{{XMP_RIGHTS}}}Marked").text = "True"
                terms = SubElement(
                    SubElement(mine, f"{{{XMP_RIGHTS}}}UsageTerms"), f"{{{rdf_ns}}}Alt"
                )
                item = SubElement(terms, f"{{{rdf_ns}}}li", {"xml:lang": "x-default"})
                item.text = word("internal.mark")
            return bytes(tostring(rdf, encoding="utf-8"))

    document.metadata.__class__ = DossierMetadata


# engine-quirk: WeasyPrint 70 — XMP is written only for PDF/A, /UA and /X
def _plain_xmp(document: Any, pdf: Any) -> None:
    """WeasyPrint writes XMP only for PDF/A, /UA and /X; other editions get it here."""
    document.metadata.include_in_pdf(pdf, "", None, None, compress=True)


def _chain(finishers: list[Callable[[Any, Any], None]]) -> Callable[[Any, Any], None] | None:
    if not finishers:
        return None

    def finish(document: Any, pdf: Any) -> None:
        for finisher in finishers:
            finisher(document, pdf)

    return finish


# engine-quirk: WeasyPrint 70 — problems such as bad CSS or unknown options are only logged
class _Capture(logging.Handler):
    """Collects WeasyPrint's warnings (it only logs problems such as bad CSS)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class Renderer:
    """WeasyPrint for one edition: the sandboxed fetcher, the edition's PDF options and
    metadata, WeasyPrint's warnings captured, and its temporary font folders removed (worker
    processes exit without running finalisers). Use as a context manager."""

    def __init__(self, book: Book, assets: Assets, max_pages: int = 0) -> None:
        self.book = book
        self.max_pages = max_pages
        self.options = pdf_options(book)
        generated = {TIMELINE: assets.timeline_svg} if assets.timeline_svg else {}
        self.fetcher = make_fetcher(book.config.project, generated)
        self.capture = _Capture()
        self.font_configs: list[Any] = []

    def __enter__(self) -> Renderer:
        logging.getLogger("weasyprint").addHandler(self.capture)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("weasyprint").removeHandler(self.capture)
        # engine-quirk: WeasyPrint 70 — a FontConfiguration's temporary folder (private
        # `_folder`) is removed only by a finaliser, which a worker's os._exit skips
        for font_config in self.font_configs:
            if font_config._folder:
                shutil.rmtree(font_config._folder, ignore_errors=True)

    def render(self, html: str) -> Any:
        """Lay out an HTML document; a resource outside the sandbox is a user error."""
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError

        confine_fonts()  # the theme's and the project's fonts, none of the machine's
        font_config = FontConfiguration()
        self.font_configs.append(font_config)
        try:
            document = HTML(string=html, base_url=PROJECT_ORIGIN, url_fetcher=self.fetcher).render(
                font_config=font_config, **self.options
            )
        except FatalURLFetchingError as exc:
            raise ContentError(f"the PDF needs a file outside the project: {exc}") from None
        if self.max_pages and len(document.pages) > self.max_pages:
            pages = f"the PDF has {len(document.pages):,} pages"
            raise OutputError(over_limit(pages, self.max_pages, "max_pages"))
        return document

    def write(self, document: Any, attachments: Callable[[], list[Any]] | None = None) -> bytes:
        """The laid-out document as PDF bytes, with the edition's metadata."""
        _stamp_metadata(document, self.book)
        finishers: list[Callable[[Any, Any], None]] = [finish_tags]
        if not self.book.edition.pdf_standard:
            finishers.append(_plain_xmp)
        extra = {}
        if attachments:
            extra["attachments"] = attachments()
            finishers.append(dedupe_associated_files)
        return bytes(document.write_pdf(finisher=_chain(finishers), **self.options, **extra))
