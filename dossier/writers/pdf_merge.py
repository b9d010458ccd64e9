"""Merge the parts of a chunked render into one PDF: pages in order, one name tree of
destinations (links between parts are by name, so they resolve once the trees are one),
one outline, one structure tree (tagged PDFs), the folios drawn onto the pages, and one
font subset per face (see `pdf_merge_fonts`).
"""

from __future__ import annotations

import io
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from dossier.writers.pdf_merge_fonts import union_font_subsets


def merge_parts(
    parts: list[bytes], folios: list[bytes] | None = None, blank: set[int] | None = None
) -> bytes:
    """The parts' pages in order, as one PDF; with `folios`, documents with one page per
    page of the result (in order), each page's folio drawn onto it but for the `blank`
    pages' (0-based; see `draw_folios`)."""
    target = pikepdf.open(io.BytesIO(parts[0]))
    sources = [pikepdf.open(io.BytesIO(data)) for data in parts[1:]]
    tagged = "/StructTreeRoot" in target.Root and all(
        "/StructTreeRoot" in source.Root for source in sources
    )
    if tagged:  # read before the pages move: (part, page or annotation) -> its parent tree entry
        owners = {
            item.objgen: (0, item.get("/StructParents", item.get("/StructParent")))
            for item in _objects(target)
        }
        trees = [_parent_tree(target)] + [_parent_tree(source) for source in sources]
    index = {page.obj.objgen: i for i, page in enumerate(target.pages)}
    dests = _dests(target, index)
    outline = _outline(target, index)
    for source in sources:
        local = {page.obj.objgen: i for i, page in enumerate(source.pages)}
        first = len(target.pages)
        part_dests = _dests(source, local)
        part_outline = _outline(source, local)
        for source_page in source.pages:
            target.pages.append(source_page)
        for name, (page, rest) in part_dests.items():
            dests.setdefault(name, (first + page, rest))
        outline += _shift(part_outline, 0, first)
    if tagged:
        _merge_structure(target, sources, trees, owners)
    _write_dests(target, dests)
    _write_outline(target, outline)
    if folios:
        draw_folios(target, [pikepdf.open(io.BytesIO(data)) for data in folios], blank or set())
    union_font_subsets(target)
    target.remove_unreferenced_resources()
    out = io.BytesIO()
    target.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return out.getvalue()


def draw_folios(target: pikepdf.Pdf, folios: list[pikepdf.Pdf], blank: set[int]) -> None:
    """Draw each folio page onto its page, as a pagination artifact (outside the structure
    tree, as WeasyPrint marks margin boxes); not onto a `blank` page (which has no margin
    boxes), nor a folio page with no text."""
    pages = [page for folio in folios for page in folio.pages]
    if len(pages) != len(target.pages):
        raise ValueError(f"{len(pages)} folio pages for {len(target.pages)} pages")
    for number, (page, folio) in enumerate(zip(target.pages, pages, strict=True)):
        if number in blank or not _draws_text(folio):
            continue
        form = target.copy_foreign(folio.as_form_xobject())
        # the page's own resources (WeasyPrint shares one dictionary between pages), with
        # the shared entries referred to, not copied; the folio under a fixed name (a prefix
        # would get a random one): same inputs, same bytes
        shared = page.obj.get("/Resources", Dictionary())
        for key in list(shared.keys()):
            if isinstance(shared[key], Dictionary) and not shared[key].is_indirect:
                shared[key] = target.make_indirect(shared[key])
        resources = Dictionary({k: v for k, v in shared.items()})
        xobjects = {k: v for k, v in resources.get("/XObject", {}).items()}
        xobjects["/DossierFolio"] = form
        resources.XObject = Dictionary(xobjects)
        page.obj.Resources = resources
        page.contents_add(pikepdf.Stream(target, b"q\n"), prepend=True)
        overlay = b"Q\n/Artifact <</Type /Pagination>> BDC q /DossierFolio Do Q EMC\n"
        page.contents_add(pikepdf.Stream(target, overlay))
        page.contents_coalesce()  # one stream a page, as WeasyPrint writes it


def _draws_text(page: pikepdf.Page) -> bool:
    """Whether a page (or a form it draws) shows text."""

    def shows(stream: Any, resources: Any, depth: int) -> bool:
        for instruction in pikepdf.parse_content_stream(stream):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            operands, operator = instruction.operands, instruction.operator
            if operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")):
                return True
            if operator == pikepdf.Operator("Do") and depth < 4:
                form = resources.get("/XObject", {}).get(operands[0])
                if (
                    form is not None
                    and form.get("/Subtype") == Name.Form
                    and shows(form, form.get("/Resources", resources), depth + 1)
                ):
                    return True
        return False

    return shows(page, page.obj.get("/Resources", Dictionary()), 0)


def _objects(pdf: pikepdf.Pdf) -> list[Any]:
    """Pages and their annotations: what carries a /StructParents or /StructParent key."""
    found: list[Any] = []
    for page in pdf.pages:
        found.append(page.obj)
        found.extend(page.obj.get("/Annots", []))
    return found


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    """The parent tree as key -> entry (WeasyPrint writes one flat /Nums array)."""
    entries: dict[int, Any] = {}

    def walk(node: Any) -> None:
        nums = node.get("/Nums", [])
        for i in range(0, len(nums), 2):
            entries[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(pdf.Root.StructTreeRoot.ParentTree)
    return entries


def _merge_structure(
    target: pikepdf.Pdf,
    sources: list[pikepdf.Pdf],
    trees: list[dict[int, Any]],
    owners: dict[Any, tuple[int, Any]],
) -> None:
    """One structure tree, as a single render makes it: the first part's elements, then
    each other part's in order; the parent tree renumbered (pages 0…n-1 by page order, then
    the annotations); header cell ids made unique per part; role maps merged. Pages and
    annotations were copied with the pages, and `copy_foreign` maps references to them onto
    those copies."""
    root: Any = target.Root.StructTreeRoot
    document = root.K[0] if isinstance(root.K, Array) else root.K
    kids = list(document.K) if isinstance(document.K, Array) else [document.K]
    prefixes: dict[int, str] = {}  # kids from a part: the prefix of their ids
    role_map: Any = Dictionary(root.get("/RoleMap", {}))
    for number, source in enumerate(sources, 1):
        source_root = source.Root.StructTreeRoot
        source_document = source_root.K[0] if isinstance(source_root.K, Array) else source_root.K
        for kid in source_document.K:
            del kid["/P"]  # else the copy would bring the part's whole tree along
            copied = target.copy_foreign(kid)
            copied.P = document
            prefixes[len(kids)] = f"p{number}-"
            kids.append(copied)
        for role, standard in source_root.get("/RoleMap", Dictionary()).items():
            role_map[role] = standard
        for item in _objects(source):  # already copied with the pages: the copies
            old = item.get("/StructParents", item.get("/StructParent"))
            owners[target.copy_foreign(item).objgen] = (number, old)
    document.K = Array(kids)
    for number, source in enumerate(sources, 1):
        trees[number] = {
            key: target.copy_foreign(value if value.is_indirect else source.make_indirect(value))
            for key, value in trees[number].items()
        }
    nums: list[Any] = []  # a Python list: extending a pikepdf Array copies it (quadratic)
    key = 0
    for page in target.pages:  # pages first, then annotations, as WeasyPrint numbers them
        part, old = owners.get(page.obj.objgen, (0, None))
        if old is not None:
            page.obj.StructParents = key
            nums.extend([key, trees[part][int(old)]])
            key += 1
    for page in target.pages:
        for annotation in page.obj.get("/Annots", []):
            part, old = owners.get(annotation.objgen, (0, None))
            if old is not None:
                annotation.StructParent = key
                nums.extend([key, trees[part][int(old)]])
                key += 1
    root.ParentTree = target.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = key
    if role_map:
        root.RoleMap = role_map
    ids: dict[str, Any] = {}  # one walk of the whole tree: the parts' ids renamed, all collected
    for index, kid in enumerate(kids):
        ids.update(_rename_ids(kid, prefixes.get(index, "")))
    if ids:
        names: list[Any] = []
        for name in sorted(ids):
            names.extend([String(name), ids[name]])
        root.IDTree = Dictionary(Names=Array(names))
    elif "/IDTree" in root:
        del root["/IDTree"]


def _elements(element: Any) -> list[Any]:
    found = [element]
    kids = element.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if (
            isinstance(kid, Dictionary)
            and kid.get("/Type", Name.StructElem) == Name.StructElem
            and "/S" in kid
        ):
            found.extend(_elements(kid))
    return found


def _rename_ids(element: Any, prefix: str) -> dict[str, Any]:
    """Prefix the element ids under `element` and the /Headers that name them (WeasyPrint
    makes ids from object numbers, which repeat between parts); the ids, as renamed."""
    ids = {}
    for item in _elements(element):
        if "/ID" in item:
            if prefix:
                item.ID = String(prefix + str(item.ID))
            ids[str(item.ID)] = item
        if not prefix:
            continue
        attributes = item.get("/A")
        for attribute in attributes if isinstance(attributes, Array) else [attributes]:
            if isinstance(attribute, Dictionary) and "/Headers" in attribute:
                attribute.Headers = Array([String(prefix + str(h)) for h in attribute.Headers])
    return ids


Dest = tuple[int, list[Any]]
Outline = list[tuple[str, int, list[float], list[Any]]]


def _dests(pdf: pikepdf.Pdf, index: dict[Any, int]) -> dict[str, Dest]:
    found: dict[str, Dest] = {}

    def walk(node: Any) -> None:
        names = node.get("/Names")
        if names is not None:
            for i in range(0, len(names), 2):
                target = names[i + 1]
                found.setdefault(str(names[i]), (index[target[0].objgen], list(target[1:])))
        for kid in node.get("/Kids", []):
            walk(kid)

    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        walk(pdf.Root.Names.Dests)
    return found


def _outline(pdf: pikepdf.Pdf, index: dict[Any, int]) -> Outline:
    def walk(items: Any) -> Outline:
        found: Outline = []
        for item in items:
            dest = item.destination
            if dest is None and item.action is not None and "/D" in item.action:
                dest = item.action.D
            found.append(
                (
                    str(item.title),
                    index[dest[0].objgen],
                    [float(v) for v in dest[2:4]],
                    walk(item.children),
                )
            )
        return found

    with pdf.open_outline() as outline:
        return walk(outline.root)


def _shift(outline: Outline, first: int, shift: int) -> Outline:
    return [
        (title, page + shift if page >= first else page, xy, _shift(kids, first, shift))
        for title, page, xy, kids in outline
    ]


def _write_dests(pdf: pikepdf.Pdf, dests: dict[str, Dest]) -> None:
    names: list[Any] = []
    pages = list(pdf.pages)
    for name in sorted(dests):
        page, rest = dests[name]
        names += [String(name), Array([pages[page].obj, *rest])]
    if "/Names" not in pdf.Root:
        pdf.Root.Names = Dictionary()
    pdf.Root.Names.Dests = pdf.make_indirect(Dictionary(Names=Array(names)))


def _write_outline(pdf: pikepdf.Pdf, outline: Outline) -> None:
    def build(items: Outline) -> list[pikepdf.OutlineItem]:
        built = []
        for title, page, (x, y), kids in items:
            item = pikepdf.OutlineItem(title, Array([pdf.pages[page].obj, Name.XYZ, x, y, 0]))
            item.children.extend(build(kids))
            built.append(item)
        return built

    with pdf.open_outline() as root:
        root.root[:] = build(outline)


# engine-quirk: WeasyPrint 70 — relies on subsets keeping the original glyph ids
# (Identity-H, CIDToGIDMap Identity) and on page content drawn in form XObjects
