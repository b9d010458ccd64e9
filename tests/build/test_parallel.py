"""Chunked rendering in parallel workers gives the PDF a single render gives: same text on
every page (page X of Y, running heads, contents and appendix numbers, note numbers), same
destinations, links, bookmarks and fonts, same pixels."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from dossier.config import load_config
from dossier.editions.assemble import assemble
from dossier.reading.project import read_project
from dossier.rendering.environment import make_environment
from dossier.writers.jobs import edition_assets
from dossier.writers.pdf import write_pdf
from dossier.writers.pdf_chunks import (
    CHARS_PER_PAGE,
    MIN_PAGES,
    SHORTER_UNITS_BELOW,
    UNIT_PAGES,
    plan,
    split,
    supported,
    unit_pages,
    units,
)

from conftest import copy_project
from inspect_outputs import outline, page_texts


def sample_book(root: Path, edition: str = "reader") -> tuple:
    config = load_config(root)
    problems, dossier, _ = read_project(config)
    book = assemble(dossier, config.editions[edition], "0123456789", problems)
    return book, make_environment(config.project), edition_assets(book)


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    root = copy_project("minimal", tmp_path_factory.mktemp("parallel") / "minimal")
    book, env, assets = sample_book(root)
    paths = {}
    for chunks in (1, 2, 3):
        path = root / f"chunks-{chunks}.pdf"
        output = write_pdf(book, env, assets, "0", chunks=chunks)
        assert output.chunks == chunks  # really split, not silently rendered in one piece
        path.write_bytes(output.data)
        paths[chunks] = path
    return paths


def links(path: Path) -> list[tuple[int, str]]:
    reader = PdfReader(str(path))
    found = []
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            target = annotation.get("/Dest") or annotation.get("/A", {}).get("/URI")
            found.append((number, str(target)))
    return sorted(found)


def dests(path: Path) -> dict[str, int]:
    reader = PdfReader(str(path))
    return {n: reader.get_destination_page_number(d) for n, d in reader.named_destinations.items()}


def fonts(path: Path) -> list[str]:
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    return sorted(line.split()[0] for line in rows.splitlines()[2:])


@pytest.mark.parametrize("chunks", [2, 3])
def test_chunked_render_matches_the_single_render(renders: dict[int, Path], chunks: int) -> None:
    single, chunked = renders[1], renders[chunks]
    assert page_texts(chunked) == page_texts(single)
    assert dests(chunked) == dests(single)
    assert links(chunked) == links(single)
    assert outline(chunked) == outline(single)
    assert fonts(chunked) == fonts(single)  # one subset per face, not one per chunk


@pytest.mark.parametrize("chunks", [2, 3])
def test_chunked_render_draws_the_same_pixels(
    renders: dict[int, Path], chunks: int, tmp_path: Path
) -> None:
    for name, path in (("single", renders[1]), ("chunked", renders[chunks])):
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / name)], check=True
        )
    singles = sorted(tmp_path.glob("single-*.png"))
    assert singles
    for image in singles:
        other = tmp_path / image.name.replace("single", "chunked")
        difference = ImageChops.difference(
            Image.open(image).convert("RGB"), Image.open(other).convert("RGB")
        )
        assert difference.getbbox() is None, image.name


def test_the_sample_really_is_split(tmp_path: Path) -> None:
    book, _, _ = sample_book(copy_project("minimal", tmp_path / "p"))
    body = [c for c in book.chapters if c.kind != "appendix"]
    for count in (2, 3):
        groups = split(body, book, count)
        assert len(groups) == count and [c for g in groups for c in g] == body


def test_chunked_output_is_deterministic(tmp_path: Path) -> None:
    book, env, assets = sample_book(copy_project("minimal", tmp_path / "p"))
    first = write_pdf(book, env, assets, "0", chunks=2).data
    assert write_pdf(book, env, assets, "0", chunks=2).data == first


def test_short_or_standard_editions_stay_in_one_piece(tmp_path: Path) -> None:
    from conftest import editions_project

    root = editions_project(tmp_path / "p")
    book, _, _ = sample_book(root)
    assert supported(book) and plan(book) is None  # short
    context = next(c for c in book.chapters if c.section and c.section.path.endswith("context.md"))
    inline = next(t for t in context.tokens if t.type == "inline" and t.children)
    filler = inline.children[0]  # the first paragraph's text, lengthened
    filler.content = "x" * CHARS_PER_PAGE * MIN_PAGES
    groups = plan(book)
    assert groups is not None  # long: in units, the long chapter in one of them
    body = [c for c in book.chapters if c.kind != "appendix"]
    assert [c for g in groups for c in g] == body and context in groups[0]
    for edition in ("briefing", "print", "archive"):
        assert plan(sample_book(root, edition)[0]) is None, edition


PAGE = UNIT_PAGES * CHARS_PER_PAGE // 5  # a chapter of a fifth of a unit


def test_units_end_where_the_running_length_crosses_a_multiple_of_the_unit() -> None:
    chapters = [f"c{i}" for i in range(12)]
    groups = units(chapters, [PAGE] * 12)  # type: ignore[arg-type]
    assert [len(g) for g in groups] == [5, 5, 2]
    assert [c for g in groups for c in g] == chapters
    giant = units(chapters[:3], [PAGE, 7 * UNIT_PAGES * CHARS_PER_PAGE, PAGE])  # type: ignore[arg-type]
    assert [len(g) for g in giant] == [2, 1]  # a chapter longer than a unit ends one


def test_a_small_edit_keeps_the_other_units() -> None:
    chapters = [f"c{i}" for i in range(40)]
    weights = [PAGE + 997 * (i % 7) for i in range(40)]
    before = units(chapters, weights)  # type: ignore[arg-type]
    weights[3] += 120  # a sentence added to the fourth chapter
    after = units(chapters, weights)  # type: ignore[arg-type]
    assert after == before
    weights[3] += PAGE  # a chapter twice as long: boundaries move, later ones too
    assert units(chapters, weights) != before  # type: ignore[arg-type]


def test_shorter_editions_get_shorter_units() -> None:
    short = [CHARS_PER_PAGE * (SHORTER_UNITS_BELOW - 1)]
    long = [CHARS_PER_PAGE * SHORTER_UNITS_BELOW]
    assert unit_pages(short) == UNIT_PAGES // 2 and unit_pages(long) == UNIT_PAGES
    chapters = [f"c{i}" for i in range(12)]
    halves = units(chapters, [PAGE] * 12, UNIT_PAGES // 2)  # type: ignore[arg-type]
    assert [len(g) for g in halves] == [3, 2, 3, 2, 2]  # crossings at 10, 20, 30, 40 pages
