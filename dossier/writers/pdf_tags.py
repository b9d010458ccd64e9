"""Finish WeasyPrint's tagged PDF for PDF/UA-1: what WeasyPrint 70 leaves out or gets wrong,
fixed on its PDF objects (pydyf) before the file is written, so the file is written once.

* Running heads, page numbers, the edition stamp and every other margin box: WeasyPrint
  marks their text as `/Span` content with an MCID whose structure element is not in the
  tree (it says an Artifact would only be allowed in PDF 2.0). They become
  `/Artifact <</Type /Pagination>>` and leave the parent tree.
* Table header cells get `/Scope` (`/Column` in a `THead`, else `/Row`); WeasyPrint reads
  `scope` only to fill `/Headers`.
* The header cells' `/ID`s get the `/IDTree` the standard asks for, the parent tree its
  `/ParentTreeNextKey`, and a footnote's empty place in its paragraph (a `/Span` with no
  content) leaves the tree.
* Link annotations: the Print flag, and `/Contents` from the link's text (WeasyPrint writes
  the raw target, such as `src-3`).
"""

from __future__ import annotations

from typing import Any

import pydyf


def _number(reference: Any) -> int:
    """The object number of a pydyf reference (`b"12 0 R"`)."""
    return int(reference.split()[0])


def _is_reference(value: Any) -> bool:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return isinstance(value, str) and value.endswith(" R")


def finish_tags(document: Any, pdf: Any) -> None:
    """Finisher for `write_pdf` (a no-op for untagged documents).
    # engine-quirk: WeasyPrint 70 — margin boxes tagged as orphan Spans, no TH /Scope, no
    # /IDTree, link /Contents = the link target, no Print flag on links (PDF/UA variants).
    """
    if "StructTreeRoot" not in pdf.catalog:
        return
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    reachable: set[int] = set()
    pending = [_number(k) for k in root["K"]]
    while pending:
        number = pending.pop()
        if number in reachable:
            continue
        reachable.add(number)
        element = objects[number]
        for kid in element.get("K", []):
            if _is_reference(kid):
                kid_object = objects[_number(kid)]
                if isinstance(kid_object, dict) and kid_object.get("Type") == "/StructElem":
                    pending.append(_number(kid))
    _margin_boxes_as_artifacts(pdf, objects, root, reachable)
    parent_tree = objects[_number(root["ParentTree"])]
    root["ParentTreeNextKey"] = max(parent_tree["Nums"][0::2], default=-1) + 1
    for number in reachable:  # the place a footnote left in its paragraph: an empty Span
        element = objects[number]
        kids = element.get("K")
        if kids:
            element["K"] = pydyf.Array(kid for kid in kids if not _empty(objects, kid))
    ids: list[tuple[str, str]] = []
    for number in sorted(reachable):
        element = objects[number]
        if element.get("S") != "/TH":
            continue
        row = objects[_number(element["P"])]
        group = objects[_number(row["P"])] if "P" in row else {}
        attributes = element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        attributes["Scope"] = "/Column" if group.get("S") == "/THead" else "/Row"
        if "ID" in element:
            key = element["ID"]
            ids.append((str(getattr(key, "string", key)), element.reference))
    if ids:
        names = pydyf.Array()
        for key, reference in sorted(ids):
            names.extend([pydyf.String(key), reference])
        root["IDTree"] = pydyf.Dictionary({"Names": names})
    texts = _link_texts(document)
    for item in objects:
        if isinstance(item, dict) and item.get("Type") == "/Annot":
            item["F"] = 4  # Print
            if item.get("Subtype") == "/Link" and id(item) in texts:
                item["Contents"] = pydyf.String(texts[id(item)])


def _empty(objects: Any, kid: Any) -> bool:
    if not _is_reference(kid):
        return False
    element = objects[_number(kid)]
    return (
        isinstance(element, dict)
        and element.get("Type") == "/StructElem"
        and element.get("S") in ("/Span", "/NonStruct")
        and not element.get("K")
        and "Alt" not in element
        and "ActualText" not in element
    )


def _margin_boxes_as_artifacts(pdf: Any, objects: Any, root: Any, reachable: set[int]) -> None:
    nums = objects[_number(root["ParentTree"])]["Nums"]
    for reference in pdf.page_references:
        page = objects[_number(reference)]
        key = page.get("StructParents")
        if key is None:
            continue
        position = list(nums[0::2]).index(key) * 2 + 1
        marks = nums[position]
        orphans = {
            mcid
            for mcid, element in enumerate(marks)
            if _is_reference(element) and _number(element) not in reachable
        }
        if not orphans:
            continue
        for mcid in orphans:
            marks[mcid] = "null"
        stream = objects[_number(page["Contents"])].stream
        for i, item in enumerate(stream):
            if (
                isinstance(item, dict)
                and item.get("MCID") in orphans
                and i + 1 < len(stream)
                and stream[i + 1] == b"BDC"
            ):
                stream[i - 1] = "/Artifact"
                stream[i] = pydyf.Dictionary({"Type": "/Pagination"})


def _link_texts(document: Any) -> dict[int, str]:
    """id(link annotation) -> the text of the box it was made for (or its image's alt)."""
    from weasyprint.formatting_structure import boxes

    texts: dict[int, str] = {}

    def text_of(box: Any) -> str:
        if isinstance(box, boxes.TextBox):
            return str(box.text)
        if isinstance(box, boxes.ReplacedBox) and box.element is not None:
            return str(box.element.get("alt", ""))
        return " ".join(text_of(child) for child in getattr(box, "children", ()))

    def walk(box: Any) -> None:
        annotation = getattr(box, "link_annotation", None)
        if annotation is not None:
            text = " ".join(text_of(box).split())
            if text:
                texts[id(annotation)] = text
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return texts
