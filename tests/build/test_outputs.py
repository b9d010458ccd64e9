"""Outputs are written atomically: a failed build leaves earlier outputs byte-identical."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pytest

from dossier import DossierError, build

from conftest import REPO


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_a_failed_build_leaves_previous_outputs_untouched(project: Path) -> None:
    build(project)
    before = snapshot(project / "build")
    assert len(before) == 2
    story = project / "sections" / "02-story.md"
    story.write_text(story.read_text() + "\nA broken citation [@no-such-source].\n")
    with pytest.raises(DossierError):
        build(project)
    assert snapshot(project / "build") == before


def test_a_failure_while_writing_leaves_no_partial_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, formats=["epub"])
    before = snapshot(project / "build")
    (project / "sections" / "01-summary.md").write_text("---\ntitle: Changed\n---\n\nNew text.\n")

    build_module = importlib.import_module("dossier.build")

    calls = []

    def flaky(path: Path, data: bytes) -> None:
        calls.append(path)
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_atomic", flaky)
    with pytest.raises(OSError):
        build(project, formats=["epub"])
    assert calls and snapshot(project / "build") == before
    assert not any(p.name.endswith(".tmp") for p in (project / "build").iterdir())


def test_a_new_build_replaces_the_superseded_output_of_the_same_edition(project: Path) -> None:
    first = build(project, formats=["epub"])[0].path
    (project / "sections" / "01-summary.md").write_text("---\ntitle: Changed\n---\n\nNew.\n")
    second = build(project, formats=["epub"])[0].path
    assert first != second and second.exists() and not first.exists()


def test_an_epub_missing_the_notes_of_the_pdf_is_refused(project: Path) -> None:
    template = project / "templates" / "epub" / "section.xhtml"
    template.parent.mkdir(parents=True)
    shipped = REPO / "dossier" / "templates" / "epub" / "section.xhtml"
    template.write_text(shipped.read_text().replace('{% include "epub/notes.xhtml" %}', ""))
    with pytest.raises(DossierError) as caught:
        build(project)
    assert str(caught.value) == (  # the three notes, and the two citations inside them
        "error: the PDF and EPUB of edition 'reader' differ: the EPUB lacks 3 of 3 notes "
        "(fn-1, fn-2, fn-3); the EPUB lacks 2 of 11 citations (cite-story-1, cite-story-2); "
        "nothing was written"
    )
    assert not [p for p in (project / "build").glob("*") if p.is_file()]


def test_a_footnote_the_pdf_engine_lost_fails_the_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.outputs import audit

    real = audit.pdf_ids
    monkeypatch.setattr(audit, "pdf_ids", lambda data: real(data) - {"fn-2"})  # as WeasyPrint
    with pytest.raises(DossierError) as caught:  # can drop one at a page break
        build(project, formats=["pdf"])
    assert str(caught.value) == (
        "sections/02-story.md:24: error: the reader PDF lost footnote 2 ('[^chair]') at a page "
        "break (a fault of the PDF engine, WeasyPrint): shorten or move this note or the "
        "paragraph around it, and build again; nothing was written"
    )
    assert not [p for p in (project / "build").glob("*") if p.is_file()]
