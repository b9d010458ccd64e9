"""Where each PDF page begins, for the EPUB's page-break markers (the EPUB page-list).

A page's start is the text of its first words in the body: the laid-out page's boxes are
walked in document order, skipping margin boxes (running heads, page numbers), the footnote
area, generated content (`::before`, `::marker`, footnote calls) and a table's header rows
where they are repeated on a page the table continues on (the EPUB has them once), and the
text of the first text boxes is kept. The EPUB writer finds those words in the same chapter
of the EPUB and puts the page's marker before the first of them (`writers.epub_pages`).

The text is compared as letters only, case-folded (`letters`): the PDF's hyphenation, note
numbers, quotes and spacing then do not matter, and a page that starts inside a hyphenated
word still finds that word.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: letters of a page's first words that are kept (enough to be unique within a chapter)
START_LETTERS = 40


def letters(text: str) -> str:
    """The letters of a text, case-folded: what page starts are compared by."""
    return "".join(c for c in text.casefold() if c.isalpha())


def page_starts(document: Any) -> list[str]:
    """For every page of a laid-out WeasyPrint document, the letters its body text starts
    with ('' for a page without body text: cover, blank page)."""
    starts = []
    headers: set[int] = set()  # the table header rows already laid out on an earlier page
    for page in document.pages:
        found = ""
        for text in _body_texts(page._page_box, headers):  # the whole page: its headers
            if len(found) < START_LETTERS:
                found += letters(text)
        starts.append(found[:START_LETTERS])
    return starts


def _body_texts(box: Any, headers: set[int]) -> Iterator[str]:
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        if "::" in (getattr(child, "element_tag", "") or ""):
            continue  # generated content: not in the EPUB's text
        if child.style["visibility"] != "visible":
            continue
        if isinstance(child, boxes.TableRowGroupBox) and child.is_header:
            # the same <thead> element is laid out again on each page the table continues on
            key = id(child.element)
            if key in headers:
                continue
            headers.add(key)
        if isinstance(child, boxes.TextBox):
            yield child.text
        else:
            yield from _body_texts(child, headers)
