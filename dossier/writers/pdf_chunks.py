"""Render a long edition in chapter chunks, in parallel worker processes, and merge them
into the PDF a single render would give: same page numbers, "page X of Y", running heads,
contents and appendix page numbers, notes, bookmarks and links.

WeasyPrint lays out one document in one thread. Here the chapters are split into chunks
laid out by forked workers while this process lays out the front matter (cover, title
page, contents). Two facts make the result exact:

* Page numbers in margin boxes are decided late. WeasyPrint paginates the whole document
  before it builds any margin box (`layout_document` is a generator that yields pages after
  its pagination loop), so a chunk can report its page count and the pages of its anchors,
  wait, and then be told its first page number and the total.
* Nothing in a chunk depends on page numbers: notes carry explicit numbers, and the only
  page references (contents, "cited on pp.") are in the front matter and the appendix,
  which are laid out here with literal numbers once the chunks have paginated.

Two WeasyPrint functions are wrapped for this (pinned to WeasyPrint 70; see the tests):
`layout.make_margin_boxes`, for late numbering, and `pdf.resolve_links`, so that a chunk
keeps its links to anchors in other chunks (they are named destinations, resolved in the
merged file). Both behave as before unless a chunked render asks otherwise.

Incremental: a chunk laid out by an earlier build with the same inputs (`pdf_layout_cache`)
is not laid out again; its pagination and, if its page numbers did not move, its written
pages come from the cache, so an edit costs the chunks it moved plus the front and back
matter (the contents and "cited on" lines point into every chunk).

Tagged PDFs (all of them) are chunked too: `pdf_merge` merges the parts' structure trees
into the tree a single render makes. Not chunked: editions with attachments, mirrored
margins or chapters on rectos (page sides are fixed
before late numbering), and the briefing layout; and short editions, where one process is
faster.
"""

from __future__ import annotations

import contextvars
import copy
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dossier.errors import OutputError, over_limit
from dossier.model import markdown as markup
from dossier.model.records import Book, Chapter
from dossier.rendering.formats import PageMap
from dossier.writers.pdf_layout_cache import LayoutCache, Report, chunk_key
from dossier.writers.pdf_merge import merge_parts
from dossier.writers.pdf_render import render_html
from dossier.writers.workers import publish

if TYPE_CHECKING:
    from jinja2.environment import Environment

    from dossier.rendering.context import Assets
    from dossier.writers.pdf_render import PdfOutput

log = logging.getLogger(__name__)

#: Below this many pages one process is faster than forking and merging (measured: see
#: BENCHMARKS.md).
MIN_PAGES = 60
#: A page of body text holds about this many characters (the length estimate).
CHARS_PER_PAGE = 2600
#: Long editions get a chunk per this many pages, from 2 up to MAX_CHUNKS.
PAGES_PER_CHUNK = 200
MAX_CHUNKS = 4
#: The widest page number the contents are first laid out with (its length must not change).
PLACEHOLDER = 888

Numbering = Callable[[int, Any], tuple[int, int]]
_LATE: contextvars.ContextVar[Numbering | None] = contextvars.ContextVar("late", default=None)
_FOREIGN_LINKS: contextvars.ContextVar[bool] = contextvars.ContextVar("foreign", default=False)


# engine-quirk: WeasyPrint 70 — wraps the private layout.make_margin_boxes (late page
# numbers) and pdf.resolve_links (links to anchors in other chunks)
def _install() -> None:
    """Wrap the two WeasyPrint functions once per process (idempotent)."""
    import weasyprint.layout as layout
    import weasyprint.pdf as wpdf

    if getattr(layout.make_margin_boxes, "dossier", False):
        return
    margin_boxes = layout.make_margin_boxes
    resolve_links = wpdf.resolve_links

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        numbering = _LATE.get()
        if numbering is None:
            return margin_boxes(context, page, state)
        if not hasattr(context, "dossier_numbers"):  # the first call: pagination is final
            context.dossier_numbers = numbering(len(context.page_maker) - 1, context)
        start, total = context.dossier_numbers
        state = copy.deepcopy(state)
        state[1]["page"] = [state[1]["page"][-1] + start - 1]
        state[1]["pages"] = [total]
        return margin_boxes(context, page, state)

    def keep_foreign_links(pages: Any) -> Any:
        if not _FOREIGN_LINKS.get():
            yield from resolve_links(pages)
            return
        seen: set[str] = set()
        for page in pages:
            anchors = [
                (name, x, y) for name, (x, y, _, _) in page.anchors.items() if name not in seen
            ]
            seen.update(name for name, _, _ in anchors)
            yield list(page.links), anchors

    make_margin_boxes.dossier = True  # type: ignore[attr-defined]
    layout.make_margin_boxes = make_margin_boxes
    wpdf.resolve_links = keep_foreign_links


def supported(book: Book) -> bool:
    edition = book.edition
    return (
        not edition.attach_sources
        and not edition.mirror_margins
        and not edition.chapters_on_recto
        and edition.layout == "book"
    )


def _weight(chapter: Chapter, book: Book) -> int:
    """Characters of text: the estimate of a chapter's length."""
    if chapter.kind == "chronology":
        return sum(len(e.event) + len(e.note) + 120 for e in book.events)
    if chapter.kind == "appendix":
        return 400 * len(book.sources)
    tokens = [*chapter.tokens, *(t for note in chapter.notes.values() for t in note)]
    return sum(len(markup.plain_text(t.children or [])) for t in tokens if t.children)


def chunk_count(book: Book) -> int:
    """How many chunks to render in: 1 for short editions, else 2 to 4 by length. It depends
    on the document alone (not on the machine's cores or on an earlier build), so that every
    machine writes the same bytes; on 2 cores 3 or 4 chunks share the cores."""
    if not supported(book):
        return 1
    pages = sum(_weight(c, book) for c in book.chapters) // CHARS_PER_PAGE
    return 1 if pages < MIN_PAGES else min(MAX_CHUNKS, max(2, pages // PAGES_PER_CHUNK))


def split(chapters: list[Chapter], book: Book, count: int) -> list[list[Chapter]]:
    """`count` groups of consecutive chapters (fewer if there are fewer chapters), each
    about an equal share of the remaining text."""
    weights = [max(1, _weight(c, book)) for c in chapters]
    groups: list[list[Chapter]] = []
    start, remaining = 0, sum(weights)
    for left in range(min(count, len(chapters)), 0, -1):
        share, end, taken = remaining / left, start + 1, weights[start]
        while end < len(chapters) - (left - 1) and (left == 1 or taken + weights[end] / 2 <= share):
            taken += weights[end]
            end += 1
        groups.append(chapters[start:end])
        start, remaining = end, remaining - taken
    return groups


def render_in_chunks(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    hints: dict[str, int],
    max_pages: int,
    count: int,
    cache: LayoutCache | None = None,
) -> PdfOutput | None:
    """The edition's PDF rendered in `count` chunks, or None if the document does not lend
    itself to it (then the caller renders it in one piece). With a `cache`, a chunk laid out
    by an earlier build with the same inputs and the same page numbers is reused."""
    from dossier.writers.page_starts import page_starts
    from dossier.writers.pdf_render import PdfOutput, Renderer, anchor_pages, pdf_options

    chapters = list(book.chapters)
    back = [chapters.pop()] if chapters and chapters[-1].kind == "appendix" else []
    if any(c.kind == "appendix" for c in chapters) or len(chapters) < 2:
        return None  # page references only in the front and a final appendix
    groups = split(chapters, book, count)
    began = time.perf_counter()
    _install()
    htmls = [
        render_html(book, env, assets, version, PageMap(), front=False, chapters=group)
        for group in groups
    ]
    keys = [chunk_key(book, h, pdf_options(book), assets.timeline_svg) for h in htmls]
    cached = [cache.report(key) if cache else None for key in keys]
    context = multiprocessing.get_context("fork")
    workers: list[tuple[Any, Any] | None] = []

    def fork(html: str) -> tuple[Any, Any]:
        receiver, sender = context.Pipe()
        inherited = [receiver, *(w[1] for w in workers if w is not None)]
        process = context.Process(
            target=_chunk,
            args=(book, assets, html, sender, inherited, max_pages, os.getpid()),
        )
        process.start()
        sender.close()
        return process, receiver

    for html, report in zip(htmls, cached, strict=True):
        workers.append(None if report is not None else fork(html))
    try:
        with Renderer(book, assets, max_pages) as renderer:
            placeholder = PageMap(dict(hints), default=PLACEHOLDER)
            front_html = render_html(book, env, assets, version, placeholder, chapters=[])
            front_doc = renderer.render(front_html)
            front_pages = len(front_doc.pages)
            log.debug("front matter: %d pages (%.1f s)", front_pages, time.perf_counter() - began)
            reports = [
                (r.pages, r.anchors) if r is not None else _receive(_pipe(w))
                for r, w in zip(cached, workers, strict=True)
            ]
            log.debug(
                "chunks paginated: %s pages, %d from the layout cache (%.1f s)",
                [r[0] for r in reports],
                sum(r is not None for r in cached),
                time.perf_counter() - began,
            )
            starts: list[int] = []
            anchors = anchor_pages(front_doc)  # fixed: the front keeps its length
            page = front_pages + 1
            for count_pages, chunk_anchors in reports:
                starts.append(page)
                for name, local in chunk_anchors.items():
                    anchors.setdefault(name, page + local - 1)
                page += count_pages
            body_end = page - 1

            numbers: list[int] = []

            def release(back_pages: int, context: Any) -> tuple[int, int]:
                total = body_end + back_pages
                numbers.append(total)
                for worker, start in zip(workers, starts, strict=True):
                    if worker is not None:
                        worker[1].send((start, total))
                return body_end + 1, total

            _FOREIGN_LINKS.set(True)
            back_doc = None
            if back:
                _LATE.set(release)
                back_doc = renderer.render(
                    render_html(
                        book, env, assets, version, PageMap(anchors), front=False, chapters=back
                    )
                )
                for name, local in anchor_pages(back_doc).items():
                    anchors.setdefault(name, body_end + local)
            else:
                release(0, None)
            total = body_end + (len(back_doc.pages) if back_doc else 0)
            log.debug("back matter laid out (%.1f s)", time.perf_counter() - began)
            parts_cached: list[bytes | None] = [None] * len(groups)
            late: set[int] = set()  # cached pagination, laid out again for new numbers
            for i, report in enumerate(cached):
                if report is None or cache is None:
                    continue
                parts_cached[i] = cache.part(keys[i], starts[i], total)
                if parts_cached[i] is None:  # same pages, other numbers: draw it again
                    workers[i] = fork(htmls[i])
                    _pipe(workers[i]).send((starts[i], total))  # read after its pagination
                    late.add(i)
            if max_pages and total > max_pages:
                pages = f"the PDF has {total:,} pages"
                raise OutputError(over_limit(pages, max_pages, "max_pages"))
            _LATE.set(lambda pages, context: (1, total))
            front_doc = renderer.render(
                render_html(book, env, assets, version, PageMap(anchors), chapters=[])
            )
            _LATE.set(None)
            if len(front_doc.pages) != front_pages:
                log.debug("the contents changed length with the real page numbers; one process")
                return None
            for name, local in anchor_pages(front_doc).items():
                anchors[name] = local
            back_pages = back_doc.pages if back_doc else []
            own = renderer.write(front_doc.copy([*front_doc.pages, *back_pages]))
            log.debug("front and back matter written (%.1f s)", time.perf_counter() - began)
            parts: list[tuple[bytes, list[Any], list[str]]] = []
            for i, report in enumerate(cached):
                reused = parts_cached[i]
                if reused is not None and report is not None:
                    parts.append((reused, report.warnings, report.starts))
                    continue
                if i in late:
                    _receive(_pipe(workers[i]))  # its pagination: known already
                parts.append(_receive(_pipe(workers[i])))
                if cache is not None:
                    fresh = Report(reports[i][0], reports[i][1], parts[-1][2], parts[-1][1])
                    cache.store(keys[i], fresh, starts[i], total, parts[-1][0])
            log.debug("chunks written (%.1f s)", time.perf_counter() - began)
            warnings = renderer.capture.messages
            first_words = page_starts(front_doc) + [s for p in parts for s in p[2]]
            first_words += page_starts(back_doc) if back_doc else []
    finally:
        _FOREIGN_LINKS.set(False)
        _LATE.set(None)
        for process, _ in filter(None, workers):
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    publish((anchors, first_words))  # its EPUB can start during the merge
    data = merge_parts(own, front_pages, [p[0] for p in parts])
    log.debug("merged (%.1f s)", time.perf_counter() - began)
    return PdfOutput(
        data,
        total,
        anchors,
        1,
        warnings + [w for p in parts for w in p[1]],
        len(parts),
        first_words,
    )


def _pipe(worker: tuple[Any, Any] | None) -> Any:
    """The coordinator's end of a chunk worker's pipe (one was started for that chunk)."""
    assert worker is not None
    return worker[1]


def _receive(receiver: Any) -> Any:
    """A worker's next message; a worker's failure is raised here."""
    from dossier.writers.workers import reraise_user_error

    try:
        kind, payload = receiver.recv()
    except EOFError:
        raise RuntimeError("a chunk worker stopped without a result") from None
    if kind == "ok":
        return payload
    reraise_user_error(kind, payload)
    if kind == "memory":
        raise MemoryError
    raise RuntimeError(f"a chunk worker failed:\n{payload}")


def _chunk(
    book: Book,
    assets: Assets,
    html: str,
    sender: Any,
    inherited: list[Any],
    max_pages: int,
    coordinator: int,
) -> None:
    """A worker: lay out some chapters, report their pages, wait for the numbering, write."""
    from dossier.writers.pdf_render import Renderer
    from dossier.writers.workers import die_with, reply_and_exit

    die_with(coordinator)
    for connection in inherited:  # the coordinator's ends: without them, its death is EOF here
        connection.close()

    def numbering(pages: int, context: Any) -> tuple[int, int]:
        anchors: dict[str, int] = {}
        for index in range(pages):
            for name in context.page_maker[index][4].get("anchors", []):
                anchors.setdefault(name, index + 1)
        sender.send(("ok", (pages, anchors)))
        start, total = sender.recv()
        return int(start), int(total)

    def work() -> tuple[bytes, list[Any], list[str]]:
        from dossier.writers.page_starts import page_starts

        _FOREIGN_LINKS.set(True)
        _LATE.set(numbering)
        with Renderer(book, assets, max_pages) as renderer:
            document = renderer.render(html)
            return renderer.write(document), renderer.capture.messages, page_starts(document)

    reply_and_exit(sender, work)
