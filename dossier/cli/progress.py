"""Progress of a build on a terminal: one live line per output (rich), each with its state
and time, while the numbered steps and warnings print above them. Off a terminal, or with
-q, nothing here is used: the build logs its plain numbered steps."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

STATES = {"queued": "waiting", "running": "rendering", "done": "done"}


class LiveOutputs:
    """A context manager; call it as `build(progress=...)`'s callback."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.bar = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description:<22}"),
            TextColumn("{task.fields[state]:<10}"),
            TimeElapsedColumn(),
            console=self.console,
            # no refresh thread: the build forks its render workers while this runs, and a
            # thread holding the console's lock at a fork would leave it locked in the child
            auto_refresh=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.saved: list[logging.Handler] = []

    def __call__(self, name: str, state: str) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.bar.add_task(name, total=1, start=False, state="")
        task = self.tasks[name]
        if state == "running":
            self.bar.start_task(task)
        self.bar.update(task, state=STATES.get(state, state), completed=int(state == "done"))
        self.bar.refresh()

    def __enter__(self) -> LiveOutputs:
        # the build's own lines print above the live ones instead of tearing through them
        logger = logging.getLogger("dossier")
        self.saved = logger.handlers[:]
        handler = RichHandler(
            console=self.console, show_time=False, show_level=False, show_path=False
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.handlers[:] = [handler]
        self.bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Any:
        self.bar.stop()
        logging.getLogger("dossier").handlers[:] = self.saved
        return None
