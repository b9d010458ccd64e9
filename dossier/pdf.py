"""Write an edition as PDF with WeasyPrint.

The book is one HTML document. Page numbers in the contents and in the appendix ("cited on
pp. 3, 7") are written as text from a page map: the first layout uses the hints of the
previous build (or none); if a number it used differs from where the anchor really landed,
the document is laid out again with the real numbers, until they agree (usually once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from jinja2.environment import Environment
from markupsafe import Markup

from .document import Book
from .errors import ContentError, OutputError
from .sandbox import GENERATED_ORIGIN, PROJECT_ORIGIN, THEME_ORIGIN, make_fetcher
from .views import Assets, PageMap, View, template_context

MAX_PASSES = 4
TIMELINE = "timeline.svg"
log = logging.getLogger(__name__)


@dataclass
class PdfOutput:
    data: bytes
    pages: int
    anchors: dict[str, int]
    passes: int
    warnings: list[str] = field(default_factory=list)


def render_html(book: Book, env: Environment, assets: Assets, version: str, pages: PageMap) -> str:
    """The whole edition as one HTML document for WeasyPrint."""
    view = View(book, "pdf", pages)
    context = template_context(book, view, assets, f"{GENERATED_ORIGIN}{TIMELINE}", version)
    context["page_css"] = Markup(
        env.get_template("pdf/pages.css").render(
            edition=book.edition,
            book=book,
            accent=book.config.accent_colour,
            bleed=book.edition.bleed not in ("0mm", "0pt"),
            stamp_text=context["stamp_text"],
        )
    )
    context["theme_origin"] = THEME_ORIGIN
    context["stylesheets"] = [PROJECT_ORIGIN + path for path in book.config.styles]
    return env.get_template("pdf/book.html").render(context)


def anchor_pages(document: Any) -> dict[str, int]:
    """Anchor id -> 1-based page number, for every element id in the laid-out document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


class _Capture(logging.Handler):
    """Collects WeasyPrint's warnings (it only logs problems such as bad CSS)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_pdf(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    hints: dict[str, int] | None = None,
    options: dict[str, Any] | None = None,
    max_pages: int = 0,
) -> PdfOutput:
    """Lay out and write the edition; returns the PDF bytes and where every anchor landed."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    options = dict(options or {})
    generated = {TIMELINE: assets.timeline_svg} if assets.timeline_svg else {}
    fetcher = make_fetcher(book.config.project, generated)
    capture = _Capture()
    wp_logger = logging.getLogger("weasyprint")
    wp_logger.addHandler(capture)
    pages = PageMap(dict(hints or {}))
    try:
        for passes in range(1, MAX_PASSES + 1):
            html = render_html(book, env, assets, version, pages)
            document = HTML(string=html, base_url=PROJECT_ORIGIN, url_fetcher=fetcher).render(
                font_config=FontConfiguration(), **options
            )
            if max_pages and len(document.pages) > max_pages:
                raise OutputError(
                    f"the PDF has {len(document.pages):,} pages; the limit is "
                    f"{max_pages:,} (raise [limits] max_pages in dossier.toml)"
                )
            actual = anchor_pages(document)
            if all(pages.pages.get(a, 0) == actual.get(a, 0) for a in pages.used):
                break
            log.debug("page numbers moved; laying out again (pass %d)", passes + 1)
            pages = PageMap(actual)
        data = document.write_pdf(**options)
    except FatalURLFetchingError as exc:
        raise ContentError(f"the PDF needs a file outside the project: {exc}") from None
    finally:
        wp_logger.removeHandler(capture)
    return PdfOutput(data, len(document.pages), actual, passes, capture.messages)
