"""A pathological document stops within bounded time and memory, with a clear error."""

from __future__ import annotations

import os
import time
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


def _session_processes() -> set[int]:
    """Processes of this test's session other than itself (Linux /proc)."""
    mine = os.getsid(0)
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if (
                    os.getsid(int(entry.name)) == mine
                    and state != "Z"
                    and os.getpgid(int(entry.name)) != os.getpgid(0)
                ):
                    found.add(int(entry.name))
            except (ProcessLookupError, PermissionError, FileNotFoundError):
                continue
    return found


def test_a_stopped_parallel_render_leaves_no_process_behind(project: Path) -> None:
    from dossier.parallel import MIN_PAGES

    before = _session_processes()
    long_project(project, "render_timeout = 3", paragraphs=MIN_PAGES * 4)
    with pytest.raises(DossierError, match="took longer than 3 s"):
        build(project, formats=["pdf"])
    time.sleep(0.5)
    assert _session_processes() - before == set()
