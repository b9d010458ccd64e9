"""A pathological document stops within bounded time and memory, with a clear error."""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier import DossierError, build


def long_project(project: Path, limits: str, paragraphs: int = 400) -> Path:
    section = project / "sections" / "03-context.md"
    text = "A long paragraph of ordinary words that takes time to lay out. " * 30
    section.write_text(section.read_text() + "\n" + "\n\n".join([text] * paragraphs) + "\n")
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text() + f"\n[limits]\n{limits}\n")
    return project


def test_a_render_that_takes_too_long_is_stopped(project: Path) -> None:
    long_project(project, "render_timeout = 2")
    with pytest.raises(DossierError) as caught:
        build(project, formats=["pdf"])
    assert str(caught.value) == (
        "error: rendering the reader PDF took longer than 2 s and was stopped (raise [limits] "
        "render_timeout in dossier.toml)"
    )
    assert not list((project / "build").glob("*.pdf"))


def test_a_render_that_needs_too_much_memory_is_stopped(project: Path) -> None:
    long_project(project, "render_memory_mb = 150")
    with pytest.raises(DossierError) as caught:
        build(project, formats=["pdf"])
    message = str(caught.value)
    assert "150 MiB" in message and "raise [limits] render_memory_mb in dossier.toml" in message


def test_too_many_pages_is_an_error(project: Path) -> None:
    long_project(project, "max_pages = 5", paragraphs=20)
    with pytest.raises(
        DossierError,
        match=r"the PDF has \d+ pages; the limit is 5 "
        r"\(raise \[limits\] max_pages in dossier.toml\)",
    ):
        build(project, formats=["pdf"])


def _descendants() -> set[int]:
    """Live processes descended from this one (Linux /proc). With this process a child
    subreaper, a worker orphaned by its parent's death is re-parented here and still counts."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.fixture
def subreaper() -> Iterator[None]:
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    yield
    libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


@pytest.mark.usefixtures("subreaper")
def test_a_stopped_parallel_render_leaves_no_process_behind(project: Path) -> None:
    from dossier.writers.pdf_chunks import MIN_PAGES

    before = _descendants()
    long_project(project, "render_timeout = 3", paragraphs=MIN_PAGES * 4)
    with pytest.raises(DossierError, match="took longer than 3 s"):
        build(project, formats=["pdf"])
    time.sleep(0.5)
    assert _descendants() - before == set()
