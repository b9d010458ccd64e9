"""Render a long edition in parts, in parallel worker processes, and merge them into the
PDF a single render would give: same page numbers, "page X of Y", running heads, contents
and appendix page numbers, notes, bookmarks and links.

WeasyPrint lays out one document in one thread. Here the body's chapters are grouped in
units (`units`) laid out by forked workers while this process lays out the front matter
(cover, title page, contents); then this process lays out the back matter (the appendix,
whose "cited on" lines need every unit's pages) and the front matter again with the real
page numbers. Three facts make the result exact and let an edit re-lay out only its unit:

* No part draws a number that depends on where it lands. The margin boxes that show a
  page counter ("page 3 of 40") are left out of every part and drawn after layout: a
  folio document with one empty page per page of the edition, carrying that page's name,
  is laid out with the edition's own @page rules, and each of its pages is drawn onto its
  page as a pagination artifact (`pdf_merge.draw_folios`). The running heads are drawn in
  the parts (they depend on the text only).
* Nothing else in a unit depends on page numbers: notes carry explicit numbers, and the
  only page references (contents, "cited on pp.") are in the front and back matter, which
  are laid out with literal numbers once the units have paginated.
* A unit's boundaries depend on the chapters' lengths in a way a small edit rarely moves
  (`units`), not on the number of workers, so the other units keep their keys.

So every part (front, unit, back, run of folios) is laid out from its HTML alone, and kept
between builds by that HTML (`pdf_layout_cache`): an edit that keeps the page count costs
the unit it changed plus the merge; one that moves later pages also draws the folios again
and the contents or appendix if their numbers changed.

One WeasyPrint function is wrapped for this (pinned to WeasyPrint 70; see the tests):
`layout.make_margin_boxes`, to leave out or keep only the numbered margin boxes and to
number a run of folios that does not start on page 1; and `pdf.resolve_links`, so that a
part keeps its links to anchors in other parts (they are named destinations, resolved in
the merged file). Both behave as before unless a chunked render asks otherwise.

Tagged PDFs (all of them) are chunked too: `pdf_merge` merges the parts' structure trees
into the tree a single render makes. Not chunked: editions with attachments, mirrored
margins or chapters on rectos (a part cannot know its pages' sides), and the briefing
layout; and short editions, where one process is faster.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import logging
import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.errors import OutputError, over_limit
from dossier.model import markdown as markup
from dossier.model.records import Book, Chapter
from dossier.rendering.formats import PageMap
from dossier.writers.pdf_layout_cache import LayoutCache, Report, part_key
from dossier.writers.pdf_merge import merge_parts
from dossier.writers.pdf_render import render_html
from dossier.writers.workers import publish

if TYPE_CHECKING:
    from jinja2.environment import Environment

    from dossier.rendering.context import Assets
    from dossier.writers.pdf_render import PdfOutput, Renderer

log = logging.getLogger(__name__)

#: Below this many pages one process is faster than forking and merging (measured: see
#: BENCHMARKS.md).
MIN_PAGES = 60
#: A page of body text holds about this many characters (the length estimate).
CHARS_PER_PAGE = 2600
#: A unit ends with the chapter in which the running length crosses a multiple of this many
#: pages (estimated): small enough that an edit re-lays out little, large enough that the
#: cost of a document (its stylesheets, its fonts) stays small beside its pages.
UNIT_PAGES = 20
#: Editions estimated shorter than this many pages get units half as long: there an edit's
#: unit is a larger share of the build (measured: BENCHMARKS.md), and their fewer units keep
#: the cost of a document small. An edit that crosses it lays every unit out again, once.
SHORTER_UNITS_BELOW = 200
#: Folios are laid out in runs of this many pages (a fixed length: the same bytes on any
#: machine), run in parallel.
FOLIO_RUN = 250
#: The widest page number the contents are first laid out with (its length must not change).
PLACEHOLDER = 888
#: A page name the folio document can carry (WeasyPrint's names are CSS identifiers).
PAGE_NAME = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")

Numbering = Callable[[int, Any], tuple[int, int]]
_LATE: contextvars.ContextVar[Numbering | None] = contextvars.ContextVar("late", default=None)
_FOREIGN_LINKS: contextvars.ContextVar[bool] = contextvars.ContextVar("foreign", default=False)
#: "without": leave out the margin boxes that show a page counter; "only": keep only those
_FOLIOS: contextvars.ContextVar[str] = contextvars.ContextVar("folios", default="")


# engine-quirk: WeasyPrint 70 — wraps the private layout.make_margin_boxes (folios left out,
# or alone and numbered from a given page) and pdf.resolve_links (links to other parts)
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
        if numbering is not None:
            if not hasattr(context, "dossier_numbers"):  # the first call: pagination is final
                context.dossier_numbers = numbering(len(context.page_maker) - 1, context)
            start, total = context.dossier_numbers
            state = copy.deepcopy(state)
            state[1]["page"] = [state[1]["page"][-1] + start - 1]
            state[1]["pages"] = [total]
        boxes = margin_boxes(context, page, state)
        mode = _FOLIOS.get()
        if not mode:
            return boxes
        # filtered after layout: the other boxes keep the sizes they have beside a folio
        return (box for box in boxes if _numbered(box) == (mode == "only"))

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


def _numbered(box: Any) -> bool:
    """Whether a margin box shows the page number or the page count."""
    content = box.style["content"]
    if not isinstance(content, (list, tuple)):
        return False
    return any(
        isinstance(item, tuple)
        and item[0] in ("counter()", "counters()")
        and bool(item[1])
        and item[1][0] in ("page", "pages")
        for item in content
    )


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


def plan(book: Book, count: int | None = None) -> list[list[Chapter]] | None:
    """The body's chapters in the units laid out apart, or None to render in one piece:
    editions that cannot be (`supported`), short ones (estimated below MIN_PAGES), those
    with an appendix other than a final one. With `count`, that many units of about equal
    length (for tests; an edit then moves their boundaries)."""
    if not supported(book):
        return None
    chapters = list(book.chapters)
    if chapters and chapters[-1].kind == "appendix":
        chapters.pop()
    if not chapters or any(c.kind == "appendix" for c in chapters):
        return None
    if count is not None:
        return split(chapters, book, count) if count > 1 else None
    weights = [_weight(c, book) for c in chapters]
    if sum(weights) // CHARS_PER_PAGE < MIN_PAGES:
        return None
    return units(chapters, weights, unit_pages(weights))


def unit_pages(weights: list[int]) -> int:
    """The length of a unit, in pages, for chapters of these weights (see UNIT_PAGES)."""
    if sum(weights) // CHARS_PER_PAGE < SHORTER_UNITS_BELOW:
        return max(1, UNIT_PAGES // 2)
    return UNIT_PAGES


def units(
    chapters: list[Chapter], weights: list[int], pages: int = UNIT_PAGES
) -> list[list[Chapter]]:
    """Consecutive chapters in units of about `pages` pages: a unit ends with the chapter
    in which the running length crosses a multiple of `pages` pages. An edit moves a
    boundary only where it moves such a crossing into another chapter, so the other units
    keep their content (equal shares of the whole would move every boundary after the
    edit)."""
    size = pages * CHARS_PER_PAGE
    groups: list[list[Chapter]] = [[]]
    length = 0
    for chapter, weight in zip(chapters, weights, strict=True):
        before, length = length, length + weight
        groups[-1].append(chapter)
        if length // size != before // size:
            groups.append([])
    return [group for group in groups if group]


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


@dataclass(frozen=True)
class _Job:
    """A part for a worker: its HTML and key; for a run of folios, the number of its first
    page, the page count, and whether a page was put before it (for its side)."""

    html: str
    key: str
    folios: tuple[int, int, bool] | None = None


def render_in_chunks(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    hints: dict[str, int],
    max_pages: int,
    groups: list[list[Chapter]],
    cache: LayoutCache | None = None,
) -> PdfOutput | None:
    """The edition's PDF rendered in the units `groups` (see `plan`), or None if the
    document does not lend itself to it (then the caller renders it in one piece). Parts
    laid out by an earlier build from the same HTML and inputs are read from `cache`."""
    with contextlib.ExitStack() as stack:
        if cache is None:  # the parts still go through files: none is kept
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="dossier-parts-"))
            cache = LayoutCache(Path(folder), reuse=False)
        return _render(book, env, assets, version, hints, max_pages, groups, cache)


def _render(
    book: Book,
    env: Environment,
    assets: Assets,
    version: str,
    hints: dict[str, int],
    max_pages: int,
    groups: list[list[Chapter]],
    cache: LayoutCache,
) -> PdfOutput | None:
    from dossier.writers.pdf_render import PdfOutput, Renderer, pdf_options

    began = time.perf_counter()
    _install()
    options = pdf_options(book)

    def key(html: str) -> str:
        return part_key(book, html, options, assets.timeline_svg)

    def keyed(text: str) -> _Job:
        return _Job(text, key(text))

    def html(pages: PageMap, chapters: list[Chapter], front: bool = False) -> str:
        return render_html(book, env, assets, version, pages, front=front, chapters=chapters)

    def folio_html(pages: list[str]) -> str:
        return render_html(book, env, assets, version, PageMap(), False, [], folio_pages=pages)

    back = [book.chapters[-1]] if book.chapters[-1].kind == "appendix" else []
    unit_html = [html(PageMap(), group) for group in groups]
    unit_keys = [key(h) for h in unit_html]
    reports: list[Report | None] = [cache.report(k) for k in unit_keys]
    missing = [i for i, report in enumerate(reports) if report is None]
    sent: dict[str, bytes] = {}  # parts whose pages could not be kept in the cache folder
    jobs = [_Job(unit_html[i], unit_keys[i]) for i in missing]
    pools = [_Pool(book, assets, max_pages, cache, jobs)]
    foreign, folio_mode = _FOREIGN_LINKS.set(True), _FOLIOS.set("without")
    try:
        with Renderer(book, assets, max_pages) as renderer:
            placeholder_html = html(PageMap(dict(hints), default=PLACEHOLDER), [], front=True)
            # its length, not its bytes: kept whatever the stamp (a hash of the inputs, of
            # one length), so that an edit does not lay it out twice; the real front matter
            # is checked against it below
            placeholder_key = key(
                placeholder_html.replace(book.stamp, "") if book.stamp else placeholder_html
            )
            placeholder = cache.report(placeholder_key, written=False)
            if placeholder is None:
                job = _Job(placeholder_html, placeholder_key)
                placeholder, _ = _lay_out(renderer, cache, job, keep=False)
            log.debug(
                "front matter: %d pages (%.1f s)", placeholder.pages, time.perf_counter() - began
            )
            for index, report, data in pools[0].results():
                reports[missing[index]] = report
                if data is not None:
                    sent[unit_keys[missing[index]]] = data
            done = [r for r in reports if r is not None]
            log.debug(
                "units laid out: %d, %d from the layout cache (%.1f s)",
                len(done),
                len(done) - len(missing),
                time.perf_counter() - began,
            )
            anchors = dict(placeholder.anchors)  # fixed: the front keeps its length
            page = placeholder.pages + 1
            for report in done:
                for name, local in report.anchors.items():
                    anchors.setdefault(name, page + local - 1)
                page += report.pages
            body_end = page - 1
            # the appendix and the front matter (with its real page numbers) side by side,
            # in workers; the contents point into the appendix only at its start, taken to
            # be the page after the body's and checked below
            guessed = dict(anchors)
            if back:
                guessed.setdefault(back[0].id, body_end + 1)
            front_map = PageMap(guessed)
            front_job = keyed(html(front_map, [], front=True))
            back_job = keyed(html(PageMap(anchors), back)) if back else None
            tail = [job for job in (back_job, front_job) if job is not None]
            laid_out = {job.key: cache.report(job.key) for job in tail}
            tail_pool = _Pool(
                book, assets, max_pages, cache, [j for j in tail if not laid_out[j.key]]
            )
            pools.append(tail_pool)
            finished = tail_pool.results()

            def wait_for(job: _Job) -> Report:
                while (report := laid_out[job.key]) is None:
                    index, result, data = next(finished)
                    laid_out[tail_pool.jobs[index].key] = result
                    if data is not None:
                        sent[tail_pool.jobs[index].key] = data
                return report

            parts: list[tuple[str, Report]] = []  # (key, report) of the back matter
            if back_job is not None:
                parts.append((back_job.key, wait_for(back_job)))
                for name, local in parts[0][1].anchors.items():
                    anchors.setdefault(name, body_end + local)
            total = body_end + sum(report.pages for _, report in parts)
            if max_pages and total > max_pages:
                pages = f"the PDF has {total:,} pages"
                raise OutputError(over_limit(pages, max_pages, "max_pages"))
            names = [
                *placeholder.names,
                *(n for report in done for n in report.names),
                *(n for _, report in parts for n in report.names),
            ]
            folio_jobs = _folio_jobs(names, total, folio_html, key)
            missing_folios = [job for job in folio_jobs if cache.report(job.key) is None]
            pools.append(_Pool(book, assets, 0, cache, missing_folios))
            front = wait_for(front_job)
            if any(anchors.get(a) != guessed.get(a) for a in front_map.used):
                log.debug("the appendix does not start where the contents said; again")
                front_job = keyed(html(PageMap(anchors), [], front=True))
                front = _own(renderer, cache, front_job, sent)
            if front.pages != placeholder.pages or front.names != placeholder.names:
                log.debug("the contents changed length with the real page numbers; one process")
                return None
            anchors.update(front.anchors)
            log.debug("front and back matter laid out (%.1f s)", time.perf_counter() - began)
            first_words = [*front.starts, *(s for r in done for s in r.starts)]
            first_words += [s for _, report in parts for s in report.starts]
            publish((anchors, first_words))  # its EPUB can start during the merge
            for _ in pools[-1].results():
                pass
            log.debug("folios drawn (%.1f s)", time.perf_counter() - began)
            keys = [front_job.key, *unit_keys, *(k for k, _ in parts)]
            data = merge_parts(
                [sent.get(k) or cache.part(k) for k in keys],
                [cache.part(job.key) for job in folio_jobs],
                {number for number, name in enumerate(names) if name is None},
            )
            cache.prune({*keys, *(job.key for job in folio_jobs), placeholder_key})
            log.debug("merged (%.1f s)", time.perf_counter() - began)
    finally:
        _FOLIOS.reset(folio_mode)
        _FOREIGN_LINKS.reset(foreign)
        for pool in pools:
            pool.close()
    warnings = [*front.warnings, *(w for r in done for w in r.warnings)]
    warnings += [w for _, report in parts for w in report.warnings]
    return PdfOutput(data, total, anchors, 1, warnings, len(groups), first_words)


def _folio_jobs(
    names: list[str | None],
    total: int,
    folio_html: Callable[[list[str]], str],
    key: Callable[[str], str],
) -> list[_Job]:
    """The runs of folios for pages named `names` (None: a blank page, which shows none)."""
    jobs = []
    for first in range(1, total + 1, FOLIO_RUN):
        run = [
            n if n and PAGE_NAME.fullmatch(n) else ""
            for n in names[first - 1 : first - 1 + FOLIO_RUN]
        ]
        before = first % 2 == 0  # a page before it, so that its pages keep their sides
        text = folio_html([""] * before + run)
        numbered = key(f"{text}\n<!-- folios {first} of {total} -->")
        jobs.append(_Job(text, numbered, (first, total, before)))
    return jobs


def _own(renderer: Renderer, cache: LayoutCache, job: _Job, sent: dict[str, bytes]) -> Report:
    """A part laid out in this process, or its report if it is kept from an earlier build."""
    report = cache.report(job.key)
    if report is None:
        report, data = _lay_out(renderer, cache, job)
        if data is not None:
            sent[job.key] = data
    return report


def _lay_out(
    renderer: Renderer, cache: LayoutCache, job: _Job, keep: bool = True
) -> tuple[Report, bytes | None]:
    """Lay out a part and keep it; its pages are returned if they could not be kept."""
    from dossier.writers.page_starts import page_starts
    from dossier.writers.pdf_render import anchor_pages

    before = len(renderer.capture.messages)
    if job.folios is None:
        document = renderer.render(job.html)
        data = renderer.write(document) if keep else None
    else:
        first, total, padded = job.folios
        numbers = (first - padded, total)
        _LATE.set(lambda pages, context: numbers)
        _FOLIOS.set("only")
        renderer.options = {}  # the folios are drawn into a tagged page as an artifact
        document = renderer.render(job.html)
        if padded:
            document = document.copy(document.pages[1:])
        data = bytes(document.write_pdf())
    # engine-quirk: WeasyPrint 70 — a page's name and side are on its private page box
    names = [
        None if page._page_box.page_type.blank else str(page._page_box.page_type.name)
        for page in document.pages
    ]
    report = Report(
        len(document.pages),
        anchor_pages(document),
        page_starts(document) if job.folios is None else [],
        renderer.capture.messages[before:],
        names,
    )
    kept = cache.store(job.key, report, data)
    return report, None if kept else data


class _Pool:
    """Forked workers that lay out `jobs`, each taking the next job no worker has taken, and
    keep them in `cache`; as many as the CPUs this process may use (the bytes of a part do
    not depend on which worker, or how many, laid it out)."""

    def __init__(
        self, book: Book, assets: Assets, max_pages: int, cache: LayoutCache, jobs: list[_Job]
    ) -> None:
        from dossier.writers.workers import usable_cpus

        self.jobs = jobs
        self.workers: list[tuple[Any, Any]] = []
        if not jobs:
            return
        context = multiprocessing.get_context("fork")
        # kept while the pool lives: `Process.start` drops its arguments, and a freed shared
        # value's memory goes to the next one made, which workers still running would count
        self.taken = taken = context.Value("i", 0)
        for _ in range(min(usable_cpus(), len(jobs))):
            receiver, sender = context.Pipe(duplex=False)
            inherited = [receiver, *(r for _, r in self.workers)]
            process = context.Process(
                target=_worker,
                args=(book, assets, max_pages, cache, jobs, taken, sender, inherited, os.getpid()),
            )
            process.start()
            sender.close()
            self.workers.append((process, receiver))

    def results(self) -> Iterator[tuple[int, Report, bytes | None]]:
        """(job index, its report, its pages if they could not be kept) as jobs finish; a
        worker's failure is raised here."""
        from multiprocessing.connection import wait

        from dossier.writers.workers import reraise_user_error

        pending = set(range(len(self.jobs)))
        receivers = [receiver for _, receiver in self.workers]
        while pending:
            if not receivers:
                for process, _ in self.workers:
                    process.join(timeout=5)
                codes = [process.exitcode for process, _ in self.workers]
                raise RuntimeError(f"a chunk worker stopped without a result (exit codes {codes})")
            for ready in wait(receivers):
                receiver: Any = ready
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    receivers.remove(receiver)
                    continue
                if kind != "ok":
                    reraise_user_error(kind, payload)
                    if kind == "memory":
                        raise MemoryError
                    raise RuntimeError(f"a chunk worker failed:\n{payload}")
                index, report, data = payload
                pending.discard(index)
                yield index, report, data

    def close(self) -> None:
        """Stop the workers and release their pipes and process handles now: a handle left
        to the garbage collector closes its file descriptor whenever it is collected, by
        then perhaps another pipe's (a later build's in the same process)."""
        for process, receiver in self.workers:
            receiver.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
            process.close()
        self.workers = []


def _worker(
    book: Book,
    assets: Assets,
    max_pages: int,
    cache: LayoutCache,
    jobs: list[_Job],
    taken: Any,
    sender: Any,
    inherited: list[Any],
    coordinator: int,
) -> None:
    """A worker: lay out the next job not taken, report it, until none is left."""
    from dossier.writers.pdf_render import Renderer
    from dossier.writers.workers import attempt, die_with

    die_with(coordinator)
    for connection in inherited:  # the coordinator's ends: without them, its death is EOF here
        connection.close()
    _FOREIGN_LINKS.set(True)
    _FOLIOS.set("without")
    try:
        with Renderer(book, assets, max_pages) as renderer:
            while True:
                with taken.get_lock():
                    index = taken.value
                    taken.value += 1
                if index >= len(jobs):
                    break
                kind, payload = attempt(partial(_lay_out, renderer, cache, jobs[index]))
                sender.send((kind, (index, *payload) if kind == "ok" else payload))
                if kind != "ok":
                    break
    finally:
        with contextlib.suppress(OSError):
            sender.close()
        os._exit(0)
