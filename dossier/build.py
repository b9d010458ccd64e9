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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.config import Config, Edition, load_config
from dossier.errors import ConfigError, DossierError, Problems
from dossier.outputs.cache import Cache, request_key, sha256_file
from dossier.outputs.edition_audit import Files, Numbered
from dossier.outputs.files import (
    output_lock,
    output_name,
    superseded,
    superseded_copies,
    write_atomic,
)
from dossier.sandbox.fingerprint import fingerprint
from dossier.writers.workers import Job, JobLimits, Progress, Workers

if TYPE_CHECKING:
    from dossier.model.records import Book
    from dossier.reading.styles import Stylesheets

log = logging.getLogger("dossier")


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
        ahead = sum(1 for _, fmts in plan if "pdf" in fmts)  # PDFs of short books: `_render`
        with Workers(limits, warm=_warm, expected=ahead) as workers:
            with steps("Reading and checking the project"):
                cache.load_memos()
                early = _start_early(config, plan, cache, workers)
                books, sheets, inputs = _read(config, plan)
            with steps(f"Rendering {count} file(s)"):
                files, numbered = _render(
                    books, sheets, inputs, cache, config, force, workers, progress, early
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
    from dossier.writers import jobs as make

    config = project if isinstance(project, Config) else load_config(project)
    [(chosen, _)] = _plan(config, [edition], [])
    [(book, _)], sheets, _ = _read(config, [(chosen, ["html"])])
    fonts = Cache(config.root / "build").state / "fonts"  # as a build keeps them
    data = make.html_job(book, sheets, make.edition_assets(book), fonts)[0]
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
    from dossier.editions.assemble import edition_stamp
    from dossier.reading.project import read_project
    from dossier.reading.recipients import read_recipients, recipients_files

    assembled: dict[str, Book] = {}  # by the check: each edition, stamped below
    problems, dossier, sheets = read_project(config, assembled)
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
        book = replace(
            assembled[edition.name], stamp=stamp, recipients=recipients.get(edition.name, [])
        )
        books.append((book, fmts))
    problems.raise_errors()
    return books, sheets, inputs


def _start_early(
    config: Config, plan: list[tuple[Edition, list[str]]], cache: Cache, workers: Workers
) -> str | None:
    """For a build of one EPUB or one HTML page: start its worker now, reading the project
    itself while this process reads and checks it (its imports and its reading then cost
    the build nothing, and nothing is pickled; `_render_early`). The job's name, or None."""
    if len(plan) != 1 or plan[0][1] not in (["epub"], ["html"]) or plan[0][0].recipients:
        return None
    if workers.slots < 2:  # one CPU: the two readings would only take turns
        return None
    edition, [fmt] = plan[0]
    name = f"{edition.name} {fmt.upper()}"
    workers.start(Job(name, _render_early, (config, edition, fmt, cache.state / "fonts")))
    return name


def _render_early(config: Config, edition: Edition, fmt: str, fonts: Path) -> Any:
    """In a worker started with the build: read the project (every input file, with the
    checks made while reading; the checks across files are the build's), assemble and
    stamp the edition, and render it. The build uses the result only if its own stamp, a
    hash of every input, is the same: (stamp, result), or None where reading found a
    problem (the build reports it)."""
    from dossier.editions.assemble import assemble, edition_stamp
    from dossier.reading.project import read_inputs
    from dossier.writers import jobs as make

    problems = Problems()
    try:
        dossier, sheets = read_inputs(config, problems)
        if not problems.errors:
            book = assemble(dossier, edition, "", problems)
    except DossierError:  # the build's own reading says what is wrong
        return None
    if problems.errors:
        return None
    stamp = edition_stamp(dossier, edition, dict(config.project.files_read), fingerprint())
    book = replace(book, stamp=stamp)
    assets = make.edition_assets(book)
    if fmt == "epub":
        return stamp, make.epub_job(book, sheets, assets, None, fonts)
    return stamp, make.html_job(book, sheets, assets, fonts)


def _without(inputs: dict[str, str], paths: set[str]) -> dict[str, str]:
    return {path: digest for path, digest in inputs.items() if path not in paths}


def _warm() -> None:
    """What a worker started ahead for a PDF imports while the parent reads the project
    (WeasyPrint, 0.4 s, confined to the theme's and the project's fonts before it loads a
    font configuration)."""
    from dossier.sandbox.fonts import confine_fonts

    confine_fonts()
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
    early: str | None = None,
) -> tuple[Files, dict[tuple[str, str], Numbered]]:
    """Every output as bytes, rendered by the workers (None: an intact earlier file with
    the same name, hence the same inputs, is reused), and the numbered copies of editions
    with recipients (whose edition file itself is audited but not written). `early`: the
    job `_start_early` started, used if its stamp is this build's (else rendered again)."""
    from dossier.writers import jobs as make

    queue: list[Job] = []
    fonts = cache.state / "fonts"  # font subsets and covers, by content (writers.epub_fonts)
    paginated = []  # EPUBs whose page-break markers follow their edition's PDF: after it
    order: list[str] = []
    reused: dict[tuple[str, str], tuple[bytes | None, int | None]] = {}
    for book, fmts in books:
        earlier = {
            fmt: None
            if force
            else cache.output(output_name(config.name, book.edition.name, book.stamp, fmt))
            for fmt in fmts
        }
        stale = [fmt for fmt in fmts if earlier[fmt] is None]
        if "epub" in stale and "pdf" in fmts and "pdf" not in stale:
            stale.append("pdf")  # its page map (the same bytes again)
        assets = make.edition_assets(book) if stale else None  # only for what is rendered
        for fmt in fmts:
            if fmt not in stale:
                reused[(book.edition.name, fmt)] = (None, (earlier[fmt] or {}).get("pages"))
                continue
            job_name = f"{book.edition.name} {fmt.upper()}"
            order.append(job_name)
            if fmt == "pdf":
                attach = (
                    _without(inputs, _recipients_files(config))
                    if book.edition.attach_sources
                    else None
                )
                if attach:  # refused now rather than after the layout
                    make.refuse_identifying_images(config, attach)
                hints = cache.hints(book.edition.name)
                ahead = make.send_ahead(book)
                if book.recipients:  # laid out once, then one stamped copy per recipient
                    args: tuple[Any, ...] = (book, sheets, assets, hints, attach)
                    queue.append(Job(job_name, make.pdf_copies_job, args, ahead=ahead))
                else:
                    layout = (cache.state / "layout", not force)  # --force: every chunk
                    args = (book, sheets, assets, hints, attach, layout)
                    queue.append(Job(job_name, make.pdf_job, args, ahead=ahead))
            elif fmt == "html":
                queue.append(
                    Job(job_name, make.html_job, (book, sheets, assets, fonts), background=True)
                )
            elif "pdf" in fmts:
                paginated.append((book, assets))
            else:
                epub = make.epub_copies_job if book.recipients else make.epub_job
                queue.append(Job(job_name, epub, (book, sheets, assets, None, fonts)))
    fallback = next((job for job in queue if job.name == early), None)
    if early is not None and fallback is None:
        workers.stop_started()  # its output is kept from an earlier build
    if fallback is not None:
        queue.remove(fallback)  # running already
    if progress:  # every output to render, in the plan's order (EPUBs wait for their PDF)
        for name in order:
            progress(name, "queued")
    waiting = {f"{book.edition.name} PDF": (book, assets) for book, assets in paginated}
    later: list[Job] = []

    def epub_after(pdf_job: str, anchors: dict[str, int], starts: list[str]) -> list[Job]:
        """The EPUB whose page-list follows this PDF, once the PDF's pagination is known."""
        if pdf_job not in waiting:
            return []
        book, assets = waiting.pop(pdf_job)
        source = output_name(config.name, book.edition.name, book.stamp, "pdf")
        pagination = make.pagination(book, f"{config.identifier} (PDF: {source})", anchors, starts)
        epub = make.epub_copies_job if book.recipients else make.epub_job
        later.append(
            Job(f"{book.edition.name} EPUB", epub, (book, sheets, assets, pagination, fonts))
        )
        return [later[-1]]

    # a PDF publishes its pagination before it is written (or merged): its EPUB starts then
    results = workers.run(queue, progress, lambda name, early: epub_after(name, *early))
    if fallback is not None:
        ready = results.pop(fallback.name)
        book = fallback.args[0]
        if ready is not None and ready[0] == book.stamp:
            results[fallback.name] = ready[1]
        else:  # an input changed while the two read it, or its reading failed: again
            log.debug("%s: the early render is not of these inputs; rendering again", early)
            results.update(workers.run([fallback], progress))
        queue.append(fallback)
    remaining = [job for name in list(waiting) for job in epub_after(name, *results[name][2:4])]
    results.update(workers.run(remaining, progress))
    files = dict(reused)
    numbered: dict[tuple[str, str], Numbered] = {}
    for job in [*queue, *later]:
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
    from dossier.outputs.edition_audit import audit_edition
    from dossier.rendering.words import speaking

    everyone = [r for book, _ in books for r in book.recipients]
    for book, fmts in books:
        with speaking(book):
            audit_edition(book, fmts, files, everyone, numbered)
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
