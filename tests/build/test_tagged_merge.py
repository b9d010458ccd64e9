"""A chunked render of a tagged edition has the structure tree of the single render:
element by element the same type, alternative text, table attributes and children, the
same marked content (page, MCID) and the same link annotations; one parent tree that maps
every MCID and annotation back to its element."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pytest
from test_parallel import sample_book

from dossier.writers.pdf import write_pdf

from conftest import copy_project


def tree(path: Path) -> Any:
    """The structure tree as nested tuples, with pages as numbers and header ids replaced
    by the header cell's position (ids are per-part names in a merged file)."""
    pdf = pikepdf.open(path)
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    root = pdf.Root.StructTreeRoot
    positions: dict[str, str] = {}

    def index_ids(element: Any, where: str) -> None:
        if "/ID" in element:
            positions[str(element.ID)] = where
        for n, kid in enumerate(kids(element)):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                index_ids(kid, f"{where}/{n}")

    def kids(element: Any) -> list[Any]:
        k = element.get("/K")
        return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]

    def page(element: Any) -> int | None:
        return pages[element.Pg.objgen] if "/Pg" in element else None

    def describe(element: Any, inherited: int | None) -> Any:
        own_page = page(element) if "/Pg" in element else inherited
        attributes = element.get("/A")
        table = {}
        if isinstance(attributes, pikepdf.Dictionary):
            table = {
                key: ([positions[str(h)] for h in value] if key == "/Headers" else str(value))
                for key, value in attributes.items()
                if key != "/BBox"
            }
        children = []
        for kid in kids(element):
            if isinstance(kid, int):
                children.append(("mcid", own_page, kid))
            elif kid.get("/Type") == "/OBJR":
                annotation = kid.Obj
                target = annotation.get("/Dest") or annotation.A.URI
                children.append(
                    ("annot", pages[kid.Pg.objgen], str(target), str(annotation.Contents))
                )
            elif kid.get("/Type") == "/MCR":
                children.append(("mcid", pages[kid.Pg.objgen], int(kid.MCID)))
            else:
                children.append(describe(kid, own_page))
        return (str(element.S), str(element.get("/Alt", "")), table, own_page, children)

    documents = kids(root)
    for n, document in enumerate(documents):
        index_ids(document, str(n))
    return [describe(document, None) for document in documents]


def parent_tree_is_complete(path: Path) -> None:
    """Every MCID of every page and every link annotation maps back to the element that
    holds it, under keys that are unique; StructParents/StructParent name those keys."""
    pdf = pikepdf.open(path)
    root = pdf.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert len(entries) * 2 == len(nums)
    assert int(root.ParentTreeNextKey) == max(entries) + 1
    for page in pdf.pages:
        marks = entries[int(page.obj.StructParents)]
        for mcid, element in enumerate(marks):
            if isinstance(element, pikepdf.Dictionary):
                assert mcid in _mcids(element), (mcid, str(element.S))
        for annotation in page.obj.get("/Annots", []):
            element = entries[int(annotation.StructParent)]
            assert any(
                isinstance(k, pikepdf.Dictionary) and k.get("/Obj") == annotation for k in element.K
            )
    names = root.IDTree.Names
    ids = [str(names[i]) for i in range(0, len(names), 2)]
    assert len(ids) == len(set(ids)) > 0
    assert all(str(names[i + 1].ID) == str(names[i]) for i in range(0, len(names), 2))


def _mcids(element: Any) -> list[int]:
    k = element.K
    return [int(x) for x in (k if isinstance(k, pikepdf.Array) else [k]) if isinstance(x, int)]


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    root = copy_project("minimal", tmp_path_factory.mktemp("tagged") / "minimal")
    book, env, assets = sample_book(root)
    assert book.edition.pdf_standard == "pdf/ua-1"  # the default: tagged, PDF/UA-1
    paths = {}
    for chunks in (1, 3):
        output = write_pdf(book, env, assets, "0", chunks=chunks)
        assert output.chunks == chunks
        paths[chunks] = root / f"chunks-{chunks}.pdf"
        paths[chunks].write_bytes(output.data)
    return paths


def test_merged_structure_tree_equals_the_single_render(renders: dict[int, Path]) -> None:
    single, merged = tree(renders[1]), tree(renders[3])
    assert single == merged

    def count(node: Any) -> int:
        return 1 + sum(count(c) for c in node[4] if isinstance(c, tuple) and len(c) == 5)

    assert count(single[0]) > 100  # a real tree, not two empty ones


@pytest.mark.parametrize("chunks", [1, 3])
def test_parent_tree_maps_every_mark_back(renders: dict[int, Path], chunks: int) -> None:
    parent_tree_is_complete(renders[chunks])


def test_the_merged_pdf_passes_the_pdf_ua_checker_as_the_single_render_does(
    renders: dict[int, Path],
) -> None:
    """The folios drawn onto the merged pages are pagination artifacts, as WeasyPrint
    marks margin boxes: outloud finds nothing more in the merged PDF than in the single one."""
    from test_accessible_pdf import outloud

    assert outloud(renders[3]) == []
    rules = sorted(f["rule"] for f in outloud(renders[3], "warning"))
    assert rules == sorted(f["rule"] for f in outloud(renders[1], "warning"))
