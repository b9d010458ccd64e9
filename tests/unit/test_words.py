"""The words readers see (rendering/words.py): date labels of every kind, long and CSL dates,
the legend, credits, titles and the internal mark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dossier.errors import Location, Problems
from dossier.model.dates import parse_date
from dossier.model.records import Chapter, Event, Source
from dossier.reading.chronology import read_chronology
from dossier.rendering import words
from dossier.rendering.words import date_label
from dossier.sandbox.files import ProjectFiles

HERE = Location("c.yaml", 1)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        # exact days, months, seasons, years
        ("2022-05-25", "25 May 2022"),
        ("2022-03", "March 2022"),
        ("2022-03-XX", "March 2022"),
        ("2022-21", "spring 2022"),
        ("2022-24", "winter 2022"),
        ("2022", "2022"),
        # decades and centuries
        ("193X", "1930s"),
        ("19XX", "1900s"),
        ("1920/1949", "1920s–1940s"),
        ("1850/1899", "1850s–1890s"),
        ("1800/1899", "1800s–1890s"),
        ("1792/1794", "1792–1794"),
        # approximate, uncertain, both
        ("2022-03~", "c. March 2022"),
        ("1929?", "1929?"),
        ("1929%", "c. 1929?"),
        ("2022-03-05?", "5 March 2022?"),
        ("1770~/1799~", "c. 1770 – c. 1799"),
        ("2021~/2022-02-24", "c. 2021 – 24 February 2022"),
        # ranges of days
        ("2022-02-24/2022-02-28", "24–28 February 2022"),
        ("2022-02-28/2022-03-03", "28 February – 3 March 2022"),
        ("1942-10-28/1943-01-03", "28 October 1942 – 3 January 1943"),
        ("2022-01/2022-03", "January 2022 – March 2022"),
        # open intervals
        ("../1799", "until 1799"),
        ("2022-05-11/..", "from 11 May 2022"),
        ("/2022-03", "until March 2022"),
        # before the common era
        ("-0050", "51 BCE"),
        ("-0499/-0400", "500 BCE–401 BCE"),
    ],
)
def test_date_labels(value: str, label: str) -> None:
    assert date_label(parse_date(value)) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("2022-02-24", "24 February [2022]"),
        ("2022-03~", "c. March [2022]"),
        ("2022", "[2022]"),
        ("2022-02-24/2022-02-28", "24–28 February [2022]"),
        ("1792/1794", "[1792]–[1794]"),
        ("-0050", "[51 BCE]"),
    ],
)
def test_inferred_years_are_bracketed(value: str, label: str) -> None:
    assert date_label(parse_date(value), inferred=True) == label


def event(date: str, label: str = "", **flags: bool) -> Event:
    value = parse_date(date)
    return Event(
        0, "e", date, label, "x", [], HERE, value.earliest, value.latest, value=value, **flags
    )


def test_an_event_shows_its_own_label_or_one_made_from_its_date() -> None:
    assert words.event_date_label(event("1770~/1799~", "late 18th century")) == (
        "late 18th century"
    )
    assert words.event_date_label(event("2022-03~")) == "c. March 2022"
    assert words.event_date_label(event("2022-02-24", inferred=True)) == "24 February [2022]"


def test_the_reader_keeps_the_written_label_and_the_parsed_date(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        'events:\n  - {date: "2022-03~", event: a, sources: [s]}\n'
        '  - {date: "2023", label: "the year after", event: b, sources: [s]}\n'
    )
    problems = Problems()
    events = read_chronology(ProjectFiles(tmp_path), "c.yaml", 100, 10_000, 10_000, problems)
    assert not problems.items
    assert [(e.label, e.value and e.value.text) for e in events] == [
        ("", "2022-03~"),
        ("the year after", "2023"),
    ]
    assert [words.event_date_label(e) for e in events] == ["c. March 2022", "the year after"]


def test_long_and_csl_dates() -> None:
    assert words.long_date(dt.date(2026, 11, 24)) == "24 November 2026"
    assert words.csl_date({"date-parts": [[2022, 8, 24]]}) == "24 August 2022"
    assert words.csl_date({"date-parts": [[2022, 8]]}) == "August 2022"
    assert words.csl_date({"date-parts": [[2022]]}) == "2022"
    assert words.csl_date({"literal": "Summer 1943"}) == "Summer 1943"
    assert words.csl_date({"raw": "1943-07"}) == "1943-07"
    assert words.csl_date("2022") == ""


def test_month_names() -> None:
    assert [words.month_name(m) for m in (1, 5, 12)] == ["January", "May", "December"]
    assert words.month_abbreviation(9) == "Sep"


def test_the_legend_lists_only_the_conventions_used() -> None:
    assert words.legend([event("2022-05-25")]) == []
    rows = [
        event("2022-03~", approximate=True),
        event("1929?", uncertain=True),
        event("2022", inferred=True),
    ]
    assert words.legend(rows) == [
        "c. = approximate",
        "? = uncertain",
        "[2022] = year inferred by the editors",
    ]
    assert words.legend(rows[1:2]) == ["? = uncertain"]


def source(**csl: object) -> Source:
    return Source("k", {"title": "Deserters", **csl}, HERE)


def test_credits() -> None:
    issued = {"date-parts": [[2022, 8, 24]]}
    assert words.credit(source(**{"container-title": "OC Media", "issued": issued})) == (
        "“Deserters”, OC Media, 24 August 2022"
    )
    assert (
        words.credit(source(author=[{"given": "Ann", "family": "Lee"}])) == "“Deserters”, Ann Lee"
    )
    assert words.credit(source(author=[{"literal": "Memorial"}])) == "“Deserters”, Memorial"
    assert words.credit(None) == ""
    assert words.word("credit.based-on", credit="“X”") == "Based on “X”"


def test_group_titles_and_protection_notes() -> None:
    assert words.group_title("official") == "Official and court documents"
    assert words.group_title("social-media") == "Social media"
    assert words.protection_note("pseudonym").startswith("A pseudonym, used by the original")
    assert words.protection_note("") == ""


def test_every_protection_the_reader_accepts_has_a_note() -> None:
    from dossier.reading.sources import GROUPS, PROTECTIONS

    assert all(words.protection_note(p) for p in PROTECTIONS)
    assert all(words.group_title(g) for g in GROUPS)


def test_generated_chapters_take_their_title_from_the_catalogue() -> None:
    assert words.chapter_title(Chapter("chronology", "chronology", "", "c.xhtml")) == "Chronology"
    assert words.chapter_title(Chapter("appendix", "sources", "", "s.xhtml")) == "Sources"
    assert words.chapter_title(Chapter("section", "a", "Key points", "a.xhtml")) == "Key points"


def test_the_internal_mark_and_filled_messages() -> None:
    assert words.word("internal.mark") == "INTERNAL — not for distribution"
    assert words.word("epub.contents.internal", mark="M") == "Contents — M"
    with pytest.raises(KeyError):
        words.word("no.such.message")
