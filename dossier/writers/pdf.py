"""Write an edition as PDF: lay it out until its page references agree, in one process or,
for long editions, in parallel chapter chunks (`pdf_chunks`) that give the same pages.

The book is one HTML document. Page numbers in the contents and in the appendix ("cited on
pp. 3, 7") are written as text from a page map: the first layout uses the hints of the
previous build (or none); if a number it used differs from where the anchor really landed,
the document is laid out again with the real numbers, until they agree (usually once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2.environment import Environment

from dossier.model.records import Book
from dossier.rendering.context import Assets
from dossier.rendering.formats import PageMap
from dossier.rendering.words import speaking
from dossier.writers.page_starts import page_starts
from dossier.writers.pdf_chunks import plan, render_in_chunks
from dossier.writers.pdf_layout_cache import LayoutCache
from dossier.writers.pdf_render import PdfOutput, Renderer, anchor_pages, render_html
from dossier.writers.workers import publish

MAX_PASSES = 4
log = logging.getLogger(__name__)


def write_pdf(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    hints: dict[str, int] | None = None,
    attachments: Callable[[], list[Any]] | None = None,
    max_pages: int = 0,
    chunks: int | None = None,
    layout_cache: Path | None = None,
    reuse_layout: bool = True,
) -> PdfOutput:
    """Lay out and write the edition, in its language; returns the PDF bytes and where
    every anchor landed. Long editions are rendered in `chunks` parallel parts (by default
    chosen from their length, see `parallel`); the result is the same page for page."""
    with speaking(book):
        return _write_pdf(
            book,
            env,
            assets,
            version,
            hints,
            attachments,
            max_pages,
            chunks,
            layout_cache,
            reuse_layout,
        )


def _write_pdf(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    hints: dict[str, int] | None,
    attachments: Callable[[], list[Any]] | None,
    max_pages: int,
    chunks: int | None,
    layout_cache: Path | None,
    reuse_layout: bool,
) -> PdfOutput:
    """Lay out and write the edition; returns the PDF bytes and where every anchor landed.
    Long editions are rendered in `chunks` parallel parts (by default chosen from their
    length, see `parallel`); the result is the same page for page. Chunks laid out by an
    earlier build are reused from `layout_cache` (see `pdf_layout_cache`)."""
    groups = plan(book, chunks) if attachments is None else None
    if groups:
        cache = LayoutCache(layout_cache, reuse_layout) if layout_cache else None
        result = render_in_chunks(book, env, assets, version, hints or {}, max_pages, groups, cache)
        if result is not None:
            return result
    with Renderer(book, assets, max_pages) as renderer:
        pages = PageMap(dict(hints or {}))
        for passes in range(1, MAX_PASSES + 1):
            document = renderer.render(render_html(book, env, assets, version, pages))
            actual = anchor_pages(document)
            if all(pages.pages.get(a, 0) == actual.get(a, 0) for a in pages.used):
                break
            log.debug("page numbers moved; laying out again (pass %d)", passes + 1)
            pages = PageMap(actual)
        else:
            log.warning(
                "the %s: page numbers still moved after %d layouts; a page reference in the "
                "contents or the appendix may be off by one",
                book.edition.name,
                MAX_PASSES,
            )
        publish((actual, page_starts(document)))  # its EPUB can start while it is written
        data = renderer.write(document, attachments)
    return PdfOutput(
        data,
        len(document.pages),
        actual,
        passes,
        renderer.capture.messages,
        starts=page_starts(document),
    )
