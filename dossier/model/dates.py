"""The chronology's dates: EDTF values (parsed by the `edtf` package) and their ordering.
How a date reads ("c. March 2022") is chosen at render time, in `rendering.words`.

Ordering uses the strict extent of each value: approximation (`~`) or uncertainty (`?`)
qualifies a date but does not move it, so "c. March 2022" sorts with March 2022.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Point:
    """One end of a date: its strict first and last day, and its qualifiers."""

    first: tuple[int, int, int]
    last: tuple[int, int, int]
    approximate: bool = False
    uncertain: bool = False
    season: int = 0
    open: bool = False  # an open or unknown interval end ("..", "")


@dataclass(frozen=True)
class DateValue:
    """A parsed EDTF value: one point, or an interval of two."""

    text: str
    start: Point
    end: Point | None = None

    @property
    def approximate(self) -> bool:
        return self.start.approximate or bool(self.end and self.end.approximate)

    @property
    def uncertain(self) -> bool:
        return self.start.uncertain or bool(self.end and self.end.uncertain)

    @property
    def earliest(self) -> float:
        return -math.inf if self.start.open else year_fraction(self.start.first)

    @property
    def grain(self) -> float:
        """How finely the value needs to be resolved on a time axis, in years."""
        point = self.end if self.start.open and self.end else self.start
        return max(1 / 12, year_fraction(point.last) - year_fraction(point.first))

    @property
    def latest(self) -> float:
        last = self.end or self.start
        return math.inf if last.open else year_fraction(last.last)


def year_fraction(day: tuple[int, int, int]) -> float:
    """A monotonic position in years (proleptic, works before year 1)."""
    year, month, d = day
    return year + ((month - 1) * 31 + (d - 1)) / 372


def _ymd(value: Any) -> tuple[int, int, int]:
    return (value.tm_year, value.tm_mon, value.tm_mday)


def _point(obj: Any) -> Point:
    from edtf.parser import parser_classes as edtf_classes

    if isinstance(obj, edtf_classes.UnspecifiedIntervalSection):
        return Point((0, 1, 1), (0, 1, 1), open=True)
    first, last = _ymd(obj.lower_strict()), _ymd(obj.upper_strict())
    for y, m, d in (first, last):
        if 1 <= y <= 9999:
            dt.date(y, m, d)  # raises ValueError for impossible days (2022-02-30)
    season = int(obj.season) if isinstance(obj, edtf_classes.Season) else 0
    both = bool(getattr(obj, "is_uncertain_and_approximate", False))  # EDTF "%"
    approximate = both or bool(getattr(obj, "is_approximate", False))
    uncertain = both or bool(getattr(obj, "is_uncertain", False))
    return Point(first, last, approximate, uncertain, season)


#: Parsed dates by their text: the `edtf` parser costs about 4 ms a date, so results are
#: kept for the process and, through `build`, between builds (see `dates_to_json`).
MEMO: dict[str, DateValue | str] = {}


def parse_date(text: str) -> DateValue:
    """Parse an EDTF string; raises ValueError with a readable reason."""
    known = MEMO.get(text)
    if known is None:
        try:
            known = _parse_date(text)
        except ValueError as exc:
            known = str(exc)
        MEMO[text] = known
    if isinstance(known, str):
        raise ValueError(known)
    return known


def dates_to_json() -> dict[str, object]:
    def point(p: Point) -> list[object]:
        return [list(p.first), list(p.last), p.approximate, p.uncertain, p.season, p.open]

    return {
        text: value
        if isinstance(value, str)
        else [point(value.start), point(value.end) if value.end else None]
        for text, value in MEMO.items()
    }


def dates_from_json(saved: object) -> None:
    """Load parsed dates saved by `dates_to_json` (anything malformed is ignored)."""
    if not isinstance(saved, dict):
        return
    for text, value in saved.items():
        try:
            if isinstance(value, str):
                MEMO.setdefault(text, value)
                continue
            start, end = (Point(tuple(p[0]), tuple(p[1]), *p[2:]) if p else None for p in value)
            MEMO.setdefault(text, DateValue(text, start, end))  # type: ignore[arg-type]
        except (TypeError, ValueError, IndexError):
            continue


def _parse_date(text: str) -> DateValue:
    # imported here: building its grammar takes 0.2 s, which a build whose dates are all
    # in the memo does not pay
    from edtf import parse_edtf
    from edtf.parser import parser_classes as edtf_classes
    from edtf.parser.edtf_exceptions import EDTFParseException

    points = (
        edtf_classes.Date,
        edtf_classes.UncertainOrApproximate,
        edtf_classes.Unspecified,
        edtf_classes.Season,
        edtf_classes.PartialUncertainOrApproximate,
    )
    try:
        # edtf prints a debugging line to stdout for some invalid values ("trying to …"),
        # which would end up in `dossier check --format json`
        with contextlib.redirect_stdout(io.StringIO()):
            obj = parse_edtf(text)
    except EDTFParseException as exc:
        reason = str(exc).split(". Please")[0]
        raise ValueError(reason) from None
    except Exception:  # edtf fails inside its own classes on some values (e.g. "0000-0X")
        raise ValueError("not a date the EDTF parser can read") from None
    if isinstance(obj, edtf_classes.Interval | edtf_classes.Level1Interval):
        start, end = _point(obj.lower), _point(obj.upper)
        if start.open and end.open:
            raise ValueError("an interval needs at least one known end")
        if not start.open and not end.open and start.first > end.last:
            raise ValueError("the interval ends before it starts")
        return DateValue(text, start, end)
    if not isinstance(obj, points):
        raise ValueError(f"{type(obj).__name__} values are not supported in a chronology")
    return DateValue(text, _point(obj))
