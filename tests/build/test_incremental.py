"""Incremental layout: after an edit, only the parts it changed are laid out again (the
unit of chapters it is in; the contents, the appendix and the folios only if their page
numbers moved), and the PDF is the same bytes as a full build."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dossier.build import build
from dossier.writers import pdf_chunks

from conftest import copy_project

FILLER = "The committee's papers were filed, indexed and read again by the editors. " * 12


def pdf_of(outputs: list) -> Path:
    return next(o.path for o in outputs if o.format == "pdf")


def kept_parts(folder: Path) -> set[str]:
    return {p.stem for p in (folder / ".dossier" / "layout").glob("*.pdf")}


def folios(path: Path) -> list[str]:
    """Each page's "page X of Y", or "" where it shows none."""
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(path)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    found = []
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [line for line in text.splitlines() if line.startswith("page ")]
        found.append(lines[-1] if lines else "")
    return found


@pytest.fixture
def one_unit_per_chapter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The small sample laid out in parts: one unit per chapter."""
    monkeypatch.setattr(pdf_chunks, "MIN_PAGES", 0)
    monkeypatch.setattr(pdf_chunks, "CHARS_PER_PAGE", 1)
    monkeypatch.setattr(pdf_chunks, "UNIT_PAGES", 1)


@pytest.mark.usefixtures("one_unit_per_chapter")
def test_an_edit_relays_out_its_unit_only_and_gives_the_bytes_of_a_full_build(
    tmp_path: Path,
) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    first = pdf_of(build(root, formats=["pdf"])).read_bytes()
    before = kept_parts(root / "build")
    assert len(before) == 7  # front, four units, back, one run of folios
    story = root / "sections" / "03-context.md"
    story.write_text(story.read_text().replace("A note in the background", "A note in the bg"))
    edited = pdf_of(build(root, formats=["pdf"]))
    assert edited.read_bytes() != first
    # laid out again: its unit, and the front matter, which prints the edition's stamp (a
    # hash of the inputs); the other units, the appendix and the folios are reused
    assert len(kept_parts(root / "build") - before) == 2
    fresh = pdf_of(build(root, formats=["pdf"], output_dir=tmp_path / "fresh", force=True))
    assert fresh.name == edited.name
    assert fresh.read_bytes() == edited.read_bytes()


@pytest.mark.usefixtures("one_unit_per_chapter")
def test_an_edit_that_adds_pages_renumbers_the_later_units_without_laying_them_out(
    tmp_path: Path,
) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    first = pdf_of(build(root, formats=["pdf"]))
    pages_before = len(folios(first))
    before = kept_parts(root / "build")
    summary = root / "sections" / "01-summary.md"  # the first unit grows by pages
    summary.write_text(summary.read_text() + "\n\n" + "\n\n".join([FILLER] * 12) + "\n")
    edited = pdf_of(build(root, formats=["pdf"]))
    shown = folios(edited)
    assert len(shown) > pages_before
    # laid out again: the first unit, the contents (its numbers moved), the appendix ("cited
    # on" pages moved) and the folios; the three later units are reused as they were
    assert len(kept_parts(root / "build") - before) == 4
    total = len(shown)
    numbered = [(i, f) for i, f in enumerate(shown, 1) if f]
    assert [i for i, _ in numbered] == list(range(5, total + 1))  # not the front matter
    assert all(f == f"page {i} of {total}" for i, f in numbered)
    fresh = pdf_of(build(root, formats=["pdf"], output_dir=tmp_path / "fresh", force=True))
    assert fresh.read_bytes() == edited.read_bytes()


def test_force_lays_out_every_part_but_keeps_them(tmp_path: Path) -> None:
    from dossier.writers.pdf_layout_cache import LayoutCache, Report

    cache = LayoutCache(tmp_path, reuse=False)
    assert cache.store("k", Report(2, {"a": 1}, ["x", "y"], [], ["", None]), b"%PDF")
    assert cache.report("k") is None and cache.part("k") == b"%PDF"
    again = LayoutCache(tmp_path)
    assert again.report("k") == Report(2, {"a": 1}, ["x", "y"], [], ["", None])
    assert again.report("other") is None
    (tmp_path / "k.json").write_text("{")
    assert again.report("k") is None  # a damaged entry is a miss, not an error
    again.store("j", Report(1, {}, [], []), None)  # a report alone (no pages kept)
    assert again.report("j") is None and again.report("j", written=False) is not None


def test_old_parts_are_pruned_but_not_those_of_the_latest_build(tmp_path: Path) -> None:
    from dossier.writers.pdf_layout_cache import LayoutCache, Report

    cache = LayoutCache(tmp_path)
    for key in ("a", "b", "c", "d"):
        cache.store(key, Report(1, {}, [], []), b"%PDF")
    cache.prune({"a"}, keep=1)
    assert {p.stem for p in tmp_path.glob("*.pdf")} in ({"a", "b"}, {"a", "c"}, {"a", "d"})
    assert {p.stem for p in tmp_path.glob("*.json")} == {p.stem for p in tmp_path.glob("*.pdf")}
