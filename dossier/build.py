"""`build()`: the whole pipeline, and the only function that knows the order of the stages.

    load config -> (unchanged since last build? done) -> read and check content
    -> assemble editions -> render PDFs, EPUBs and HTML pages in worker processes
    -> audit outputs -> write files atomically -> remember what was read and written

Heavy modules (WeasyPrint, EbookLib, markdown-it, citeproc) are imported only when there
is something to do, so that a build with nothing to do takes a few hundredths of a second.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.config import Config, Edition, load_config
from dossier.errors import ConfigError
from dossier.outputs.cache import Cache, request_key, sha256_file
from dossier.outputs.files import (
    output_lock,
    output_name,
    superseded,
    superseded_copies,
    write_atomic,
)
from dossier.sandbox.fingerprint import fingerprint
from dossier.version import __version__
from dossier.writers.workers import Job, JobLimits, Progress, Workers

if TYPE_CHECKING:
    from dossier.model.records import Book, Recipient
    from dossier.reading.styles import Stylesheets
    from dossier.rendering.context import Assets

log = logging.getLogger("dossier")
#: (edition, format) -> the bytes rendered (None: an earlier file is reused) and its pages
Files = dict[tuple[str, str], tuple[bytes | None, int | None]]
#: (edition, format) -> its numbered copies and (PDF) the document of their stamped lines
Numbered = tuple[list[bytes], bytes | None]


@dataclass(frozen=True)
class Output:
    """One file written (or found up to date) by a build."""

    path: Path
    edition: str
    format: str
    size: int
    pages: int | None = None
    reused: bool = False


class Steps:
    """Numbered progress on the `dossier` logger, with the time each step took."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    @contextmanager
    def __call__(self, title: str) -> Iterator[None]:
        self.done += 1
        log.info("[%d/%d] %s …", self.done, self.total, title)
        start = time.perf_counter()
        yield
        log.info("[%d/%d] %s: %.2f s", self.done, self.total, title, time.perf_counter() - start)


def build(
    project: str | Path | Config = ".",
    *,
    editions: Sequence[str] = (),
    formats: Sequence[str] = (),
    output_dir: str | Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Output]:
    """Build a project (its folder, or a `Config` from `load_config`): the chosen editions
    (default: the manifest's default set) into `output_dir` (default: `build/` in the
    project). `force` renders everything again instead of reusing outputs whose inputs did
    not change. `progress(output, state)` hears of each render ("reader PDF": "queued",
    "running", "done"). Raises `DossierError` for mistakes in the project."""
    config = project if isinstance(project, Config) else load_config(project)
    plan = _plan(config, editions, formats)
    folder = Path(output_dir) if output_dir else config.root / "build"
    request = request_key(config, plan, fingerprint())
    with output_lock(folder):
        cache = Cache(folder)
        if not force:
            unchanged = cache.unchanged(request, config.root)
            if unchanged is not None:
                log.info(
                    "Nothing changed since the last build: %d file(s) up to date "
                    "(--force renders them again)",
                    len(unchanged),
                )
                return [_output(folder, o, reused=True) for o in unchanged]
        steps = Steps(3)
        count = sum(len(f) for _, f in plan)
        limits = JobLimits(config.limits.render_timeout, config.limits.render_memory_mb)
        warm = partial(_warm, {f for _, fmts in plan for f in fmts})
        with Workers(limits, warm=warm, expected=count) as workers:
            with steps("Reading and checking the project"):
                cache.load_memos()
                books, sheets, inputs = _read(config, plan)
            with steps(f"Rendering {count} file(s)"):
                files, numbered = _render(
                    books, sheets, inputs, cache, config, force, workers, progress
                )
                cache.save_memos()
        with steps("Checking and writing the outputs"):
            outputs = _write(books, files, numbered, folder, config)
        cache.remember(request, config.root, inputs, [_record(folder, o) for o in outputs])
    return outputs


def render_page(project: str | Path | Config, edition: str) -> bytes:
    """The edition as its HTML page, rendered in this process and audited, nothing written
    (what `dossier serve` shows; fast: no worker, no PDF). Raises `DossierError` for mistakes
    in the project."""
    from dossier.outputs.audit import check_inert, check_leaks
    from dossier.outputs.image_audit import check_image_metadata

    config = project if isinstance(project, Config) else load_config(project)
    [(chosen, _)] = _plan(config, [edition], [])
    [(book, _)], sheets, _ = _read(config, [(chosen, ["html"])])
    data = _html(book, sheets, edition_assets(book))[0]
    for audit in (check_leaks, check_inert, check_image_metadata):
        audit(book, {"html": data})
    return data


def _plan(
    config: Config, editions: Sequence[str], formats: Sequence[str]
) -> list[tuple[Edition, list[str]]]:
    names = list(editions) or config.default_editions
    unknown = [n for n in names if n not in config.editions]
    if unknown:
        raise ConfigError(
            f"unknown edition '{unknown[0]}': the manifest defines {', '.join(config.editions)}"
        )
    plan = []
    for name in dict.fromkeys(names):
        edition = config.editions[name]
        fmts = [str(f) for f in edition.formats if not formats or f in formats]
        if fmts:
            plan.append((edition, fmts))
    if not plan:
        raise ConfigError(
            f"nothing to build: the chosen editions have no {'/'.join(formats)} format"
        )
    return plan


def _read(
    config: Config, plan: list[tuple[Edition, list[str]]]
) -> tuple[list[tuple[Book, list[str]]], Stylesheets, dict[str, str]]:
    """Check the project and assemble each edition (with its stamp)."""
    from dossier.editions.assemble import assemble, edition_stamp
    from dossier.reading.project import read_project
    from dossier.reading.recipients import read_recipients, recipients_files

    problems, dossier, sheets = read_project(config)
    for warning in problems.warnings:
        log.warning("%s", warning)
    problems.raise_errors()
    recipients = {
        edition.name: read_recipients(config, edition, problems)
        for edition, _ in plan
        if edition.recipients
    }
    problems.raise_errors()
    # every file the check read: the inputs that stamps and archives are made of; a
    # recipients file is an input of its own edition only (and never attached)
    inputs = dict(config.project.files_read)
    lists = recipients_files(config, [edition for edition, _ in plan])
    books = []
    for edition, fmts in plan:
        own = inputs if edition.recipients else _without(inputs, lists)
        stamp = edition_stamp(dossier, edition, own, fingerprint())
        book = assemble(dossier, edition, stamp, problems)
        book.recipients = recipients.get(edition.name, [])
        books.append((book, fmts))
    problems.raise_errors()
    return books, sheets, inputs


def _without(inputs: dict[str, str], paths: set[str]) -> dict[str, str]:
    return {path: digest for path, digest in inputs.items() if path not in paths}


def _warm(formats: set[str]) -> None:
    """What a worker imports while the parent reads the project (WeasyPrint confined to
    the theme's and the project's fonts before it loads a font configuration; WeasyPrint
    alone takes 0.4 s: not for an EPUB-only build)."""
    from dossier.sandbox.fonts import confine_fonts

    confine_fonts()
    import ebooklib.epub  # noqa: F401

    if "pdf" in formats:
        import weasyprint  # noqa: F401


def _render(
    books: list[tuple[Book, list[str]]],
    sheets: Stylesheets,
    inputs: dict[str, str],
    cache: Cache,
    config: Config,
    force: bool,
    workers: Workers,
    progress: Progress | None = None,
) -> tuple[Files, dict[tuple[str, str], Numbered]]:
    """Every output as bytes, rendered by the workers (None: an intact earlier file with
    the same name, hence the same inputs, is reused), and the numbered copies of editions
    with recipients (whose edition file itself is audited but not written)."""
    jobs = []
    fonts = cache.state / "epub"  # subset fonts and covers, by content (writers.epub_fonts)
    paginated = []  # EPUBs whose page-break markers follow their edition's PDF: after it
    order: list[str] = []
    reused: dict[tuple[str, str], tuple[bytes | None, int | None]] = {}
    for book, fmts in books:
        assets = edition_assets(book)
        stale = [
            fmt
            for fmt in fmts
            if force
            or cache.output(output_name(config.name, book.edition.name, book.stamp, fmt)) is None
        ]
        if "epub" in stale and "pdf" in fmts and "pdf" not in stale:
            stale.append("pdf")  # its page map (the same bytes again)
        for fmt in fmts:
            if fmt not in stale:
                earlier = cache.output(output_name(config.name, book.edition.name, book.stamp, fmt))
                reused[(book.edition.name, fmt)] = (None, (earlier or {}).get("pages"))
                continue
            job_name = f"{book.edition.name} {fmt.upper()}"
            order.append(job_name)
            if fmt == "pdf":
                secret = _recipients_files(config)
                attach = _without(inputs, secret) if book.edition.attach_sources else None
                if attach:  # refused now rather than after the layout
                    _refuse_identifying_images(config, attach)
                hints = cache.hints(book.edition.name)
                if book.recipients:  # laid out once, then one stamped copy per recipient
                    jobs.append(Job(job_name, _pdf_copies, (book, sheets, assets, hints, attach)))
                else:
                    layout = (cache.state / "layout", not force)  # --force: every chunk
                    jobs.append(Job(job_name, _pdf, (book, sheets, assets, hints, attach, layout)))
            elif fmt == "html":
                jobs.append(Job(job_name, _html, (book, sheets, assets)))
            elif "pdf" in fmts:
                paginated.append((book, assets))
            else:
                epub = _epub_copies if book.recipients else _epub
                jobs.append(Job(job_name, epub, (book, sheets, assets, None, fonts)))
    if progress:  # every output to render, in the plan's order (EPUBs wait for their PDF)
        for name in order:
            progress(name, "queued")
    results = workers.run(jobs, progress)
    later = []
    for book, assets in paginated:
        pdf = results[f"{book.edition.name} PDF"]
        source = output_name(config.name, book.edition.name, book.stamp, "pdf")
        pagination = _pagination(book, f"{config.identifier} (PDF: {source})", pdf[2], pdf[3])
        epub = _epub_copies if book.recipients else _epub
        later.append(
            Job(f"{book.edition.name} EPUB", epub, (book, sheets, assets, pagination, fonts))
        )
    results.update(workers.run(later, progress))
    files = dict(reused)
    numbered: dict[tuple[str, str], Numbered] = {}
    for job in [*jobs, *later]:
        edition, fmt = job.name.rsplit(" ", 1)
        data, pages, anchors, _, *copies = results[job.name]
        if anchors:
            cache.save_hints(edition, anchors)
        files[(edition, fmt.lower())] = (data, pages)
        if copies:
            numbered[(edition, fmt.lower())] = (copies[0], copies[1])
    return files, numbered


def _recipients_files(config: Config) -> set[str]:
    from dossier.reading.recipients import recipients_files

    return recipients_files(config)


def _pdf_copies(
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


def _pagination(book: Book, source: str, anchors: dict[str, int], starts: list[str]) -> Any:
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


def _pdf(
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


def _epub(
    book: Book, sheets: Stylesheets, assets: Assets, pagination: Any, fonts: Path | None = None
) -> tuple[bytes, int | None, dict[str, int] | None, None]:
    """In a worker: the edition's EPUB (with `pagination`: marked with its PDF's pages)."""
    from dossier.rendering.environment import make_environment
    from dossier.writers.epub import write_epub

    env = make_environment(book.config.project)
    cover = _cover(book, sheets, fonts)
    data = write_epub(book, env, sheets, assets, cover, __version__, pagination, fonts)
    return data, None, None, None


def _html(
    book: Book, sheets: Stylesheets, assets: Assets
) -> tuple[bytes, int | None, dict[str, int] | None, None]:
    """In a worker: the edition as one self-contained HTML page."""
    from dossier.rendering.environment import make_environment
    from dossier.writers.html import write_html

    env = make_environment(book.config.project)
    return write_html(book, env, sheets, assets, __version__), None, None, None


def _epub_copies(
    book: Book, sheets: Stylesheets, assets: Assets, pagination: Any, fonts: Path | None = None
) -> tuple[bytes, int | None, dict[str, int] | None, None, list[bytes], None]:
    """In a worker: the edition's EPUB once, then one stamped copy per recipient."""
    from dossier.rendering.environment import make_environment
    from dossier.rendering.words import speaking
    from dossier.writers.epub_copies import stamp_epub
    from dossier.writers.mark import edition_tag
    from dossier.writers.pdf_copies import copy_id

    data, _, _, _ = _epub(book, sheets, assets, pagination, fonts)
    env = make_environment(book.config.project)
    tag = edition_tag(book.config.name, book.edition.name, book.stamp)
    with speaking(book):
        copies = [
            stamp_epub(data, book, env, r, tag, copy_id(book.stamp, r)) for r in book.recipients
        ]
    return data, None, None, None, copies, None


def _refuse_identifying_images(config: Config, inputs: dict[str, str]) -> None:
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


def _write(
    books: list[tuple[Book, list[str]]],
    files: Files,
    numbered: dict[tuple[str, str], Numbered],
    folder: Path,
    config: Config,
) -> list[Output]:
    """Audit every edition's new files before writing any, so that a refused edition leaves
    the whole folder as it was; then write them atomically and drop the superseded ones."""
    from dossier.outputs.copies import write_copies
    from dossier.rendering.words import speaking

    everyone = [r for book, _ in books for r in book.recipients]
    for book, fmts in books:
        with speaking(book):
            _audit(book, fmts, files, everyone, numbered)
    outputs = []
    for book, fmts in books:
        if book.recipients:
            for fmt in fmts:
                written = write_copies(folder, book, fmt, numbered[(book.edition.name, fmt)][0])
                pages = files[(book.edition.name, fmt)][1]
                outputs += [Output(p, book.edition.name, fmt, size, pages) for p, size in written]
            continue
        for fmt in fmts:
            data, pages = files[(book.edition.name, fmt)]
            path = folder / output_name(config.name, book.edition.name, book.stamp, fmt)
            if data is not None:
                write_atomic(path, data)
            size = path.stat().st_size
            outputs.append(Output(path, book.edition.name, fmt, size, pages, data is None))
    for output in outputs:
        for old in superseded(folder, config.name, output.edition, output.format, output.path):
            old.unlink()
    for book, _ in books:
        if book.recipients:
            for old in superseded_copies(folder, config.name, book.edition.name, book.stamp):
                old.unlink()
    return outputs


def _audit(
    book: Book,
    fmts: list[str],
    files: Files,
    everyone: list[Recipient],
    numbered: dict[tuple[str, str], Numbered],
) -> None:
    """The checks of one edition's new files (in its language: they look for its words),
    and of its numbered copies."""
    from dossier.outputs.audit import (
        check_inert,
        check_leaks,
        check_notes,
        check_pages,
        check_parity,
    )
    from dossier.outputs.copies import audit_copies, check_recipients
    from dossier.outputs.image_audit import check_image_metadata

    edition = book.edition.name
    fresh = {fmt: data for fmt in fmts if (data := files[(edition, fmt)][0]) is not None}
    if "pdf" in fresh:
        check_pages(book, files[(edition, "pdf")][1] or 0)
        check_notes(book, fresh["pdf"])
    check_leaks(book, fresh)
    check_inert(book, fresh)
    check_image_metadata(book, fresh)
    check_parity(book, fresh)
    check_recipients(book, fresh, everyone)
    for fmt in fmts:
        if (edition, fmt) in numbered:
            copies, stamps = numbered[(edition, fmt)]
            audit_copies(book, fmt, copies, everyone, stamps)


def _record(folder: Path, output: Output) -> dict[str, Any]:
    return {
        "file": output.path.name,
        "edition": output.edition,
        "format": output.format,
        "size": output.size,
        "pages": output.pages,
        "sha256": sha256_file(output.path),
    }


def _output(folder: Path, record: dict[str, Any], reused: bool) -> Output:
    return Output(
        folder / record["file"],
        record["edition"],
        record["format"],
        record["size"],
        record.get("pages"),
        reused,
    )


def _cover(book: Book, sheets: Stylesheets, cache: Path | None = None) -> bytes:
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
