"""EDTF handling: parsing, ordering, labels and bad values."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dossier.errors import Problems
from dossier.model.dates import parse_date
from dossier.reading.chronology import read_chronology
from dossier.sandbox.files import ProjectFiles


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2022-05-25", 2022.398, 2022.398),
        ("2022-03", 2022.167, 2022.247),
        ("2022-03~", 2022.167, 2022.247),  # approximation does not widen the extent
        ("193X", 1930.0, 1939.997),
        ("1920/1949", 1920.0, 1949.997),
    ],
)
def test_extent_is_the_strict_range(value: str, first: float, last: float) -> None:
    date = parse_date(value)
    assert round(date.earliest, 3) == first and round(date.latest, 3) == last


def test_open_ends_sort_first_and_last() -> None:
    assert parse_date("../1799").earliest == -math.inf
    assert parse_date("2022-05-11/..").latest == math.inf


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2022-13-01", "Error at position 4"),
        ("2022-02-30", "Error at position 7"),
        ("2000/1990", "the interval ends before it starts"),
        ("../..", "an interval needs at least one known end"),
        ("yesterday", "Error at position 0"),
        ("", "You must supply some input text"),
        ("[1667, 1668]", "OneOfASet values are not supported in a chronology"),
        ("0000-0X", "not a date the EDTF parser can read"),  # edtf itself fails on it
    ],
)
def test_bad_values_are_rejected_with_a_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("[", r"\[")):
        parse_date(value)


def test_flags() -> None:
    assert parse_date("2022-03~").approximate and not parse_date("2022-03~").uncertain
    assert parse_date("1929?").uncertain and not parse_date("1929?").approximate
    both = parse_date("1929%")
    assert both.uncertain and both.approximate
    assert parse_date("1770~/1799").approximate


def read(tmp_path: Path, text: str) -> tuple[list, list[str]]:
    (tmp_path / "c.yaml").write_text(text)
    problems = Problems()
    events = read_chronology(ProjectFiles(tmp_path), "c.yaml", 100, 10_000, 10_000, problems)
    return events, [str(p) for p in problems.items]


def test_order_is_earliest_day_then_latest_then_file_order(tmp_path: Path) -> None:
    events, found = read(
        tmp_path,
        """events:
  - {date: "2022-03~", event: c, sources: [s]}
  - {date: "2022-03-01", event: a, sources: [s]}
  - {date: "2022", event: year, sources: [s]}
  - {date: "2022-03", event: b, sources: [s]}
  - {date: "../1799", event: open, sources: [s]}
  - {date: "2022-02-28/2022-03-10", event: range, sources: [s]}
""",
    )
    assert found == []
    assert [e.event for e in events] == ["open", "year", "range", "a", "c", "b"]


def test_unquoted_yaml_dates_and_years_are_read_as_written(tmp_path: Path) -> None:
    events, found = read(
        tmp_path,
        """events:
  - {date: 2022-05-25, event: a, sources: [s]}
  - {date: 1929, event: b, sources: [s]}
""",
    )
    assert found == [] and [e.date for e in events] == ["1929", "2022-05-25"]


def test_explicit_labels_and_notes_and_sources_with_locators(tmp_path: Path) -> None:
    events, found = read(
        tmp_path,
        """events:
  - date: "1770~/1799~"
    label: late 18th century
    event: Something *happened*.
    inferred: year
    sources: [a, {key: b, locator: p. 4, quote: "it happened"}]
    note: A note.
""",
    )
    assert found == []
    event = events[0]
    assert event.label == "late 18th century" and event.inferred
    assert event.value == parse_date("1770~/1799~")
    assert [(r.key, r.locator, r.quote) for r in event.sources] == [
        ("a", "", ""),
        ("b", "p. 4", "it happened"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: x\n",
            "c.yaml:1:1: error: the chronology is a list of events under 'events:'; write for "
            "example 'events:' then '  - date: \"2024-03-14\"' with 'event:' and 'sources:' "
            "below it",
        ),
        (
            "events:\n  - just text\n",
            "c.yaml:2:5: error: each event must be a mapping with date, event and sources",
        ),
        (
            "events:\n  - {event: x, sources: [s]}\n",
            "c.yaml:2:5: error: event has no 'date' (an EDTF value such as 2022-03~)",
        ),
        (
            "events:\n  - {date: '2022', sources: [s]}\n",
            "c.yaml:2:5: error: event has no 'event' text",
        ),
        (
            "events:\n  - {date: '2022', event: x, sources: [s], inferred: maybe}\n",
            "c.yaml:2:44: error: 'inferred' must be 'year' or true/false",
        ),
        (
            "events:\n  - {date: '2022', event: 'x [@s]', sources: [s]}\n",
            "c.yaml:2:20: error: put citations in the event's 'sources' list, not in its text",
        ),
        (
            "events:\n  - {date: '2022', event: x, sources: [{locator: p. 1}]}\n",
            "c.yaml:2:40: error: a source reference is a key, or a mapping with 'key' (and optional "
            "'locator', 'quote')",
        ),
        (
            "events:\n  - {date: '2022', event: x, sources: [s], internal: [colour]}\n",
            "c.yaml:2:44: error: 'internal' cannot list colour (it may list label, place, note, "
            "sources; internal: true hides the whole record)",
        ),
        (
            "events:\n  - {date: '2022', event: x, sources: [s], id: Bad Id}\n",
            "c.yaml:2:44: error: event id 'Bad Id' must be lowercase letters, digits and hyphens, "
            "starting with a letter",
        ),
    ],
)
def test_mistakes_in_the_file(tmp_path: Path, text: str, message: str) -> None:
    _, found = read(tmp_path, text)
    assert found == [message]


def test_the_event_limit(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "events:\n" + "  - {date: '2022', event: x, sources: [s]}\n" * 5
    )
    problems = Problems()
    assert read_chronology(ProjectFiles(tmp_path), "c.yaml", 3, 10_000, 10_000, problems) == []
    assert [str(p) for p in problems.items] == [
        "c.yaml:1:1: error: 5 events; the limit is 3 (raise [limits] max_events in dossier.toml)"
    ]


def test_a_bare_list_of_events_is_read_as_the_events(tmp_path: Path) -> None:
    events, found = read(
        tmp_path,
        """# no `events:` key: the list is clearly the events
- {date: "2022-03-01", event: a, sources: [s]}
- date: "2022-03~"
  event: b
  sources: [s]
  inferred: maybe
""",
    )
    assert [e.event for e in events] == ["a", "b"]
    assert [str(e.where) for e in events] == ["c.yaml:2:3", "c.yaml:3:3"]
    # mistakes inside it are still reported where they are written
    assert found == ["c.yaml:6:3: error: 'inferred' must be 'year' or true/false"]


def test_a_bare_list_counts_against_the_event_limit(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "".join(f"- {{date: '2022', event: e{i}, sources: [s]}}\n" for i in range(5))
    )
    problems = Problems()
    read_chronology(ProjectFiles(tmp_path), "c.yaml", 3, 10_000, 10_000, problems)
    assert len(problems.items) == 1 and "5 events" in str(problems.items[0])
