"""What the preview shows: the edition's HTML page as last built well, the mistakes of the
latest attempt (if any), and a generation number that changes whenever either does. Rebuilt
in this process by `build.render_page` (HTML only, fast); the PDF on demand by `build`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from dossier.build import build, render_page
from dossier.config import Config, load_config
from dossier.errors import DossierError, Problem
from dossier.sandbox.files import TEMPLATE_DIR

log = logging.getLogger("dossier")


@dataclass(frozen=True)
class Shown:
    """One state of the preview."""

    page: bytes = b""  # the last page that built ("" until one has)
    problems: tuple[Problem, ...] = ()  # the mistakes of the latest attempt
    failed: bool = False  # the latest attempt hit a bug in dossier (logged, never shown)
    generation: int = 0
    edition: str = ""


@dataclass
class Preview:
    """The live state of `dossier serve` for one project and edition."""

    root: Path
    edition: str | None = None  # None: the first default edition with HTML, else the first
    shown: Shown = field(default_factory=Shown)
    folders: frozenset[Path] = frozenset()  # where the inputs of the last attempt live
    seconds: float = 0.0  # how long the last rebuild took
    closed: bool = False  # the server is stopping

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.folders = frozenset({self.root})
        self._changed = threading.Condition()
        self._pdf = threading.Lock()

    def rebuild(self) -> Shown:
        """Build the page again; keep the last good one when the project has a mistake."""
        start, cpu = time.perf_counter(), time.process_time()
        current = self.shown
        page, failed = current.page, False
        problems: tuple[Problem, ...] = ()
        edition = current.edition
        try:
            config = load_config(self.root)
            edition = self.edition or _default_edition(config)
            try:
                page = render_page(config, edition)
            finally:
                self.folders = input_folders(config)
        except DossierError as exc:
            problems = tuple(exc.problems)
        except Exception:  # a bug in dossier: the terminal gets the traceback, never the page
            log.exception("dossier serve: rebuilding the page failed")
            failed = True
        self.seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        with self._changed:
            if (page, problems, failed) != (current.page, current.problems, current.failed):
                self.shown = Shown(page, problems, failed, current.generation + 1, edition)
                self._changed.notify_all()
            if problems:
                for problem in problems:
                    log.warning("%s", problem)
            elif not failed:
                log.info("%s: page rebuilt in %.2f s (CPU %.2f s)", edition, self.seconds, cpu)
        return self.shown

    def wait(self, since: int, timeout: float) -> Shown:
        """The state once its generation is past `since`, or as it is after `timeout` s (or
        at once after `close`)."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.shown.generation > since, timeout)
            return self.shown

    def close(self) -> None:
        """Wake every waiting event stream, so that it ends now rather than at its next
        keep-alive."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def pdf(self) -> bytes:
        """The edition's PDF, built (or found up to date) in the project's build folder."""
        with self._pdf:
            edition = self.shown.edition or self.edition or _default_edition(load_config(self.root))
            [output] = [
                o
                for o in build(self.root, editions=[edition], formats=["pdf"])
                if o.format == "pdf"
            ]
            return output.path.read_bytes()


def _default_edition(config: Config) -> str:
    names = config.default_editions
    return next((n for n in names if "html" in config.editions[n].formats), names[0])


def input_folders(config: Config) -> frozenset[Path]:
    """The folders to watch: the project's own, every folder a file was read from, and the
    project's templates/ folder with its subfolders (a new template takes effect at once)."""
    root = config.root.resolve()
    folders = {root}
    folders |= {(root / rel).parent for rel in config.project.files_read}
    templates = root / TEMPLATE_DIR
    if templates.is_dir():
        folders |= {templates, *(p for p in templates.rglob("*") if p.is_dir())}
    return frozenset(f for f in folders if f.is_dir() and f.is_relative_to(root))
