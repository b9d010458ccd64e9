"""editions/numbering.py: notes numbered per edition from 1, sources by first citation in
reading order (notes read where they are called), and an occurrence id for every citation."""

from __future__ import annotations

import dataclasses

import pytest
from markdown_it.token import Token

from dossier import load_config
from dossier.config.schema import Edition
from dossier.editions.assemble import _section_chapter
from dossier.editions.numbering import number
from dossier.errors import Location, Problems
from dossier.model.records import Book, Chapter, Dossier, Event, Section, SourceRef
from dossier.reading.sections import read_dossier, read_section
from dossier.rendering.formats import EpubMarkup

from conftest import PROJECTS


@pytest.fixture(scope="module")
def sample() -> Dossier:
    config = load_config(PROJECTS / "minimal")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    assert problems.items == []
    return dossier


def section(text: str, path: str = "sections/s.md") -> Section:
    problems = Problems()
    result = read_section(text, path, problems)
    assert result is not None and problems.errors == []
    return result


def book_of(dossier: Dossier, *chapters: Chapter, colophon: Chapter | None = None) -> Book:
    edition = Edition(name="test")
    book = Book(dossier, edition, "", list(chapters), dossier.events, [], {}, {}, [])
    book.colophon = colophon
    number(book)
    return book


def inline(chapter: Chapter, kind: str) -> list[Token]:
    """The tokens of one kind in the chapter's body, then in its notes (in label order)."""
    groups = [chapter.tokens, *chapter.notes.values()]
    return [c for tokens in groups for t in tokens for c in t.children or [] if c.type == kind]


def chapter(text: str, public: bool = False, path: str = "sections/s.md") -> Chapter:
    return _section_chapter(section(text, path), public)


# --- the sample project ---------------------------------------------------------------


def test_sources_are_numbered_by_first_citation_in_reading_order(sample: Dossier) -> None:
    config = sample.config
    from dossier.editions.assemble import assemble

    book = assemble(sample, config.editions["reader"], "", Problems())
    # summary cites report-2023, then witness; followup-2023 comes third
    assert book.numbers == {"report-2023": 1, "witness": 2, "followup-2023": 3}
    assert book.note_numbers == {
        ("story", "date"): 1,
        ("story", "chair"): 2,
        ("context", "long"): 3,
    }
    ids = [o.id for o in book.occurrences]
    assert len(ids) == len(set(ids))  # every occurrence has its own anchor
    assert ids[:4] == ["cite-summary-1", "cite-summary-2", "cite-summary-3", "cite-summary-4"]
    # the chronology (third in the reading order) cites by event id, in row order
    rows = [o for o in book.occurrences if o.event is not None]
    assert [(o.id, o.locator) for o in rows] == [
        ("cite-ev-2-1", "p. 9"),
        ("cite-ev-1-1", ""),
        ("cite-ev-3-1", ""),
    ]
    assert all(o.number == book.numbers[o.key] for o in book.occurrences)


# --- citations in sections --------------------------------------------------------------


def test_a_citation_carries_its_ids_and_numbers(sample: Dossier) -> None:
    ch = chapter("# S\n\nOne [@witness; @report-2023, p. 4]. Two [@witness].\n")
    book = book_of(sample, ch)
    first, second = inline(ch, "citation")
    assert first.meta["ids"] == ["cite-s-1", "cite-s-2"]
    assert first.meta["numbers"] == [1, 2]
    assert second.meta["ids"] == ["cite-s-3"] and second.meta["numbers"] == [1]
    assert [(o.id, o.key, o.number) for o in book.occurrences] == [
        ("cite-s-1", "witness", 1),
        ("cite-s-2", "report-2023", 2),
        ("cite-s-3", "witness", 1),
    ]
    assert book.occurrences[1].item is not None and book.occurrences[1].item.locator == "p. 4"
    by_source = EpubMarkup(book, None).occurrences_of  # type: ignore[arg-type]  # no template
    assert by_source("witness") == [book.occurrences[0], book.occurrences[2]]
    assert by_source("report-2023") == [book.occurrences[1]] and by_source("none") == []


def test_an_unknown_key_gets_no_number_and_no_occurrence(sample: Dossier) -> None:
    ch = chapter("# S\n\nSee [@nobody; @witness].\n")
    book = book_of(sample, ch)
    (citation,) = inline(ch, "citation")
    assert citation.meta["ids"] == ["", "cite-s-1"]
    assert citation.meta["numbers"] == [0, 1]
    assert [o.key for o in book.occurrences] == ["witness"]
    assert book.numbers == {"witness": 1}


def test_citation_counters_are_per_chapter(sample: Dossier) -> None:
    a = chapter("# A\n\n[@witness] and [@witness].\n", path="sections/a.md")
    b = chapter("# B\n\n[@report-2023].\n", path="sections/b.md")
    book = book_of(sample, a, b)
    assert [o.id for o in book.occurrences] == ["cite-a-1", "cite-a-2", "cite-b-1"]
    assert book.numbers == {"witness": 1, "report-2023": 2}


# --- notes -----------------------------------------------------------------------------


def test_a_note_is_read_where_it_is_called(sample: Dossier) -> None:
    """A citation inside a note counts at the note's call, before the text after it."""
    ch = chapter("# S\n\nCalled here.[^n] Then [@witness].\n\n[^n]: Inside [@report-2023].\n")
    book = book_of(sample, ch)
    assert book.numbers == {"report-2023": 1, "witness": 2}
    assert [o.id for o in book.occurrences] == ["cite-s-1", "cite-s-2"]
    assert book.occurrences[0].key == "report-2023"


def test_notes_are_numbered_across_chapters_from_one(sample: Dossier) -> None:
    a = chapter("# A\n\nx[^b] y[^a]\n\n[^a]: first\n[^b]: second\n", path="sections/a.md")
    b = chapter("# B\n\nz[^a]\n\n[^a]: another a\n", path="sections/b.md")
    book = book_of(sample, a, b)
    # numbered in order of call, not of definition; labels are per chapter
    assert book.note_numbers == {("a", "b"): 1, ("a", "a"): 2, ("b", "a"): 3}
    refs = inline(a, "footnote_ref") + inline(b, "footnote_ref")
    assert [(r.meta["label"], r.meta["n"], r.meta["ref_id"]) for r in refs] == [
        ("b", 1, "fnref-1"),
        ("a", 2, "fnref-2"),
        ("a", 3, "fnref-3"),
    ]


def test_a_note_called_twice_keeps_its_number(sample: Dossier) -> None:
    ch = chapter("# S\n\nOne[^n] two[^n] three[^n]\n\n[^n]: The note [@witness].\n")
    book = book_of(sample, ch)
    refs = inline(ch, "footnote_ref")
    assert [(r.meta["n"], r.meta["first"], r.meta["ref_id"]) for r in refs] == [
        (1, True, "fnref-1"),
        (1, False, "fnref-1-1"),
        (1, False, "fnref-1-2"),
    ]
    # the note's citation is counted once, at its first call
    assert [o.id for o in book.occurrences] == ["cite-s-1"]


def test_a_note_called_inside_a_note(sample: Dossier) -> None:
    ch = chapter("# S\n\nText[^a] end[^c].\n\n[^a]: Outer[^b].\n[^b]: Inner.\n[^c]: Last.\n")
    book = book_of(sample, ch)
    assert book.note_numbers == {("s", "a"): 1, ("s", "b"): 2, ("s", "c"): 3}


def test_public_numbering_skips_internal_notes(sample: Dossier) -> None:
    text = "# S\n\nFirst[^internal-who] then[^pub].\n\n[^internal-who]: secret\n[^pub]: public\n"
    internal = book_of(sample, chapter(text, public=False))
    public_chapter = chapter(text, public=True)
    public = book_of(sample, public_chapter)
    assert internal.note_numbers == {("s", "internal-who"): 1, ("s", "pub"): 2}
    assert public.note_numbers == {("s", "pub"): 1}
    assert [r.meta["n"] for r in inline(public_chapter, "footnote_ref")] == [1]


def test_numbering_writes_on_the_editions_copies_only(sample: Dossier) -> None:
    sec = section("# S\n\nA[^n] [@witness].\n\n[^n]: note\n")
    first, second = _section_chapter(sec, False), _section_chapter(sec, True)
    book_of(sample, first)
    book_of(sample, second)
    for token in (c for t in sec.tokens for c in t.children or []):
        assert "n" not in token.meta and "ids" not in token.meta
    assert inline(first, "citation")[0].meta["ids"] == ["cite-s-1"]
    assert inline(second, "citation")[0].meta["ids"] == ["cite-s-1"]


# --- the chronology and the colophon -------------------------------------------------------


def event(index: int, *keys: str) -> Event:
    where = Location("sections/chronology.yaml", index)
    refs = [SourceRef(k, where, locator=f"p. {i}") for i, k in enumerate(keys, 1)]
    return Event(index, f"ev-{index}", "2023", "", "x", refs, where, 0.0, 0.0)


def test_chronology_rows_cite_known_sources_only(sample: Dossier) -> None:
    events = [event(1, "witness", "nobody", "report-2023"), event(2, "witness")]
    dossier = dataclasses.replace(sample, events=events)
    chronology = Chapter("chronology", "chronology", "", "chronology.xhtml")
    book = book_of(dossier, chronology)
    assert [(o.id, o.key, o.number, o.locator) for o in book.occurrences] == [
        ("cite-ev-1-1", "witness", 1, "p. 1"),
        ("cite-ev-1-2", "report-2023", 2, "p. 3"),
        ("cite-ev-2-1", "witness", 1, "p. 1"),
    ]
    assert all(o.event is not None and o.chapter is chronology for o in book.occurrences)


def test_the_colophon_is_numbered_first(sample: Dossier) -> None:
    colophon = chapter("# About\n\nBased on [@followup-2023].[^c]\n\n[^c]: c\n", path="c.md")
    body = chapter("# S\n\n[@witness].[^n]\n\n[^n]: n\n")
    book = book_of(sample, body, colophon=colophon)
    assert book.numbers == {"followup-2023": 1, "witness": 2}
    assert book.note_numbers == {("c", "c"): 1, ("s", "n"): 2}


def test_appendix_chapters_are_not_walked(sample: Dossier) -> None:
    appendix = Chapter("appendix", "sources", "", "sources.xhtml")
    book = book_of(sample, appendix)
    assert book.numbers == {} and book.occurrences == []
