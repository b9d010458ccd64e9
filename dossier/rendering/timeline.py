"""The timeline figure's geometry: the chronology laid out on a broken axis, as typed shapes
that the `shared/timeline.svg` template draws (in the project's accent colour).

Events are grouped into segments separated by gaps that are long compared with the
segments on both sides (e.g. 1770s–1950s // 2015 // 2021–2022); each segment has its own
linear scale and a share of the width that grows with its number of events. Periods are
bars, single dates are dots; approximate dates are hollow or hatched, uncertain ones are
marked "?", open ends are arrows. Markers carry the row numbers of the chronology table,
which is the figure's text equivalent.
"""

from __future__ import annotations

import bisect
import colorsys
import math
from dataclasses import dataclass, field

from jinja2.environment import Environment

from dossier.model.records import Event
from dossier.rendering.words import event_date_label, month_abbreviation, word

WIDTH = 1000.0
MARGIN = 16.0
BREAK = 26.0
LANE = 24.0
AXIS_GAP = 26.0
MARKER = 13.0  # the height of a bar, the diameter of a dot's lane
TEMPLATE = "shared/timeline.svg"


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
        # the first pair (t0, t1) with t0 <= year <= t1, found by bisection (anchors are
        # sorted by year; a long chronology has thousands)
        i = max(1, bisect.bisect_left(self.anchors, year, key=lambda a: a[0]))
        if i >= len(self.anchors):
            return self.anchors[-1][1]
        (t0, x0), (t1, x1) = self.anchors[i - 1], self.anchors[i]
        return x0 if t1 == t0 else x0 + (year - t0) / (t1 - t0) * (x1 - x0)


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
                ticks.append((position, month_abbreviation(month), year))
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


@dataclass(frozen=True)
class Marker:
    """One event on the figure: a bar (a period) or a dot (a single date) at the top of a
    stem down to the axis, with its row number as a label."""

    x0: float  # start (a dot's centre)
    x1: float  # end (a dot: = x0)
    y: float  # top of the marker's lane
    bar: bool
    approximate: bool  # bars hatched, dots hollow
    open_start: bool  # an arrow before the bar ("../1799")
    open_end: bool  # an arrow after it ("2022-05-11/..")
    label: str  # the row number, "?" after it for an uncertain date
    label_x: float
    light_label: bool  # a light label on a filled bar; otherwise dark on a plain ground
    ground_width: float  # the plain ground of a dark label

    @property
    def middle(self) -> float:
        """The vertical middle of the marker."""
        return self.y + MARKER / 2

    @property
    def baseline(self) -> float:
        """The baseline of the label."""
        return self.y + 11


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class AxisPart:
    """One segment of the broken axis, its ticks, and the break mark after it (if any)."""

    x0: float
    x1: float
    ticks: list[Tick]
    break_at: float | None = None


@dataclass
class TimelineShapes:
    """The figure's geometry, in SVG user units; `shared/timeline.svg` draws it."""

    width: float
    height: float
    axis_y: float
    markers: list[Marker]
    axis: list[AxisPart]
    alt: str
    segments: list[Segment]


def render_timeline(events: list[Event]) -> TimelineShapes:
    """Lay out the events (numbered 1..n in table order) on a broken time axis."""
    segments = segments_for(events)
    _layout(segments, len(events))
    for segment in segments:
        _warp(segment, events)
    home = {i: s for s in segments for i in s.events}
    spans = []
    for i, event in enumerate(events):
        segment = home[i]
        x0 = segment.x(max(event.start_year, segment.start))
        x1 = segment.x(min(event.end_year, segment.end))
        is_bar = x1 - x0 > 7
        label_width = 8 + 7.6 * len(str(i + 1))
        right = max(x1, x0 + label_width + 4) if is_bar else x0 + 6 + label_width
        spans.append((x0 - (0 if is_bar else 5), right))
    order = sorted(range(len(spans)), key=lambda k: spans[k])
    lanes = _place([spans[k] for k in order])
    lane_of = {order[n]: lane for n, lane in enumerate(lanes)}
    lane_count = max(lanes) + 1 if lanes else 1
    axis_y = 14 + lane_count * LANE + 8
    markers = [_marker(events, i, home[i], 14 + lane_of[i] * LANE) for i in range(len(events))]
    axis = [
        AxisPart(
            s.x0,
            s.x1,
            [Tick(x, label) for x, label in _shown_ticks(s)],
            s.x1 + BREAK / 2 if n < len(segments) - 1 else None,
        )
        for n, s in enumerate(segments)
    ]
    return TimelineShapes(
        WIDTH, axis_y + AXIS_GAP + 18, axis_y, markers, axis, _alt(events, segments), segments
    )


def _marker(events: list[Event], i: int, segment: Segment, y: float) -> Marker:
    event = events[i]
    x0 = segment.x(max(event.start_year, segment.start))
    x1 = segment.x(min(event.end_year, segment.end))
    is_bar = x1 - x0 > 7
    # a label goes inside a bar that can hold the widest row number, so that all do alike
    label_width = 8 + 7.6 * len(str(len(events)))
    if is_bar:
        text_x = x0 + 3 if x1 - x0 > label_width else x1 + 3
        light = x1 - x0 > label_width and not event.approximate
    else:
        x1, text_x, light = x0, x0 + 7, False
    label = f"{i + 1}{word('timeline.uncertain') if event.uncertain else ''}"
    return Marker(
        x0,
        x1,
        y,
        is_bar,
        event.approximate,
        is_bar and math.isinf(event.earliest),
        is_bar and math.isinf(event.latest),
        label,
        text_x,
        light,
        3 + 8 * len(label),
    )


def draw_timeline(shapes: TimelineShapes, env: Environment, accent: str) -> str:
    """The figure as SVG, drawn by the `shared/timeline.svg` template in the accent colour."""
    return env.get_template(TEMPLATE).render(timeline=shapes, accent=accent)


def _segment_label(segment: Segment) -> str:
    first, last = math.floor(segment.first), math.floor(segment.last - 1e-6)
    return str(first) if last <= first else f"{first}–{last}"


def _alt(events: list[Event], segments: list[Segment]) -> str:
    spans = ", ".join(_segment_label(s) for s in segments)
    broken = (
        word("timeline.alt.broken", count=len(segments), spans=spans) if len(segments) > 1 else ""
    )
    return word(
        "timeline.alt",
        count=len(events),
        first=event_date_label(events[0]),
        last=event_date_label(events[-1]),
        broken=broken,
    )


def tint(colour: str, lightness: float = 0.924, saturation: float = 0.385) -> str:
    """A pale ground in the hue of `colour` (#rrggbb), for the hatching of approximate
    periods: the default accent #7a1f2b gives #f3e4e6; a grey stays grey."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, own = colorsys.rgb_to_hls(r, g, b)
    rgb = colorsys.hls_to_rgb(hue, lightness, min(saturation, own))
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


def coord(value: float, digits: int = 1) -> str:
    """A coordinate as the SVG writes it (a tenth of a unit)."""
    return f"{value:.{digits}f}"
