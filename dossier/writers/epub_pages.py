"""Page-break markers in an EPUB that follow its edition's PDF: each PDF page's first words
are found in the EPUB's documents (in reading order, within the page's chapter) and a marker
is put before them; the page-list nav links to the markers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dossier.writers.page_starts import letters


@dataclass(frozen=True)
class Pagination:
    """The PDF edition that the EPUB's page-break markers follow: its identifier and stamp,
    each page's first letters (`page_starts`), the chapter each page lies in (None: front
    matter) and the page of the PDF's cover (None: no cover), which the EPUB's cover image
    stands for."""

    source: str
    starts: list[str]
    chapters: list[str | None]
    cover: int | None = None


_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]+|&")


def marker(number: int) -> str:
    """An EPUB page-break marker (empty element written open/closed: EbookLib re-parses the
    page as HTML, where `<span/>` would swallow what follows)."""
    return (
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{number}" '
        f'aria-label="{number}"></span>'
    )


class _Text:
    """A page's markup with its letters (as `letters` gives them) mapped back to offsets."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.letters: list[str] = []
        self.offsets: list[int] = []
        for match in _TOKEN.finditer(markup):
            token = match.group()
            if token.startswith(("<", "&")):
                continue
            for i, char in enumerate(token):
                folded = letters(char)
                for letter in folded:
                    self.letters.append(letter)
                    self.offsets.append(match.start() + i)
        self.text = "".join(self.letters)

    def find(self, key: str, start: int) -> int:
        """The index of the first letter of `key`, at or after letter `start` (-1: none)."""
        return self.text.find(key, start)

    def word_start(self, index: int) -> int:
        """The markup offset of the word that letter `index` is part of: back to the space
        or tag before it, so that digits and punctuation that open the word ("1930s",
        "‘Kuban") stay after the marker."""
        offset = self.offsets[index]
        while (
            offset > 0
            and not self.markup[offset - 1].isspace()
            and self.markup[offset - 1] not in "<>"
        ):
            offset -= 1
        return offset


def paginate(documents: list[tuple[Any, str | None]], pagination: Pagination) -> list[Any]:
    """Put page-break markers into the pages' markup (each page's `content`), before the
    first word of each PDF page, searching forward in reading order from the previous page
    and no further than the chapter the page lies in. The first document is the cover: the
    PDF's cover page is marked at its start. A page whose words are not in the EPUB (a blank
    page, the PDF's contents) is marked where the next page begins.
    Returns the page-list: (label, href) in page order."""
    texts = [_Text(item.content) for item, _ in documents]
    last_doc = {chapter: i for i, (_, chapter) in enumerate(documents) if chapter}
    placed: list[tuple[int, int] | None] = []  # (document, markup offset) per page
    doc, cursor = 0, 0
    for number, (start, chapter) in enumerate(
        zip(pagination.starts, pagination.chapters, strict=True), 1
    ):
        if number == pagination.cover:
            placed.append((0, _start_of_body(texts[0].markup)))
            continue
        limit = last_doc.get(chapter, 1) if chapter else 1
        where = None
        for key in (start, start[:20]) if len(start) >= 8 else ():
            d, c = doc, cursor
            while d <= limit and where is None:
                index = texts[d].find(key, c)
                if index >= 0:
                    where = (d, index)
                d, c = d + 1, 0
            if where is not None:
                break
        if where is None:
            placed.append(None)
            continue
        doc, cursor = where[0], where[1] + 1
        placed.append((where[0], texts[where[0]].word_start(where[1])))
    # pages without a place share the next placed page's (or the end of the last document)
    inserts: dict[int, list[tuple[int, int]]] = {}
    following: tuple[int, int] | None = None
    for number in range(len(placed), 0, -1):
        following = placed[number - 1] or following
        target = following or (len(texts) - 1, _end_of_body(texts[-1].markup))
        inserts.setdefault(target[0], []).append((target[1], number))
    page_list = []
    for d, (item, _) in enumerate(documents):
        markup = texts[d].markup
        for offset, number in sorted(inserts.get(d, []), reverse=True):
            markup = markup[:offset] + marker(number) + markup[offset:]
        item.content = markup
    for d, entries in inserts.items():
        for _, number in entries:
            page_list.append((number, f"{documents[d][0].file_name}#page-{number}"))
    return [(str(n), href) for n, href in sorted(page_list)]


def _start_of_body(markup: str) -> int:
    """Where a page's markup has its first content: after its first element's start tag."""
    end = markup.find(">")
    return end + 1 if end >= 0 else 0


def _end_of_body(markup: str) -> int:
    """Where the last element of a page's markup closes (markers after its content)."""
    end = markup.rstrip().rfind("</")
    return end if end >= 0 else len(markup)
