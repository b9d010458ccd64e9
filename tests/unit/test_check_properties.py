"""Property-based robustness of the check: whatever is written into a section, its front
matter or the chronology, `dossier.check()` returns problems or raises
`DossierError`; any other exception is a bug in dossier. (Builds: tests/build/test_build_properties.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given

from strategies import (
    CHRONOLOGY,
    SECTION,
    check_or_dossier_error,
    chronology,
    dump,
    fast,
    front_matter_mapping,
    markdown,
    project_with,
    section_text,
    with_front_matter,
    yaml_ish_text,
)


@fast(300)
@given(text=section_text)
def test_any_section_is_checked_without_crashing(pristine: Path, text: str) -> None:
    with project_with(pristine, {SECTION: text}) as root:
        check_or_dossier_error(root)


@fast(150)
@given(front=yaml_ish_text, body=markdown)
def test_any_front_matter_text_is_checked_without_crashing(
    pristine: Path, front: str, body: str
) -> None:
    with project_with(pristine, {SECTION: with_front_matter(front, body)}) as root:
        check_or_dossier_error(root)


@fast(150)
@given(front=front_matter_mapping)
def test_any_front_matter_mapping_is_checked_without_crashing(
    pristine: Path, front: dict[str, Any]
) -> None:
    text = with_front_matter(dump(front), "Settlers arrived [@report-2023].\n")
    with project_with(pristine, {SECTION: text}) as root:
        check_or_dossier_error(root)


@fast(300)
@given(text=chronology)
def test_any_chronology_is_checked_without_crashing(pristine: Path, text: str) -> None:
    with project_with(pristine, {CHRONOLOGY: text}) as root:
        check_or_dossier_error(root)
