"""writers/pdf_tags.py on a small hand-made pydyf object table (the shape WeasyPrint 70
writes, no rendering): margin-box text becomes a pagination artifact, header cells get their
scope and an ID tree, empty footnote places leave the tree, links get the Print flag."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pydyf

from dossier.writers.pdf_tags import _empty, _is_reference, _number, finish_tags


def ref(number: int) -> str:
    return f"{number} 0 R"


def element(
    number: int, tag: str, kids: list[Any], parent: int | None = None, **extra: Any
) -> pydyf.Dictionary:
    item = pydyf.Dictionary({"Type": "/StructElem", "S": tag, "K": pydyf.Array(kids), **extra})
    if parent is not None:
        item["P"] = ref(parent)
    item.number = number
    return item


def table() -> SimpleNamespace:
    """A tagged one-page PDF: a table with a header row (THead) and a body row whose first
    cell is a row header, a paragraph holding an empty Span (a footnote's place), a running
    head whose Span is in no tree, and a link annotation."""
    objects: list[Any] = [None] * 20
    objects[1] = pydyf.Dictionary(
        {"Type": "/StructTreeRoot", "K": pydyf.Array([ref(2)]), "ParentTree": ref(9)}
    )
    objects[2] = element(2, "/Document", [ref(3), ref(10), ref(7)])
    objects[3] = element(3, "/THead", [ref(4)], 2)
    objects[4] = element(4, "/TR", [ref(5)], 3)
    objects[5] = element(5, "/TH", [0], 4, ID=pydyf.String("col-year"))
    objects[10] = element(10, "/TBody", [ref(11)], 2)
    objects[11] = element(11, "/TR", [ref(12)], 10)
    objects[12] = element(12, "/TH", [2], 11)
    objects[7] = element(7, "/P", [ref(8), 3], 2)
    objects[8] = element(8, "/Span", [], 7)  # the place a footnote left
    objects[13] = element(13, "/Span", [], None)  # the running head: in no tree
    objects[9] = pydyf.Dictionary(
        {"Nums": pydyf.Array([0, pydyf.Array([ref(5), ref(13), ref(12), ref(7)])])}
    )
    stream = pydyf.Stream()
    stream.stream = [
        "/TH", pydyf.Dictionary({"MCID": 0}), b"BDC", b"EMC",
        "/Span", pydyf.Dictionary({"MCID": 1}), b"BDC", b"EMC",
        "/TH", pydyf.Dictionary({"MCID": 2}), b"BDC", b"EMC",
    ]  # fmt: skip
    objects[15] = stream
    objects[14] = pydyf.Dictionary({"StructParents": 0, "Contents": ref(15)})
    objects[16] = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Link"})
    objects[17] = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Widget"})
    return SimpleNamespace(
        catalog={"StructTreeRoot": ref(1)}, objects=objects, page_references=[ref(14)]
    )


def finished() -> SimpleNamespace:
    pdf = table()
    finish_tags(SimpleNamespace(pages=[]), pdf)
    return pdf


def test_references() -> None:
    assert _number("12 0 R") == 12 and _number(b"7 0 R") == 7
    assert _is_reference("12 0 R") and _is_reference(b"3 0 R")
    assert not _is_reference(3) and not _is_reference("/Span")


def test_margin_box_text_becomes_a_pagination_artifact() -> None:
    pdf = finished()
    stream = pdf.objects[15].stream
    assert stream[4:7] == ["/Artifact", {"Type": "/Pagination"}, b"BDC"]
    assert stream[0] == "/TH" and stream[8] == "/TH"  # tagged content stays tagged
    marks = pdf.objects[9]["Nums"][1]
    assert list(marks) == [ref(5), "null", ref(12), ref(7)]
    assert pdf.objects[1]["ParentTreeNextKey"] == 1


def test_header_cells_get_their_scope() -> None:
    pdf = finished()
    assert pdf.objects[5]["A"] == {"O": "/Table", "Scope": "/Column"}  # in THead
    assert pdf.objects[12]["A"] == {"O": "/Table", "Scope": "/Row"}  # a row header


def test_header_ids_get_an_id_tree() -> None:
    pdf = finished()
    key, target = pdf.objects[1]["IDTree"]["Names"]
    assert (key.string, target) == ("col-year", b"5 0 R")  # only the header with an ID


def test_an_empty_span_leaves_its_paragraph() -> None:
    pdf = finished()
    assert list(pdf.objects[7]["K"]) == [3]


def test_annotations_are_printed() -> None:
    pdf = finished()
    assert pdf.objects[16]["F"] == 4 and pdf.objects[17]["F"] == 4
    assert "Contents" not in pdf.objects[16]  # no layout given: no link text known


def test_an_untagged_pdf_is_left_alone() -> None:
    pdf = table()
    pdf.catalog = {}
    finish_tags(SimpleNamespace(pages=[]), pdf)
    assert "F" not in pdf.objects[16]
    assert pdf.objects[15].stream[4] == "/Span"


def test_what_counts_as_an_empty_place() -> None:
    objects: list[Any] = [None] * 6
    objects[1] = element(1, "/Span", [])
    objects[2] = element(2, "/Span", [], Alt="a figure")
    objects[3] = element(3, "/P", [])
    objects[4] = element(4, "/NonStruct", [])
    objects[5] = element(5, "/Span", [0])
    assert _empty(objects, ref(1)) and _empty(objects, ref(4))
    assert not _empty(objects, ref(2))  # it says something
    assert not _empty(objects, ref(3))  # not an inline place
    assert not _empty(objects, ref(5))  # it has content
    assert not _empty(objects, 0)  # marked content, not an element
