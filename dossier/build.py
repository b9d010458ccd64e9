"""`build()`: the whole pipeline, and the only function that knows the order of the stages.

load config -> read content -> check -> assemble editions -> write PDF / EPUB
-> verify outputs -> write files atomically
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jinja2.environment import Environment

from . import __version__
from .archive import attachments
from .audit import check_leaks, check_pages, check_parity
from .check import check
from .config import Config, Edition, load_config
from .cover import CoverText, render_cover
from .document import Book
from .edition import assemble, edition_stamp
from .epub import write_epub
from .errors import ConfigError
from .outputs import output_lock, output_name, superseded, write_atomic
from .pdf import write_pdf
from .sources import format_sources
from .styles import Stylesheets
from .theme import make_environment
from .timeline import CAPTION, render_timeline
from .views import Assets, credit, long_date

log = logging.getLogger("dossier")
FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Output:
    """One file written by a build."""

    path: Path
    edition: str
    format: str
    size: int
    pages: int | None = None


class Steps:
    """Numbered progress on the `dossier` logger, with the time each step took."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, title: str) -> Iterator[None]:
        self.done += 1
        log.info("[%d/%d] %s …", self.done, self.total, title)
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.timings.append((title, elapsed))
        log.info("[%d/%d] %s: %.2f s", self.done, self.total, title, elapsed)


def build(
    project_dir: str | Path = ".",
    editions: Sequence[str] = (),
    formats: Sequence[str] = (),
    output_dir: str | Path | None = None,
    force: bool = False,
) -> list[Output]:
    """Build the chosen editions (default: the manifest's default set) into `output_dir`
    (default: `build/` in the project). Raises `DossierError` for mistakes in the project."""
    config = load_config(project_dir)
    plan = _plan(config, editions, formats)
    steps = Steps(1 + sum(len(f) + 1 for _, f in plan))
    folder = Path(output_dir) if output_dir else config.root / "build"
    outputs: list[Output] = []
    with output_lock(folder):
        with steps("Reading and checking the project"):
            problems, dossier, sheets = check(config=config)
            for warning in problems.warnings:
                log.warning("%s", warning)
            problems.raise_errors()
        assert dossier is not None and sheets is not None
        # every file the check read: the inputs that stamps and archives are made of
        inputs = dict(config.project.files_read)
        env = make_environment(config.project)
        for edition, fmts in plan:
            stamp = edition_stamp(dossier, edition, inputs, __version__)
            book = assemble(dossier, edition, stamp, problems)
            problems.raise_errors()
            files = _render(book, fmts, sheets, env, steps, inputs)
            with steps(f"Checking and writing the {edition.name} edition"):
                _audit(book, files)
                for fmt, (data, pages) in files.items():
                    path = folder / output_name(config.name, edition.name, stamp, fmt)
                    write_atomic(path, data)
                    for old in superseded(folder, config.name, edition.name, fmt, path):
                        old.unlink()
                    outputs.append(Output(path, edition.name, fmt, len(data), pages))
    return outputs


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


def _audit(book: Book, files: dict[str, tuple[bytes, int | None]]) -> None:
    """Refuse outputs that break the edition's promises (see `audit`)."""
    outputs = {fmt: data for fmt, (data, _) in files.items()}
    if "pdf" in files:
        check_pages(book, files["pdf"][1] or 0)
    check_leaks(book, outputs)
    check_parity(book, outputs)


def _assets(book: Book) -> Assets:
    timeline = None
    if book.has("timeline") and book.events and book.edition.layout == "book":
        timeline = render_timeline(book.events)
    return Assets(
        format_sources(book),
        timeline.svg.encode() if timeline else None,
        timeline.alt if timeline else "",
        CAPTION,
    )


def _render(
    book: Book,
    fmts: list[str],
    sheets: Stylesheets,
    env: Environment,
    steps: Steps,
    inputs: dict[str, str],
) -> dict[str, tuple[bytes, int | None]]:
    """Render one edition in each format; returns format -> (bytes, page count)."""
    assets = _assets(book)
    files: dict[str, tuple[bytes, int | None]] = {}
    if "pdf" in fmts:
        with steps(f"Rendering the {book.edition.name} PDF"):
            attach = (
                partial(attachments, book, sheets, inputs) if book.edition.attach_sources else None
            )
            result = write_pdf(
                book,
                env,
                assets,
                __version__,
                attachments=attach,
                max_pages=book.config.limits.max_pages,
            )
            for message in result.warnings:
                log.warning("WeasyPrint: %s", message)
            files["pdf"] = (result.data, result.pages)
    if "epub" in fmts:
        with steps(f"Writing the {book.edition.name} EPUB"):
            cover = _cover(book, sheets)
            files["epub"] = (write_epub(book, env, sheets, assets, cover, __version__), None)
    return files


def _cover(book: Book, sheets: Stylesheets) -> bytes:
    config = book.config
    project = config.project
    bold = sheets.font("Dossier Sans", 700)
    regular = sheets.font("Dossier Sans", 400)
    based_on = config.based_on
    source = book.dossier.sources.get(based_on)
    text = CoverText(
        kicker=book.edition.label or "Dossier",
        title=config.title,
        subtitle=config.subtitle,
        credit=f"Based on {credit(source)}" if source else config.description[:200],
        footer=f"{config.publisher + ' · ' if config.publisher else ''}{long_date(config.date)}",
    )
    return render_cover(
        text,
        config.accent_colour,
        project.read_bytes(bold.path) if bold else None,
        project.read_bytes(regular.path) if regular else None,
    )
