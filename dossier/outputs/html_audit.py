"""Audits of the HTML edition, beside those of the PDF and EPUB (`audit`, `image_audit`):
its text for the leak search, its ids for parity, its inertness (no script, no form, no
request of any kind: every resource a `data:` URL) and the images inside it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from lxml import etree, html

#: Elements that run, embed, submit or fetch something; the HTML edition has none.
ACTIVE_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base"}
    | {"link", "noscript", "template", "portal", "audio", "video", "source", "track"}
    | {"handler", "listener", "foreignobject"}  # SVG
)
#: Attributes whose value the browser fetches when the page opens
RESOURCE_ATTRIBUTES = frozenset({"src", "srcset", "poster", "data", "background", "ping"})
LINK_ATTRIBUTES = frozenset({"href", "action", "formaction", "cite", "longdesc"})
_SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.I)
_DATA_URL = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[\w=.+-]+)*,", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_DATA = re.compile(r"url\(\s*(['\"]?)data:[^)'\"]*\1\s*\)", re.I)


def parse(data: bytes) -> Any:
    return html.document_fromstring(data, parser=html.HTMLParser(encoding="utf-8"))


def html_corpus(data: bytes) -> str:
    """Everything a reader or a tool can get out of the page as text: element text, attribute
    values and stylesheets, without the `data:` URLs (fonts and images, audited apart)."""
    parts = []
    for element in parse(data).iter():
        if not isinstance(element.tag, str):
            parts += [element.text or "", element.tail or ""]  # comments
            continue
        parts += [v for v in element.attrib.values() if not _DATA_URL.match(v.strip())]
        text = element.text or ""
        parts += [_CSS_DATA.sub("", text) if element.tag == "style" else text, element.tail or ""]
    return "\n".join(parts)


def html_ids(data: bytes) -> set[str]:
    return {e.get("id") for e in parse(data).iter() if isinstance(e.tag, str) and e.get("id")}


def active_content(data: bytes) -> str:
    """The first thing in the page that could run code or make a request ('' if none)."""
    for element in parse(data).iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower()
        if tag in ACTIVE_ELEMENTS:
            return f"a <{tag}> element"
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            return "a <meta http-equiv=refresh>"
        for attribute, value in element.attrib.items():
            name = etree.QName(attribute).localname.lower()
            value = value.strip()
            if name.startswith("on"):
                return f"an event handler ({name})"
            if name in RESOURCE_ATTRIBUTES and not _DATA_URL.match(value):
                return f"the resource '{value[:80]}' ({name})"
            if (
                name == "href"
                and tag in ("image", "use", "feimage")
                and not (value.startswith("#") or _DATA_URL.match(value))
            ):
                return f"the resource '{value[:80]}' (SVG {tag})"
            if name in LINK_ATTRIBUTES and not _SAFE_LINK.match(value):
                return f"the link '{value[:80]}'"
            if name == "style" and (found := _css_request(value)):
                return found
        if tag == "style" and (found := _css_request(element.text or "")):
            return found
    return ""


def _css_request(css: str) -> str:
    if re.search(r"@import", css, re.I):
        return "an @import in a stylesheet"
    for match in _CSS_URL.finditer(css):
        url = match.group(2).strip()
        if not (url.startswith("#") or _DATA_URL.match(url)):
            return f"the stylesheet resource '{url[:80]}'"
    return ""


def data_urls(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(media type, bytes) of every `data:` URL in the page's attributes and stylesheets."""
    values = []
    for element in parse(data).iter():
        if not isinstance(element.tag, str):
            continue
        values += [v.strip() for v in element.attrib.values()]
        if element.tag == "style" or element.get("style"):
            text = (element.text or "") + element.get("style", "")
            values += [m.group(2).strip() for m in _CSS_URL.finditer(text)]
    for value in values:
        match = _DATA_URL.match(value)
        if not match:
            continue
        media = (match.group(1) or "text/plain").lower()
        payload = value[match.end() :]
        if ";base64" in match.group(0).lower():
            yield media, base64.b64decode(payload)
        else:
            yield media, unquote_to_bytes(payload)
