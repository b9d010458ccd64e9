"""writers/epub_pages.py on small markup: each PDF page's first letters are found in the
EPUB's documents, in reading order and within the page's chapter, and its marker is put
before the word they start; pages that cannot be found share the next page's place."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from dossier.writers.epub_pages import Pagination, _end_of_body, _Text, marker, paginate
from dossier.writers.page_starts import letters


@dataclass
class Item:
    """What paginate needs of an EbookLib item: its file name and its markup."""

    file_name: str
    content: str


def markers(markup: str) -> list[tuple[int, str]]:
    """(page number, the first 12 characters of text after it) for every marker."""
    found = []
    for match in re.finditer(
        r'<span epub:type="pagebreak"[^>]*id="page-(\d+)"[^>]*></span>', markup
    ):
        after = re.sub(r"<[^>]+>", "", markup[match.end() :])
        found.append((int(match[1]), after[:12]))
    return found


CHAPTER_A = (
    "<section><h1>Summary</h1><p>The committee met on a cold morning in March. "
    "Its chair spoke first, and at length, about the findings.</p>"
    "<p>Witnesses disagreed with the chair about almost everything.</p></section>"
)
CHAPTER_B = (
    "<section><h1>Context</h1><p>Settlers arrived in the eighteen-eighties, "
    "long before the committee existed.</p><p>Internationalisation followed.</p></section>"
)


def start(text: str) -> str:
    return letters(text)[:40]


def documents() -> list[tuple[Item, str | None]]:
    return [
        (Item("summary.xhtml", CHAPTER_A), "summary"),
        (Item("context.xhtml", CHAPTER_B), "context"),
    ]


# --- _Text ------------------------------------------------------------------------------


def test_text_keeps_letters_only_and_maps_them_back() -> None:
    text = _Text("<p class='x'>Ab, c&amp;D</p>")
    assert text.text == "abcd"
    assert [text.markup[o] for o in text.offsets] == ["A", "b", "c", "D"]


def test_text_skips_tags_and_entities() -> None:
    text = _Text('<a href="page">Link</a>&#x441;&nbsp;word')
    assert text.text == "linkword"  # neither the attribute nor the entities count


def test_a_letter_that_folds_into_two_maps_both_to_its_offset() -> None:
    text = _Text("<p>Straße</p>")
    assert text.text == "strasse"
    assert text.offsets[4] == text.offsets[5] == text.markup.index("ß")


def test_find_and_word_start() -> None:
    text = _Text("<p>One word, and another</p>")
    index = text.find("other", 0)
    assert text.text[index:].startswith("other")
    # a page that starts inside a word ("-other" after a hyphenation) marks the whole word
    assert text.markup[text.word_start(index) :].startswith("another")
    assert text.find("one", 1) == -1  # only at or after `start`
    assert text.find("nothere", 0) == -1


def test_end_of_body() -> None:
    markup = "<section><p>a</p></section>\n"
    assert markup[_end_of_body(markup) :].startswith("</section>")
    assert _end_of_body("no tags") == len("no tags")


def test_marker_is_an_empty_element_written_open_and_closed() -> None:
    assert marker(12) == (
        '<span epub:type="pagebreak" role="doc-pagebreak" id="page-12" aria-label="12"></span>'
    )


# --- paginate -----------------------------------------------------------------------------


def test_pages_are_marked_before_their_first_words() -> None:
    docs = documents()
    pagination = Pagination(
        "urn:x",
        [
            start("The committee met on a cold morning in March."),
            start("Witnesses disagreed with the chair about almost everything."),
            start("Settlers arrived in the eighteen-eighties, long before"),
        ],
        ["summary", "summary", "context"],
    )
    page_list = paginate(docs, pagination)
    assert page_list == [
        ("1", "summary.xhtml#page-1"),
        ("2", "summary.xhtml#page-2"),
        ("3", "context.xhtml#page-3"),
    ]
    assert markers(docs[0][0].content) == [(1, "The committe"), (2, "Witnesses di")]
    assert markers(docs[1][0].content) == [(3, "Settlers arr")]
    # nothing else changed
    assert (
        re.sub(r"<span epub:type=\"pagebreak\"[^>]*></span>", "", docs[0][0].content) == CHAPTER_A
    )


def test_a_page_starting_inside_a_word_is_marked_before_the_word() -> None:
    docs = documents()
    # the PDF page begins with "sation followed." (the word was hyphenated across pages)
    pagination = Pagination(
        "urn:x",
        [start("The committee met"), start("Settlers arrived in the"), start("sation followed.")],
        ["summary", "context", "context"],
    )
    paginate(docs, pagination)
    assert markers(docs[1][0].content) == [(2, "Settlers arr"), (3, "Internationa")]


def test_a_page_without_words_shares_the_next_pages_place() -> None:
    docs = documents()
    pagination = Pagination(
        "urn:x",
        ["", "", start("The committee met on a cold morning"), start("Settlers arrived")],
        [None, None, "summary", "context"],
    )
    page_list = paginate(docs, pagination)
    assert [n for n, _ in page_list] == ["1", "2", "3", "4"]
    assert markers(docs[0][0].content)[:3] == [
        (1, "The committe"),
        (2, "The committe"),
        (3, "The committe"),
    ]
    assert docs[0][0].content.index('id="page-1"') < docs[0][0].content.index('id="page-3"')
    assert page_list[0] == ("1", "summary.xhtml#page-1")


def test_trailing_pages_without_words_go_to_the_end_of_the_last_document() -> None:
    docs = documents()
    pagination = Pagination(
        "urn:x", [start("The committee met on a cold morning"), "", ""], ["summary", None, None]
    )
    page_list = paginate(docs, pagination)
    assert page_list[1:] == [("2", "context.xhtml#page-2"), ("3", "context.xhtml#page-3")]
    content = docs[1][0].content
    assert content.endswith(marker(2) + marker(3) + "</section>")


def test_a_page_is_not_searched_beyond_its_chapter() -> None:
    """A page of 'summary' whose words only the next chapter has is not placed there."""
    docs = documents()
    pagination = Pagination(
        "urn:x",
        [
            start("The committee met on a"),
            start("Settlers arrived in the eighteen"),
            start("Settlers arrived"),
        ],
        ["summary", "summary", "context"],
    )
    paginate(docs, pagination)
    # page 2 could not be found in its chapter: it shares page 3's place
    assert markers(docs[1][0].content) == [(2, "Settlers arr"), (3, "Settlers arr")]
    assert markers(docs[0][0].content) == [(1, "The committe")]


def test_the_search_goes_forward_from_the_previous_page() -> None:
    repeated = (
        "<p>Alpha beta gamma delta.</p><p>Middle text here.</p><p>Alpha beta gamma delta.</p>"
    )
    docs: list[tuple[Item, str | None]] = [(Item("a.xhtml", repeated), "a")]
    pagination = Pagination(
        "urn:x",
        [
            start("Alpha beta gamma delta"),
            start("Middle text here"),
            start("Alpha beta gamma delta"),
        ],
        ["a", "a", "a"],
    )
    paginate(docs, pagination)
    assert [n for n, _ in markers(docs[0][0].content)] == [1, 2, 3]
    content = docs[0][0].content
    assert content.index('id="page-3"') > content.index("Middle")


def test_a_start_that_differs_later_is_found_by_its_first_twenty_letters() -> None:
    docs = documents()
    pdf_start = letters("The committee met on a cold evening in May")[:40]
    pagination = Pagination("urn:x", [pdf_start], ["summary"])
    paginate(docs, pagination)
    assert markers(docs[0][0].content) == [(1, "The committe")]
    assert markers(docs[1][0].content) == []


def test_starts_too_short_to_be_unique_are_not_searched() -> None:
    docs = documents()
    pagination = Pagination(
        "urn:x", ["the", start("Witnesses disagreed with the chair")], ["summary", "summary"]
    )
    paginate(docs, pagination)
    # page 1 ("the") is not matched to the first "the"; it shares page 2's place
    assert markers(docs[0][0].content) == [(1, "Witnesses di"), (2, "Witnesses di")]


def test_pages_and_chapters_must_agree_in_number() -> None:
    with pytest.raises(ValueError):
        paginate(documents(), Pagination("urn:x", ["a", "b"], ["summary"]))


# --- the cover, words opening with digits or quotes (hand-written EPUB documents) ----------


@dataclass
class Doc:
    file_name: str
    content: str


def cover_documents() -> list[tuple[Doc, str | None]]:
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


PAGE_MARKER = re.compile(r'<span epub:type="pagebreak"[^>]*id="page-(\d+)"[^>]*></span>')


def marks_in(docs: list[tuple[Doc, str | None]]) -> dict[int, tuple[str, str]]:
    """For each marker: its document and the text (tags removed) that follows it there, up
    to the next marker."""
    found = {}
    for doc, _ in docs:
        parts = PAGE_MARKER.split(doc.content)  # text, number, text, number, text …
        for number, after in zip(parts[1::2], parts[2::2], strict=True):
            found[int(number)] = (doc.file_name, re.sub(r"<[^>]*>", "", after))
    return found


def test_the_cover_page_is_marked_on_the_epub_cover_and_the_title_page_keeps_its_words() -> None:
    docs = cover_documents()
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
    found = marks_in(docs)
    assert found[1] == ("text/cover.xhtml", "")
    assert found[2][1].startswith("The Nameless Dead")
    assert found[3][1].startswith("Chapter one")


def test_a_marker_goes_before_digits_and_quotes_that_open_the_page() -> None:
    docs = cover_documents()
    # a PDF page that starts at "1930s" has only the letters "s…"; one at "‘Kuban" has "kuban…"
    starts = [start("Chapter one In the"), start("s the sculptor worked"), start("‘Kuban Cossacks")]
    paginate(docs, Pagination("x", starts, ["one", "one", "one"]))
    found = marks_in(docs)
    assert found[2][1].startswith("1930s the sculptor")
    assert found[3][1].startswith("&#8216;Kuban Cossacks")


def test_a_page_whose_words_are_not_in_the_epub_shares_the_next_pages_place() -> None:
    docs = cover_documents()
    starts = [start("Chapter one"), start("Contents chapter one chapter two"), start("Chapter two")]
    page_list = paginate(docs, Pagination("x", starts, ["one", "one", "two"]))
    assert [label for label, _ in page_list] == ["1", "2", "3"]
    found = marks_in(docs)
    assert found[2] == ("text/two.xhtml", "")  # directly before page 3's marker
    assert docs[3][0].content.index('id="page-2"') < docs[3][0].content.index('id="page-3"')


def test_a_page_is_not_matched_beyond_its_chapter() -> None:
    docs = cover_documents()
    # "Returned home" is in chapter two only: a page of chapter one must not land there
    starts = [start("Chapter one"), start("Returned home nothing"), start("Chapter two")]
    paginate(docs, Pagination("x", starts, ["one", "one", "two"]))
    found = marks_in(docs)
    assert found[2][0] == "text/two.xhtml" and found[2][1] == ""  # shares page 3's place
    assert found[3][1].startswith("Chapter two")
