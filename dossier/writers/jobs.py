"""What a worker process does for one output: lay out and write an edition's PDF (or its
numbered copies), its EPUB (with the PDF's pages marked), its HTML page; and the pieces they
share (the edition's assets, the EPUB cover, the archive's attachments). `build.py` decides
what runs and when; these functions only make the bytes.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any

from dossier.config import Config
from dossier.model.records import Book
from dossier.reading.styles import Stylesheets
from dossier.rendering.context import Assets
from dossier.version import __version__

log = logging.getLogger("dossier")

#: A book with fewer Markdown tokens than this (children included) pickles and unpickles
#: faster than WeasyPrint imports (0.4 s), so its PDF goes to a worker that imported it while
#: the project was read (`workers.Job.ahead`); a longer one is inherited by a worker forked
#: for it. Measured: about 35 µs a token, L's 25,800 tokens 0.9 s (BENCHMARKS.md).
SEND_BELOW_TOKENS = 10_000


def send_ahead(book: Book) -> bool:
    """Whether the book's PDF is sent to a warm worker (see SEND_BELOW_TOKENS)."""
    from dossier.model.markdown import walk

    count = 0
    for chapter in book.chapters:
        for tokens in (chapter.tokens, *chapter.notes.values()):
            count += sum(1 for _ in walk(tokens))
            if count >= SEND_BELOW_TOKENS:
                return False
    return True


def pdf_copies_job(
    book: Book,
    sheets: Stylesheets,
    assets: Assets,
    hints: dict[str, int],
    attach: dict[str, str] | None,
) -> tuple[bytes, int | None, dict[str, int] | None, list[str], list[bytes], bytes]:
    """In a worker: the edition laid out once, then one stamped copy per recipient."""
    from dossier.rendering.environment import make_environment
    from dossier.rendering.words import speaking
    from dossier.writers.pdf_copies import write_copies

    env = make_environment(book.config.project)
    attachments = partial(_attachments, book, sheets, attach) if attach else None
    with speaking(book):
        result, copies, lines = write_copies(book, env, assets, hints, attachments)
    for message in result.warnings:
        log.warning("WeasyPrint: %s", message)
    return result.data, result.pages, result.anchors, result.starts, copies, lines


def pagination(book: Book, source: str, anchors: dict[str, int], starts: list[str]) -> Any:
    """What the EPUB needs to mark the PDF's pages: each page's first letters, the
    chapter it lies in (the last chapter that began on or before it) and the cover's page
    (a page of its own, except in the briefing layout's masthead)."""
    from dossier.writers.epub_pages import Pagination

    begins = [(anchors[c.id], c.id) for c in book.chapters if c.id in anchors]
    chapters: list[str | None] = []
    for number in range(1, len(starts) + 1):
        chapters.append(next((cid for page, cid in reversed(begins) if page <= number), None))
    own_cover = book.has("cover") and book.edition.layout != "briefing"
    return Pagination(source, starts, chapters, anchors.get("cover") if own_cover else None)


def pdf_job(
    book: Book,
    sheets: Stylesheets,
    assets: Assets,
    hints: dict[str, int],
    attach: dict[str, str] | None,
    layout: tuple[Path | None, bool] = (None, True),
) -> tuple[bytes, int | None, dict[str, int] | None, list[str]]:
    """In a worker: the edition's PDF, its page count and where every anchor landed."""
    from dossier.rendering.environment import make_environment
    from dossier.writers.pdf import write_pdf

    result = write_pdf(
        book,
        make_environment(book.config.project),
        assets,
        __version__,
        hints=hints,
        attachments=partial(_attachments, book, sheets, attach) if attach else None,
        max_pages=book.config.limits.max_pages,
        layout_cache=layout[0],
        reuse_layout=layout[1],
    )
    for message in result.warnings:
        log.warning("WeasyPrint: %s", message)
    log.debug(
        "%s PDF: %d pages in %d layout pass(es)", book.edition.name, result.pages, result.passes
    )
    return result.data, result.pages, result.anchors, result.starts


def epub_job(
    book: Book, sheets: Stylesheets, assets: Assets, pagination: Any, fonts: Path | None = None
) -> tuple[bytes, int | None, dict[str, int] | None, None]:
    """In a worker: the edition's EPUB (with `pagination`: marked with its PDF's pages)."""
    from dossier.rendering.environment import make_environment
    from dossier.writers.epub import write_epub

    env = make_environment(book.config.project)
    image = cover(book, sheets, fonts)
    data = write_epub(book, env, sheets, assets, image, __version__, pagination, fonts)
    return data, None, None, None


def html_job(
    book: Book, sheets: Stylesheets, assets: Assets, fonts: Path | None = None
) -> tuple[bytes, int | None, dict[str, int] | None, None]:
    """In a worker: the edition as one self-contained HTML page (`fonts`: where font
    subsets are kept between builds)."""
    from dossier.rendering.environment import make_environment
    from dossier.writers.html import write_html

    env = make_environment(book.config.project)
    return write_html(book, env, sheets, assets, __version__, fonts), None, None, None


def epub_copies_job(
    book: Book, sheets: Stylesheets, assets: Assets, pagination: Any, fonts: Path | None = None
) -> tuple[bytes, int | None, dict[str, int] | None, None, list[bytes], None]:
    """In a worker: the edition's EPUB once, then one stamped copy per recipient."""
    from dossier.rendering.environment import make_environment
    from dossier.rendering.words import speaking
    from dossier.writers.epub_copies import stamp_epub
    from dossier.writers.mark import edition_tag
    from dossier.writers.pdf_copies import copy_id

    data, _, _, _ = epub_job(book, sheets, assets, pagination, fonts)
    env = make_environment(book.config.project)
    tag = edition_tag(book.config.name, book.edition.name, book.stamp)
    with speaking(book):
        copies = [
            stamp_epub(data, book, env, r, tag, copy_id(book.stamp, r)) for r in book.recipients
        ]
    return data, None, None, None, copies, None


def refuse_identifying_images(config: Config, inputs: dict[str, str]) -> None:
    from dossier.writers.archive import refuse_identifying_images

    refuse_identifying_images(config.project, inputs)


def _attachments(book: Book, sheets: Stylesheets, inputs: dict[str, str]) -> list[Any]:
    from dossier.writers.archive import attachments

    return attachments(book, sheets, inputs)


def edition_assets(book: Book) -> Assets:
    """What both writers of an edition share: formatted sources and the timeline figure."""
    from dossier.rendering.bibliography import format_sources
    from dossier.rendering.context import Assets
    from dossier.rendering.environment import make_environment
    from dossier.rendering.timeline import draw_timeline, render_timeline
    from dossier.rendering.words import speaking

    if not (book.has("timeline") and book.events and book.edition.layout == "book"):
        return Assets(format_sources(book))
    with speaking(book):
        timeline = render_timeline(book.events)
        env = make_environment(book.config.project)
        svg = draw_timeline(timeline, env, book.config.accent_colour)
    return Assets(format_sources(book), svg.encode(), timeline.alt)


def cover(book: Book, sheets: Stylesheets, cache: Path | None = None) -> bytes:
    """The EPUB's cover image in the edition's language (kept in `cache` by what it is
    drawn from)."""
    from dossier.rendering.words import speaking

    with speaking(book):
        return _draw_cover(book, sheets, cache)


def _draw_cover(book: Book, sheets: Stylesheets, cache: Path | None) -> bytes:
    from dossier.rendering.cover import CoverText, render_cover
    from dossier.rendering.words import credit, long_date, word
    from dossier.sandbox.fonts import theme_font
    from dossier.writers.epub_fonts import cached_bytes

    config = book.config
    project = config.project
    bold = sheets.font("Dossier Sans", 700)
    regular = sheets.font("Dossier Sans", 400)
    source = book.based_on
    text = CoverText(
        kicker=word("internal.mark")
        if book.internal
        else book.edition.label or word("edition.default-label"),
        title=config.title,
        subtitle=config.subtitle,
        credit=word("credit.based-on", credit=credit(source))
        if source
        else config.description[:200],
        footer=f"{config.publisher + ' · ' if config.publisher else ''}{long_date(config.date)}",
    )
    # the project's "Dossier Sans", else the theme's sans
    faces = [
        project.read_bytes(bold.path) if bold else theme_font("NotoSans-Bold.ttf"),
        project.read_bytes(regular.path) if regular else theme_font("NotoSans-Regular.ttf"),
    ]
    key = [b"cover", repr(text).encode(), config.accent_colour.encode()]
    return cached_bytes(
        cache,
        key + faces,
        lambda: render_cover(text, config.accent_colour, faces[0], faces[1]),
    )
