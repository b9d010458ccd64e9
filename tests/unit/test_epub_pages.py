"""Placing the EPUB's page-break markers from a PDF's page starts (writers.epub_pages), on
hand-written documents: the cover, words that open with digits or quotes, pages whose words
are not in the EPUB, and the search bounded by the page's chapter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dossier.writers.epub_pages import Pagination, paginate
from dossier.writers.page_starts import letters


@dataclass
class Doc:
    file_name: str
    content: str


def documents() -> list[tuple[Doc, str | None]]:
    return [
        (Doc("text/cover.xhtml", '<section class="cover"><img alt="Cover"/></section>'), None),
        (Doc("text/title.xhtml", "<section><h1>The Nameless Dead</h1></section>"), None),
        (
            Doc(
                "text/one.xhtml",
                "<section><h1>Chapter one</h1><p>In the 1930s the sculptor worked in "
                "Nalchik.</p><p>&#8216;Kuban Cossacks&#8217; came from the west.</p></section>",
            ),
            "one",
        ),
        (
            Doc("text/two.xhtml", "<section><h1>Chapter two</h1><p>Returned home.</p></section>"),
            "two",
        ),
    ]


def start(text: str) -> str:
    return letters(text)[:40]


MARKER = re.compile(r'<span epub:type="pagebreak"[^>]*id="page-(\d+)"[^>]*></span>')


def marks(docs: list[tuple[Doc, str | None]]) -> dict[int, tuple[str, str]]:
    """For each marker: its document and the text (tags removed) that follows it there, up
    to the next marker."""
    found = {}
    for doc, _ in docs:
        parts = MARKER.split(doc.content)  # text, number, text, number, text …
        for number, after in zip(parts[1::2], parts[2::2], strict=True):
            found[int(number)] = (doc.file_name, re.sub(r"<[^>]*>", "", after))
    return found


def test_the_cover_page_is_marked_on_the_epub_cover_and_the_title_page_keeps_its_words() -> None:
    docs = documents()
    pagination = Pagination(
        "x",
        [start("The Nameless Dead"), start("The Nameless Dead"), start("Chapter one In the")],
        [None, None, "one"],
        cover=1,
    )
    page_list = paginate(docs, pagination)
    assert page_list == [
        ("1", "text/cover.xhtml#page-1"),
        ("2", "text/title.xhtml#page-2"),
        ("3", "text/one.xhtml#page-3"),
    ]
    found = marks(docs)
    assert found[1] == ("text/cover.xhtml", "")
    assert found[2][1].startswith("The Nameless Dead")
    assert found[3][1].startswith("Chapter one")


def test_a_marker_goes_before_digits_and_quotes_that_open_the_page() -> None:
    docs = documents()
    # a PDF page that starts at "1930s" has only the letters "s…"; one at "‘Kuban" has "kuban…"
    starts = [start("Chapter one In the"), start("s the sculptor worked"), start("‘Kuban Cossacks")]
    paginate(docs, Pagination("x", starts, ["one", "one", "one"]))
    found = marks(docs)
    assert found[2][1].startswith("1930s the sculptor")
    assert found[3][1].startswith("&#8216;Kuban Cossacks")


def test_a_page_whose_words_are_not_in_the_epub_shares_the_next_pages_place() -> None:
    docs = documents()
    starts = [start("Chapter one"), start("Contents chapter one chapter two"), start("Chapter two")]
    page_list = paginate(docs, Pagination("x", starts, ["one", "one", "two"]))
    assert [label for label, _ in page_list] == ["1", "2", "3"]
    found = marks(docs)
    assert found[2] == ("text/two.xhtml", "")  # directly before page 3's marker
    assert docs[3][0].content.index('id="page-2"') < docs[3][0].content.index('id="page-3"')


def test_trailing_pages_without_words_go_to_the_end_of_the_last_document() -> None:
    docs = documents()
    page_list = paginate(docs, Pagination("x", [start("Chapter one"), ""], ["one", "one"]))
    assert page_list[-1] == ("2", "text/two.xhtml#page-2")
    assert docs[3][0].content.endswith('aria-label="2"></span></section>')


def test_a_page_is_not_matched_beyond_its_chapter() -> None:
    docs = documents()
    # "Returned home" is in chapter two only: a page of chapter one must not land there
    starts = [start("Chapter one"), start("Returned home nothing"), start("Chapter two")]
    paginate(docs, Pagination("x", starts, ["one", "one", "two"]))
    found = marks(docs)
    assert found[2][0] == "text/two.xhtml" and found[2][1] == ""  # shares page 3's place
    assert found[3][1].startswith("Chapter two")
