"""The appendix's bibliography: each edition's sources formatted by the CSL style, remembered
by content so an edit that does not touch the sources does not run citeproc again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from dossier.reading.citation_style import TEMPLATE_FIELDS, format_items, style_xml

#: Formatted bibliographies by a digest of everything they depend on (style, language, all
#: the entries: one entry's form can depend on the others). Kept for the process and, through
#: `build`, between builds: citeproc-py is the slowest step before rendering, and a change to
#: a section rarely changes the sources it cites. `USED`: the digests this process needed.
MEMO: dict[str, dict[str, str]] = {}
USED: set[str] = set()


def format_entries(
    entries: Iterable[tuple[str, dict[str, Any]]], style: bytes, language: str
) -> dict[str, str]:
    """Bibliography entries as HTML, in the given order, formatted with the CSL style."""
    items = [
        {**{k: v for k, v in csl.items() if k not in TEMPLATE_FIELDS}, "id": key}
        for key, csl in entries
    ]
    if not items:
        return {}
    digest = hashlib.sha256(style)
    digest.update(json.dumps([language, items], sort_keys=True, default=repr).encode())
    key = digest.hexdigest()
    USED.add(key)
    if key not in MEMO:
        MEMO[key] = format_items(items, style, language)
    return dict(MEMO[key])


def format_sources(book: Any) -> dict[str, str]:
    """The appendix entries of a book (and its `based_on` work), formatted by the CSL style."""
    config = book.config
    shown = [*book.sources, *([book.based_on] if book.based_on else [])]
    entries = {s.key: s.csl for s in shown}.items()  # the views: internal fields are gone
    style = style_xml(config.project, config.citation_style, config.at("citation_style"))
    return format_entries(entries, style, book.language)
