"""Watch a project's inputs with `watchfiles` (the operating system's file events, no
polling of our own) and rebuild the preview when one changes.

Watched: the project folder and every folder the last build read a file from (manifest,
sections, data, stylesheets, fonts, images), and the project's templates/ tree; not the
build folder. When a rebuild reads from new folders, the watch starts again on the new set.
"""

from __future__ import annotations

import threading
from pathlib import Path

import watchfiles

from dossier.serve.preview import Preview

#: how long the watcher waits for a burst of events (an editor's save) to end, in ms
DEBOUNCE_MS = 30
STEP_MS = 10


def watch_inputs(preview: Preview, stop: threading.Event, output: Path) -> None:
    """Rebuild `preview` on every change to its inputs until `stop` is set."""
    changes_filter = watchfiles.DefaultFilter(ignore_paths=[str(output)])
    while not stop.is_set():
        folders = preview.folders
        for _changes in watchfiles.watch(
            *sorted(folders),
            watch_filter=changes_filter,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            recursive=False,
            raise_interrupt=False,
        ):
            preview.rebuild()
            if preview.folders != folders:
                break  # watch the new set of folders


def start_watching(preview: Preview, stop: threading.Event, output: Path) -> threading.Thread:
    thread = threading.Thread(
        target=watch_inputs, args=(preview, stop, output), name="dossier-watch", daemon=True
    )
    thread.start()
    return thread
