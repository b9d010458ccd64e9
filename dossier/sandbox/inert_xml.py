"""Parse a project's XML (an SVG image, a CSL style) so that it reaches nothing outside
itself."""

from __future__ import annotations

from typing import Any


def parse_xml(data: bytes) -> Any:
    """Parse a project's XML file (an SVG image, a CSL style) so that it reaches nothing
    outside itself: no DTD is loaded, no entity resolved, no network used, and a document
    type declaration is refused outright, since entities are how XML points at files.
    Raises ValueError with the reason."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"it is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise ValueError("it has a <!DOCTYPE> declaration (which may declare entities); remove it")
    return root
