"""A pathological document stops within bounded time and memory, with a clear error."""

from __future__ import annotations

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
