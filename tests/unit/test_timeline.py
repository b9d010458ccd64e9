"""The chronology's timeline figure: segments, scale, ticks, markers and text equivalent."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dossier.errors import Problems
from dossier.model.records import Event
from dossier.reading.chronology import read_chronology
from dossier.rendering.environment import make_environment
from dossier.rendering.timeline import (
    Segment,
    _shown_ticks,
    draw_timeline,
    render_timeline,
    segments_for,
)
from dossier.sandbox.files import ProjectFiles

SVG = "{http://www.w3.org/2000/svg}"


def events_for(tmp_path: Path, *dates: str) -> list[Event]:
    rows = "".join(
        f'  - {{date: "{d}", event: "e{i}", sources: [s]}}\n' for i, d in enumerate(dates)
    )
    (tmp_path / "c.yaml").write_text("events:\n" + rows)
    problems = Problems()
    events = read_chronology(ProjectFiles(tmp_path), "c.yaml", 100, 10_000, 10_000, problems)
    assert not problems.items
    return events


MINIMAL = Path(__file__).parent / "projects" / "minimal"  # a project with no templates/


def drawn(events: list[Event]) -> ET.Element:
    env = make_environment(ProjectFiles(MINIMAL))
    return ET.fromstring(draw_timeline(render_timeline(events), env, "#7a1f2b"))


def labels(svg: ET.Element) -> dict[str, float]:
    """Marker label → x of its text."""
    found = {}
    for text in svg.iter(f"{SVG}text"):
        if text.get("font-weight") == "700":
            found[text.text or ""] = float(text.get("x", "nan"))
    return found


def tick_labels(svg: ET.Element) -> list[tuple[float, str]]:
    return [
        (float(t.get("x", "nan")), t.text or "")
        for t in svg.iter(f"{SVG}text")
        if t.get("text-anchor") == "middle"
    ]


def assert_apart(ticks: list[tuple[float, str]]) -> None:
    """Centred labels about 7 units per character wide do not overlap."""
    for (x0, a), (x1, b) in itertools.pairwise(ticks):
        assert x1 - x0 >= 3.5 * (len(a) + len(b)), (a, b)


def test_decades_without_events_break_the_axis(tmp_path: Path) -> None:
    events = events_for(tmp_path, "1790", "1795", "1900", "1910", "2022-03", "2022-05")
    segments = segments_for(events)
    assert [sorted(events[i].event for i in s.events) for s in segments] == [
        ["e0", "e1"],
        ["e2", "e3"],
        ["e4", "e5"],
    ]
    figure = render_timeline(events)
    assert "broken into 3 segments (1790–1795, 1900–1910, 2022)" in figure.alt
    assert figure.alt.startswith("Timeline of the 6 events of the chronology, from 1790 to")


def test_every_event_is_drawn_once_numbered_as_its_table_row(tmp_path: Path) -> None:
    events = events_for(
        tmp_path, "2020-02-03", "2021-05-02~", "2021-06-07?", "2020-01/2021-12", "2022-01-09"
    )
    svg = drawn(events)
    assert sorted(labels(svg)) == sorted(["1", "2", "3", "4?", "5"])  # table order
    circles = list(svg.iter(f"{SVG}circle"))
    hollow = [c for c in circles if c.get("fill") == "#ffffff"]
    assert len(circles) == 4 and len(hollow) == 1  # days are dots; "~" is approximate
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("rx") == "2"]
    assert len(bars) == 1  # the range


def test_the_scale_is_monotonic_and_widens_crowded_stretches(tmp_path: Path) -> None:
    # Three events over 40 years, then six in five years: linearly those would share a tenth
    # of the axis.
    events = events_for(tmp_path, "1950", "1970", "1990", *(str(y) for y in range(2000, 2006)))
    (segment,) = render_timeline(events).segments
    xs = [segment.x(e.start_year) for e in events]
    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)
    crowded = xs[-1] - xs[3]
    linear = (events[-1].start_year - events[3].start_year) / segment.span
    assert crowded / (segment.x1 - segment.x0) > 2 * linear
    assert segment.x(segment.start) == pytest.approx(segment.x0)
    assert segment.x(segment.end) == pytest.approx(segment.x1)


@pytest.mark.parametrize(
    "dates",
    [
        ("2021-01-05", "2021-02", "2021-03-09", "2021-11", "2022-01-02", "2022-06-30"),
        ("1850", "1855", "1861", "1930", "1932", "1933", "1934", "1990"),
        ("-5000", "2023"),  # a span of seven millennia still gets a tick step
    ],
)
def test_tick_labels_do_not_overlap(tmp_path: Path, dates: tuple[str, ...]) -> None:
    ticks = tick_labels(drawn(events_for(tmp_path, *dates)))
    assert len(ticks) >= 2
    assert_apart(ticks)


def test_month_ticks_name_the_year_once_per_year(tmp_path: Path) -> None:
    ticks = [label for _, label in tick_labels(drawn(events_for(tmp_path, "2021-03", "2022-09")))]
    years = [label for label in ticks if re.search(r"\d{4}", label)]
    assert ticks[0].endswith(" 2021")
    assert [y[-4:] for y in years] == ["2021", "2022"]
    assert all(re.fullmatch(r"[A-Z][a-z]{2}( \d{4})?", label) for label in ticks)


def test_a_narrow_segment_drops_the_labels_that_would_collide() -> None:
    # Twenty months on 200 units: quarterly ticks would be 29 units apart, too close for
    # "Mar 2021" next to "Jun".
    segment = Segment(2021.0, 2022.7, [0, 1], x0=0.0, x1=200.0)
    ticks = _shown_ticks(segment)
    assert 2 <= len(ticks) < 7
    assert_apart(ticks)
    assert [label[-4:] for _, label in ticks if " " in label] == ["2021", "2022"]
