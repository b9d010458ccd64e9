"""The timeline figure: the chronology drawn as vector SVG on a broken axis.

Events are grouped into segments separated by gaps that are long compared with the
segments on both sides (e.g. 1770s–1950s // 2015 // 2021–2022); each segment has its own
linear scale and a share of the width that grows with its number of events. Periods are
bars, single dates are dots; approximate dates are hollow or hatched, uncertain ones are
marked "?", open ends are arrows. Markers carry the row numbers of the chronology table,
which is the figure's text equivalent.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from markupsafe import escape

from dossier.model.dates import MONTHS
from dossier.model.records import Event

WIDTH = 1000.0
MARGIN = 16.0
BREAK = 26.0
LANE = 24.0
AXIS_GAP = 26.0
FONT = "'Dossier Sans', 'PT Sans', sans-serif"


@dataclass
class Segment:
    start: float
    end: float
    events: list[int]
    x0: float = 0.0
    x1: float = 0.0
    first: float = 0.0  # the events' own extent, before padding
    last: float = 0.0
    anchors: list[tuple[float, float]] = field(default_factory=list)  # (year, x)

    @property
    def span(self) -> float:
        return self.end - self.start

    def x(self, year: float) -> float:
        """Position of a moment: piecewise linear between the anchors (see `_warp`)."""
        if self.span <= 0:
            return (self.x0 + self.x1) / 2
        if not self.anchors:
            return self.x0 + (year - self.start) / self.span * (self.x1 - self.x0)
        year = min(max(year, self.anchors[0][0]), self.anchors[-1][0])
        for (t0, x0), (t1, x1) in itertools.pairwise(self.anchors):
            if t0 <= year <= t1:
                return x0 if t1 == t0 else x0 + (year - t0) / (t1 - t0) * (x1 - x0)
        return self.anchors[-1][1]


@dataclass
class Figure:
    svg: str
    alt: str
    segments: list[Segment]


def _extent(event: Event) -> tuple[float, float]:
    return event.start_year, event.end_year


def segments_for(events: list[Event], max_segments: int = 5) -> list[Segment]:
    """Cluster events into axis segments. A gap breaks the axis when it is longer than 24
    steps of the precision of the events on either side of it: 7 empty years between two
    events dated to the year do not, 6 years before a run of events dated to the day do."""
    order = sorted(range(len(events)), key=lambda i: _extent(events[i]))
    segments: list[Segment] = []
    end_grain = 1.0
    for i in order:
        start, end = _extent(events[i])
        grain = events[i].grain
        if segments and start - segments[-1].end <= 24 * min(end_grain, grain):
            if end >= segments[-1].end:
                segments[-1].end, end_grain = end, grain
            segments[-1].events.append(i)
        else:
            segments.append(Segment(start, end, [i]))
            end_grain = grain
    while len(segments) > max_segments:  # merge across the smallest gap
        k = min(range(len(segments) - 1), key=lambda j: segments[j + 1].start - segments[j].end)
        segments[k].end = max(segments[k].end, segments[k + 1].end)
        segments[k].events += segments.pop(k + 1).events
    for segment in segments:  # pad to whole years (a month for short spans)
        segment.first, segment.last = segment.start, segment.end
        pad = 0.08 if segment.span < 3 else 0.5
        segment.start -= pad
        segment.end += pad
    return segments


def _layout(segments: list[Segment], total: int) -> None:
    usable = WIDTH - 2 * MARGIN - BREAK * (len(segments) - 1)
    spread = [s for s in segments if len(s.events) > 1] or segments
    weights = [
        0.07 if s not in spread else 0.6 * len(s.events) / total + 0.4 / len(spread)
        for s in segments
    ]
    scale = usable / sum(weights)
    x = MARGIN
    for segment, weight in zip(segments, weights, strict=True):
        segment.x0, segment.x1 = x, x + weight * scale
        x = segment.x1 + BREAK


def _warp(segment: Segment, events: list[Event]) -> None:
    """Compress empty stretches and widen crowded ones: every event boundary is placed
    halfway between its linear position and its rank among the segment's boundaries. The
    scale stays monotonic, so ticks and ranges remain true; the caption says it is
    compressed."""
    ends = (t for i in segment.events for t in (events[i].start_year, events[i].end_year))
    times = sorted(
        {segment.start, segment.end, *(min(max(t, segment.start), segment.end) for t in ends)}
    )
    if len(times) < 3:
        return
    width, last = segment.x1 - segment.x0, len(times) - 1
    for rank, t in enumerate(times):
        share = 0.5 * (t - segment.start) / segment.span + 0.5 * rank / last
        segment.anchors.append((t, segment.x0 + width * share))


def _ticks(segment: Segment) -> list[tuple[float, str, int | None]]:
    """Candidate ticks (position, label, year of a month tick); a segment holding a single
    event gets its year only. `_shown_ticks` picks the ones that fit."""
    start, end = segment.start, segment.end
    span = end - start
    if len(segment.events) == 1:
        middle = (segment.first + segment.last) / 2
        return [(middle, str(math.floor(middle)), None)]
    if span < 3:
        ticks: list[tuple[float, str, int | None]] = []
        year, month = int(start), int((start % 1) * 12) + 1
        step = 1 if span < 0.8 else 3
        while (position := year + (month - 1) / 12) <= end:
            if position >= start:
                ticks.append((position, MONTHS[month - 1][:3], year))
            month += step
            if month > 12:
                year, month = year + 1, month - 12
        return ticks
    step = _nice_step(span / 6)
    first = math.ceil(start / step) * step
    return [(float(y), str(y), None) for y in range(int(first), int(end) + 1, step)]


def _nice_step(least: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … years that is at least `least`."""
    power = 10 ** max(0, math.floor(math.log10(max(least, 1))))
    return next(power * m for m in (1, 2, 5, 10) if power * m >= least)


def _shown_ticks(segment: Segment) -> list[tuple[float, str]]:
    """The ticks whose labels fit (the compressed parts of the axis get fewer); the first
    shown month of each year carries the year."""
    shown: list[tuple[float, str]] = []
    right, year_shown = -math.inf, None
    for position, label, year in _ticks(segment):
        x = segment.x(position)
        if year is not None and year != year_shown:
            label = f"{label} {year}"
        half = 3.5 * len(label)  # about half the label's width at 13 px
        if x - half < right + 8:
            continue
        if len(segment.events) > 1 and (x < segment.x0 + 4 or x > segment.x1 - 16):
            continue  # keep labels clear of the break marks
        shown.append((x, label))
        right, year_shown = x + half, year
    return shown


def _place(items: list[tuple[float, float]]) -> list[int]:
    """Greedy lanes: each (x0, x1) goes to the lowest lane where it does not overlap."""
    lanes: list[float] = []
    placed = []
    for x0, x1 in items:
        for lane, right in enumerate(lanes):
            if x0 > right + 3:
                lanes[lane] = x1
                placed.append(lane)
                break
        else:
            lanes.append(x1)
            placed.append(len(lanes) - 1)
    return placed


def render_timeline(events: list[Event]) -> Figure:
    """Draw the events (numbered 1..n in table order) as an SVG figure."""
    segments = segments_for(events)
    _layout(segments, len(events))
    for segment in segments:
        _warp(segment, events)
    home = {i: s for s in segments for i in s.events}
    shapes = []
    for i, event in enumerate(events):
        segment = home[i]
        x0 = segment.x(max(event.start_year, segment.start))
        x1 = segment.x(min(event.end_year, segment.end))
        is_bar = x1 - x0 > 7
        label_width = 8 + 7.6 * len(str(i + 1))
        right = max(x1, x0 + label_width + 4) if is_bar else x0 + 6 + label_width
        extent = (x0 - (0 if is_bar else 5), right)
        shapes.append((extent, i, x0, x1, is_bar))
    order = sorted(range(len(shapes)), key=lambda k: shapes[k][0])
    lanes = _place([shapes[k][0] for k in order])
    lane_of = {order[n]: lane for n, lane in enumerate(lanes)}
    lane_count = max(lanes) + 1 if lanes else 1
    axis_y = 14 + lane_count * LANE + 8
    height = axis_y + AXIS_GAP + 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
        f'width="{WIDTH:.0f}" height="{height:.0f}" font-family="{FONT}" font-size="14">',
        '<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="5" height="5" fill="#f3e4e6"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#7a1f2b" stroke-width="2"/></pattern></defs>',
    ]
    for k, (_, _, x0, _, _) in enumerate(shapes):  # stems first, under every shape
        parts.append(
            f'<line x1="{x0:.1f}" y1="{14 + lane_of[k] * LANE + 11:.1f}" x2="{x0:.1f}" '
            f'y2="{axis_y:.1f}" stroke="#c8c2b8" stroke-width="0.7"/>'
        )
    for k, (_, i, x0, x1, is_bar) in enumerate(shapes):
        event = events[i]
        y = 14 + lane_of[k] * LANE
        fill = "url(#hatch)" if event.approximate else "#7a1f2b"
        if is_bar:
            parts.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{x1 - x0:.1f}" height="13" '
                f'rx="2" fill="{fill}" stroke="#7a1f2b" stroke-width="1"/>'
            )
            if math.isinf(event.earliest):
                parts.append(
                    f'<path d="M{x0 - 7:.1f} {y + 6.5:.1f} l7 -6.5 v13 z" fill="#7a1f2b"/>'
                )
            if math.isinf(event.latest):
                parts.append(
                    f'<path d="M{x1 + 7:.1f} {y + 6.5:.1f} l-7 -6.5 v13 z" fill="#7a1f2b"/>'
                )
            text_x = x0 + 3 if x1 - x0 > label_width else x1 + 3
            colour = "#ffffff" if x1 - x0 > label_width and not event.approximate else "#1c1b19"
        else:
            hollow = "#ffffff" if event.approximate else "#7a1f2b"
            parts.append(
                f'<circle cx="{x0:.1f}" cy="{y + 6.5:.1f}" r="5" fill="{hollow}" '
                'stroke="#7a1f2b" stroke-width="1.6"/>'
            )
            text_x, colour = x0 + 7, "#1c1b19"
        label = f"{i + 1}{'?' if event.uncertain else ''}"
        if colour != "#ffffff":  # a dark label gets a plain ground over stems and hatching
            parts.append(
                f'<rect x="{text_x - 1.5:.1f}" y="{y:.1f}" width="{3 + 8 * len(label):.1f}" '
                'height="13" fill="#ffffff" fill-opacity="0.9"/>'
            )
        parts.append(
            f'<text x="{text_x:.1f}" y="{y + 11:.1f}" fill="{colour}" '
            f'font-weight="700">{label}</text>'
        )
    for n, segment in enumerate(segments):
        parts.append(
            f'<line x1="{segment.x0:.1f}" y1="{axis_y:.1f}" x2="{segment.x1:.1f}" '
            f'y2="{axis_y:.1f}" stroke="#1c1b19" stroke-width="1.4"/>'
        )
        for x, label in _shown_ticks(segment):
            parts.append(
                f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + 5:.1f}" '
                'stroke="#1c1b19" stroke-width="1"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{axis_y + 20:.1f}" text-anchor="middle" '
                f'fill="#5d5a54" font-size="13">{escape(label)}</text>'
            )
        if n < len(segments) - 1:
            bx = segment.x1 + BREAK / 2
            for dx in (-3.5, 3.5):
                parts.append(
                    f'<line x1="{bx + dx - 4:.1f}" y1="{axis_y + 6:.1f}" '
                    f'x2="{bx + dx + 4:.1f}" y2="{axis_y - 6:.1f}" stroke="#1c1b19" '
                    'stroke-width="1.2"/>'
                )
    parts.append("</svg>")
    return Figure("\n".join(parts), _alt(events, segments), segments)


def _segment_label(segment: Segment) -> str:
    first, last = math.floor(segment.first), math.floor(segment.last - 1e-6)
    return str(first) if last <= first else f"{first}–{last}"


def _alt(events: list[Event], segments: list[Segment]) -> str:
    spans = ", ".join(_segment_label(s) for s in segments)
    broken = (
        f" on an axis broken into {len(segments)} segments ({spans})" if len(segments) > 1 else ""
    )
    return (
        f"Timeline of the {len(events)} events of the chronology, from {events[0].label} to "
        f"{events[-1].label}{broken}. Each marker is numbered as its row in the chronology "
        "table, which gives the full text."
    )


CAPTION = (
    "Numbers are rows of the chronology table. Bars are periods, dots single dates; "
    "hatched bars and hollow dots are approximate, “?” marks uncertain dates. The axis is "
    "broken (//) where decades pass without events, and within a segment the scale is "
    "compressed where events are sparse and widened where they crowd."
)
