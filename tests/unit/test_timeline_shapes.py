"""The timeline's geometry (typed shapes, no SVG) and its drawing by the overridable
`shared/timeline.svg` template in the project's accent colour."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

from dossier.errors import Location
from dossier.model.dates import parse_date
from dossier.model.records import Event
from dossier.rendering.environment import make_environment
from dossier.rendering.timeline import (
    AxisPart,
    Marker,
    Tick,
    draw_timeline,
    render_timeline,
    tint,
)
from dossier.sandbox.files import ProjectFiles

SVG = "{http://www.w3.org/2000/svg}"


def row(i: int, date: str, **flags: bool) -> Event:
    value = parse_date(date)
    return Event(
        i,
        f"e{i}",
        date,
        "",
        "x",
        [],
        Location("c.yaml", i + 1),
        value.earliest,
        value.latest,
        approximate=value.approximate,
        uncertain=value.uncertain,
        start_year=value.earliest if not value.start.open else value.latest - 1,
        end_year=value.latest if math.isfinite(value.latest) else value.earliest + 1,
        grain=value.grain,
        value=value,
        **flags,
    )


EVENTS = [
    row(0, "../1799"),
    row(1, "1900"),
    row(2, "2020-01/2021-12"),
    row(3, "2021-05-02~"),
    row(4, "2021-06-07?"),
    row(5, "2022-01-09"),
]


def test_the_geometry_is_typed_shapes() -> None:
    shapes = render_timeline(EVENTS)
    assert all(isinstance(m, Marker) for m in shapes.markers)
    assert [m.label for m in shapes.markers] == ["1", "2", "3", "4", "5?", "6"]
    open_bar, year, period, approximate, uncertain, day = shapes.markers
    assert open_bar.bar and open_bar.open_start and not open_bar.open_end
    assert period.bar and not period.open_start and period.x1 > period.x0
    assert not day.bar and day.x1 == day.x0  # a single day is a dot
    assert approximate.approximate and not approximate.bar
    assert year.bar and year.light_label and not year.approximate  # a year is a period
    assert uncertain.label.endswith("?") and not uncertain.light_label
    assert all(m.baseline == m.y + 11 and m.middle == m.y + 6.5 for m in shapes.markers)
    assert all(isinstance(p, AxisPart) for p in shapes.axis)
    assert all(isinstance(t, Tick) for p in shapes.axis for t in p.ticks)
    # the axis is broken between its parts, not after the last
    assert [p.break_at is None for p in shapes.axis][-1]
    assert all(p.break_at is not None for p in shapes.axis[:-1])
    assert 0 < shapes.axis[0].x0 < shapes.axis[-1].x1 < shapes.width
    assert shapes.axis_y < shapes.height


def test_the_description_uses_the_date_labels() -> None:
    alt = render_timeline(EVENTS).alt
    assert alt.startswith("Timeline of the 6 events of the chronology, from until 1799 to ")
    assert "9 January 2022" in alt


def svg(tmp_path: Path, accent: str) -> ET.Element:
    env = make_environment(ProjectFiles(tmp_path))
    return ET.fromstring(draw_timeline(render_timeline(EVENTS), env, accent))


def test_a_blue_project_gets_a_blue_timeline(tmp_path: Path) -> None:
    drawn = svg(tmp_path, "#1f4e79")
    strokes = {e.get("stroke") for e in drawn.iter() if e.tag in (f"{SVG}rect", f"{SVG}circle")}
    assert strokes - {None} == {"#1f4e79"}
    fills = {e.get("fill") for e in drawn.iter(f"{SVG}circle")}
    assert "#1f4e79" in fills
    assert "#7a1f2b" not in ET.tostring(drawn, encoding="unicode")
    (hatch,) = drawn.iter(f"{SVG}pattern")
    ground, line = list(hatch)
    assert ground.get("fill") == tint("#1f4e79") == "#e4ecf3"
    assert line.get("stroke") == "#1f4e79"


def test_the_theme_font_and_the_default_accent(tmp_path: Path) -> None:
    drawn = svg(tmp_path, "#7a1f2b")
    assert drawn.get("font-family") == (
        "'Dossier Sans', 'Dossier Theme Sans', 'Dossier Theme Sans Georgian', "
        "'Dossier Theme Sans Armenian', sans-serif"
    )
    (hatch,) = drawn.iter(f"{SVG}pattern")
    assert hatch[0].get("fill") == "#f3e4e6"  # the theme's pale maroon


def test_tints_keep_the_hue_and_greys_stay_grey() -> None:
    assert tint("#7a1f2b") == "#f3e4e6"
    red, green, blue = (int(tint("#555555")[i : i + 2], 16) for i in (1, 3, 5))
    assert red == green == blue


def test_a_project_template_redraws_the_timeline(tmp_path: Path) -> None:
    (tmp_path / "templates" / "shared").mkdir(parents=True)
    (tmp_path / "templates" / "shared" / "timeline.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">{% for m in timeline.markers %}'
        '<circle cx="{{ m.x0|coord }}" fill="{{ accent }}"/>{% endfor %}</svg>'
    )
    drawn = svg(tmp_path, "#1f4e79")
    assert len(list(drawn.iter(f"{SVG}circle"))) == len(EVENTS)
