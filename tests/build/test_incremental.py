"""Incremental layout: after an edit, chunks whose inputs and page numbers did not change
are reused from the layout cache, and the PDF is the same bytes as a full build."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_parallel import sample_book

from dossier.build import build
from dossier.writers import pdf_chunks
from dossier.writers.pdf import write_pdf

from conftest import copy_project

FILLER = "The committee's papers were filed, indexed and read again by the editors. " * 12


def pdf_of(outputs: list) -> Path:
    return next(o.path for o in outputs if o.format == "pdf")


def layout_reports(folder: Path) -> set[str]:
    return {p.stem for p in (folder / ".dossier" / "layout").glob("*.json")}


def test_an_edit_relays_out_one_chunk_and_gives_the_bytes_of_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_chunks, "MIN_PAGES", 0)  # the small sample in two chunks
    root = copy_project("minimal", tmp_path / "minimal")
    first = pdf_of(build(root, formats=["pdf"])).read_bytes()
    before = layout_reports(root / "build")
    assert len(before) == 2  # both chunks kept
    story = root / "sections" / "03-context.md"  # in the second chunk
    story.write_text(story.read_text().replace("A note in the background", "A note in the bg"))
    edited = pdf_of(build(root, formats=["pdf"]))
    assert edited.read_bytes() != first
    after = layout_reports(root / "build")
    assert len(after - before) == 1  # one chunk laid out again, the other reused
    fresh = pdf_of(build(root, formats=["pdf"], output_dir=tmp_path / "fresh", force=True))
    assert fresh.name == edited.name
    assert fresh.read_bytes() == edited.read_bytes()


def test_chunks_after_a_longer_chapter_are_drawn_again_with_their_new_numbers(
    tmp_path: Path,
) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    cache = tmp_path / "layout"
    book, env, assets = sample_book(root)
    write_pdf(book, env, assets, "0", chunks=3, layout_cache=cache)
    assert len(list(cache.glob("*.json"))) == 3
    summary = root / "sections" / "01-summary.md"  # the first chunk grows by pages
    summary.write_text(summary.read_text() + "\n\n" + "\n\n".join([FILLER] * 12) + "\n")
    book, env, assets = sample_book(root)
    incremental = write_pdf(book, env, assets, "0", chunks=3, layout_cache=cache)
    # the first chunk is new, and the split by length may move one boundary; at least one
    # later chunk kept its layout but starts on another page: drawn again with new numbers
    assert 4 <= len(list(cache.glob("*.json"))) <= 5
    assert len(list(cache.glob("*.pdf"))) == 6
    full = write_pdf(book, env, assets, "0", chunks=3)
    assert incremental.data == full.data
    assert incremental.pages == full.pages and incremental.anchors == full.anchors
    assert incremental.starts == full.starts


def test_force_lays_out_every_chunk_but_keeps_them(tmp_path: Path) -> None:
    from dossier.writers.pdf_layout_cache import LayoutCache, Report

    cache = LayoutCache(tmp_path, reuse=False)
    cache.store("k", Report(2, {"a": 1}, ["x", "y"], []), 3, 9, b"%PDF")
    assert cache.report("k") is None and cache.part("k", 3, 9) == b"%PDF"
    again = LayoutCache(tmp_path)
    assert again.report("k") == Report(2, {"a": 1}, ["x", "y"], [])
    assert again.part("k", 4, 9) is None  # other numbers: not this part
    (tmp_path / "k.json").write_text("{")
    assert again.report("k") is None  # a damaged entry is a miss, not an error
