"""SVG: `<metadata>`, RDF/Dublin Core elements, comments and editors' elements and
attributes (`sodipodi:docname`, `inkscape:export-filename`: local paths and user names) are
dropped from the tree, which is parsed without resolving entities."""

from __future__ import annotations

from typing import Any

from dossier.sandbox.images.findings import (
    AUTHOR,
    COMMENT,
    DATE,
    EDITOR,
    EDITOR_PATH,
    OTHER,
    SVG_METADATA,
    XMP,
    Damaged,
)
from dossier.sandbox.inert_xml import parse_xml

SVG_NS = "http://www.w3.org/2000/svg"
#: namespaces of editors' own data (file names, paths, window geometry, layer names)
EDITOR_NAMESPACES = (
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
    "http://ns.adobe.com/",
    "http://www.figma.com/",
    "http://www.vectornator.io",
)
#: namespaces of document metadata (RDF, Dublin Core, Creative Commons, XMP)
METADATA_NAMESPACES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "adobe:ns:meta/",
)
_EDITOR_PATHS = {"docname", "docbase", "absref", "export-filename", "output_extension"}
_PEOPLE = {"creator", "contributor", "publisher", "rights", "Agent", "rightsHolder"}


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def scrub_svg(data: bytes) -> tuple[bytes, list[str]]:
    from lxml import etree

    try:
        root = parse_xml(data)
    except ValueError as exc:
        raise Damaged(str(exc)) from None
    found: list[str] = []
    if any(
        not isinstance(node.tag, str)
        for side in (root.itersiblings(preceding=True), root.itersiblings())
        for node in side
    ):
        found.append(COMMENT)  # comments or processing instructions around the root
    drop: list[Any] = []
    stack = [root]  # a walk without recursion that does not enter what it drops
    while stack:
        node = stack.pop()
        said = _svg_node(node)
        if said:
            found += said
            drop.append(node)
            continue
        for name in list(node.attrib):
            if _namespace(name).startswith(EDITOR_NAMESPACES + METADATA_NAMESPACES):
                found.append(EDITOR_PATH if _local(name) in _EDITOR_PATHS else EDITOR)
                del node.attrib[name]
        stack.extend(reversed(node))
    if not found:
        return data, []
    for node in drop:
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail:  # keep the text that followed the removed node
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True), found


def _svg_node(node: Any) -> list[str]:
    """What a node of an SVG tree holds that is to go ([] if it stays)."""
    from lxml import etree

    if node.tag is etree.Comment:
        return [COMMENT]
    if node.tag is etree.PI:
        return [XMP if node.target == "xpacket" else OTHER]
    if not isinstance(node.tag, str):
        return [OTHER]  # an entity reference (parse_xml resolves none)
    namespace = _namespace(node.tag)
    if namespace == SVG_NS and _local(node.tag) == "metadata":
        return [SVG_METADATA, *_people_and_dates(node)]
    if namespace.startswith(METADATA_NAMESPACES):
        return [XMP, *_people_and_dates(node)]
    if namespace.startswith(EDITOR_NAMESPACES):
        paths = [k for e in node.iter() for k in _attrs(e) if _local(k) in _EDITOR_PATHS]
        return [EDITOR] + ([EDITOR_PATH] if paths else [])
    return []


def _people_and_dates(node: Any) -> list[str]:
    return [AUTHOR for e in node.iter() if _is_person(e)] + [
        DATE for e in node.iter() if _is_date(e)
    ]


def _attrs(element: Any) -> list[str]:
    return list(element.attrib) if isinstance(element.tag, str) else []


def _is_person(element: Any) -> bool:
    return isinstance(element.tag, str) and _local(element.tag) in _PEOPLE


def _is_date(element: Any) -> bool:
    return isinstance(element.tag, str) and _local(element.tag) == "date"
