"""Property-based robustness of the build: whatever is written into a section or the
chronology, a build of the EPUB returns outputs or raises `DossierError`; any other exception is
a bug in dossier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

import dossier

from strategies import (
    CHRONOLOGY,
    SECTION,
    TEXT,
    VALID_EDTF,
    build_or_dossier_error,
    dump,
    fast,
    markdown,
    project_with,
    section_text,
)


@fast(12)
@given(text=section_text)
def test_any_section_builds_an_epub_or_fails_cleanly(pristine: Path, text: str) -> None:
    with project_with(pristine, {SECTION: text}) as root:
        build_or_dossier_error(root)


renderable_event = st.fixed_dictionaries(
    {
        "date": st.sampled_from(VALID_EDTF),
        "event": markdown.filter(str.strip),
        "sources": st.sampled_from([["report-2023"], [{"key": "witness", "locator": "p. 1"}]]),
    },
    optional={"label": TEXT, "place": TEXT, "note": markdown, "inferred": st.just("year")},
)


@fast(12)
@given(events=st.lists(renderable_event, min_size=1, max_size=6))
def test_any_chronology_builds_an_epub_or_fails_cleanly(
    pristine: Path, events: list[dict[str, Any]]
) -> None:
    with project_with(pristine, {CHRONOLOGY: dump({"events": events})}) as root:
        build_or_dossier_error(root)


@fast(12)
@given(dates=st.lists(st.sampled_from(VALID_EDTF), min_size=1, max_size=8))
@example(dates=["2023", "XXXX"])  # found here: once a StopIteration in timeline._ticks
def test_any_valid_dates_build_an_epub(pristine: Path, dates: list[str]) -> None:
    """Valid EDTF dates, correctly sourced, always build (timeline and table included)."""
    events = [{"date": d, "event": f"Event {i}.", "sources": ["report-2023"]} for i, d in
              enumerate(dates)]  # fmt: skip
    with project_with(pristine, {CHRONOLOGY: dump({"events": events})}) as root:
        outputs = dossier.build(root, formats=["epub"])
        assert [o.format for o in outputs] == ["epub"]
