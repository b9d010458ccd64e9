"""serve.Preview and the preview server without a browser: the last good page stays under a
mistake, a state that did not change does not reload the page, a bug in dossier never
reaches the page, and the watched folders are those of the inputs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import dossier.serve.preview as preview_module
from dossier.serve import Preview
from dossier.serve.server import PreviewServer

from conftest import copy_project, edit


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    return Preview(copy_project("minimal", tmp_path / "sample"))


def test_a_mistake_keeps_the_last_good_page(preview: Preview) -> None:
    first = preview.rebuild()
    assert first.generation == 1 and first.problems == () and b"The story" in first.page
    assert first.edition == "reader"
    assert preview.rebuild().generation == 1  # nothing changed: no reload
    edit(preview.root, "sections/02-story.md", "title: The story", "title: [The story")
    broken = preview.rebuild()
    assert broken.generation == 2 and broken.page == first.page
    assert broken.problems and broken.problems[0].where is not None
    assert broken.problems[0].where.path == "sections/02-story.md"
    edit(preview.root, "sections/02-story.md", "title: [The story", "title: The story")
    fixed = preview.rebuild()
    assert fixed.generation == 3 and fixed.problems == ()


def test_a_bug_never_reaches_the_page(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    preview.rebuild()

    def broken(*_: object) -> bytes:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(preview_module, "render_page", broken)
    shown = preview.rebuild()
    assert shown.failed and shown.problems == ()
    server = PreviewServer(preview, 0)
    try:
        page = server.page(shown).decode()
    finally:
        server.server_close()
    assert "secret internal detail" not in page and "Traceback" not in page
    assert "a bug, not your mistake" in page
    assert "The story" in page  # the last good page underneath


def test_the_watched_folders_are_the_inputs(preview: Preview) -> None:
    (preview.root / "templates" / "html").mkdir(parents=True)
    (preview.root / "build").mkdir()
    preview.rebuild()
    root = preview.root
    assert {
        root,
        root / "sections",
        root / "sections" / "images",
        root / "styles",
        root / "styles" / "fonts",
        root / "templates",
        root / "templates" / "html",
    } <= set(preview.folders)
    assert root / "build" not in preview.folders


def test_closing_wakes_a_waiting_event_stream(preview: Preview) -> None:
    shown = preview.rebuild()
    woke: list[float] = []
    waiter = threading.Thread(
        target=lambda: (preview.wait(shown.generation, 60), woke.append(time.monotonic()))
    )
    start = time.monotonic()
    waiter.start()
    time.sleep(0.2)
    assert not woke  # nothing changed: the stream waits
    preview.close()
    waiter.join(timeout=10)
    assert woke and woke[0] - start < 10
    assert preview.wait(shown.generation, 60) == shown  # closed: no wait at all
