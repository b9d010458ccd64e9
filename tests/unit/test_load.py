"""config/load.py: the cross-checks between manifest keys and the conversions of values, each
problem reported at the line of its key (tests/unit/test_config.py has the basic checks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dossier.config import load_config
from dossier.config.schema import Edition
from dossier.errors import ConfigError

HEAD = """\
name = "x"
title = "T"
date = 2024-01-01
identifier = "id"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    (tmp_path / "b.md").write_text("# B\n\nText.\n")
    (tmp_path / "c.yaml").write_text("events: []\n")
    (tmp_path / "s.yaml").write_text("references: []\n")
    (tmp_path / "p.icc").write_bytes(b"icc")
    return tmp_path


def load(root: Path, text: str) -> object:
    (root / "dossier.toml").write_text(HEAD + text)
    return load_config(root)


def errors(root: Path, text: str) -> list[str]:
    (root / "dossier.toml").write_text(HEAD + text)
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    return [str(p) for p in caught.value.problems]


# --- what a valid manifest gives --------------------------------------------------------


def test_defaults_an_edition_and_the_default_editions(root: Path) -> None:
    config = load(root, 'sections = ["a.md"]\n')
    assert config.editions == {"reader": Edition()}  # type: ignore[attr-defined]
    assert config.default_editions == ["reader"]  # type: ignore[attr-defined]
    assert config.root == root  # type: ignore[attr-defined]


def test_editions_get_their_names_and_default_editions_all_of_them(root: Path) -> None:
    config = load(
        root, 'sections = ["a.md"]\n[editions.brief]\nlayout = "briefing"\n[editions.full]\n'
    )
    assert list(config.editions) == ["brief", "full"]  # type: ignore[attr-defined]
    assert config.editions["brief"].name == "brief"  # type: ignore[attr-defined]
    assert config.editions["brief"].layout == "briefing"  # type: ignore[attr-defined]
    assert config.default_editions == ["brief", "full"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-01-01", dt.date(2024, 1, 1)),
        ('"2024-02-29"', dt.date(2024, 2, 29)),
        ("2024-03-04T10:00:00Z", dt.date(2024, 3, 4)),
    ],
)
def test_dates_as_toml_dates_text_or_datetimes(root: Path, written: str, expected: dt.date) -> None:
    (root / "dossier.toml").write_text(
        HEAD.replace("date = 2024-01-01", f"date = {written}") + 'sections = ["a.md"]\n'
    )
    assert load_config(root).date == expected


def test_reading_order_places_missing_marks(root: Path) -> None:
    config = load(root, 'sections = ["a.md", "b.md"]\nchronology = "c.yaml"\nsources = "s.yaml"\n')
    assert config.reading_order() == ["a.md", "b.md", "@chronology", "@sources"]  # type: ignore[attr-defined]
    config = load(
        root,
        'sections = ["@sources", "a.md", "@chronology"]\nchronology = "c.yaml"\nsources = "s.yaml"\n',
    )
    assert config.reading_order() == ["@sources", "a.md", "@chronology"]  # type: ignore[attr-defined]
    assert config.section_files() == ["a.md"]  # type: ignore[attr-defined]


def test_the_manifest_is_an_input(root: Path) -> None:
    config = load(root, 'sections = ["a.md"]\n')
    files = config.project.files_read  # type: ignore[attr-defined]
    assert set(files) == {"dossier.toml", "a.md"}  # the manifest and the files it names
    assert len(files["dossier.toml"]) == 64  # recorded by its SHA-256


# --- cross-checks --------------------------------------------------------------------------


def test_a_section_listed_twice(root: Path) -> None:
    assert errors(root, 'sections = ["a.md", "b.md", "a.md"]\n') == [
        "dossier.toml:5:1: error: 'a.md' is listed twice in sections"
    ]


def test_marks_without_their_files_and_unknown_marks(root: Path) -> None:
    text = 'sections = [\n  "a.md",\n  "@chronology",\n  "@sources",\n  "@timeline",\n]\n'
    assert errors(root, text) == [
        "dossier.toml:7:3: error: '@chronology' is listed but no chronology file is set",
        "dossier.toml:8:3: error: '@sources' is listed but no sources file is set",
        "dossier.toml:9:3: error: unknown placeholder '@timeline': use '@chronology' or '@sources'",
    ]


def test_no_section_files(root: Path) -> None:
    assert errors(root, 'chronology = "c.yaml"\nsections = ["@chronology"]\n') == [
        "dossier.toml:6:1: error: 'sections' lists no section files; add at least one Markdown file"
    ]


def test_too_many_sections(root: Path) -> None:
    assert errors(root, 'sections = ["a.md", "b.md"]\n[limits]\nmax_sections = 1\n') == [
        "dossier.toml:5:1: error: 2 sections; the limit is 1 (raise [limits] max_sections "
        "in dossier.toml)"
    ]


def test_missing_files_of_every_kind(root: Path) -> None:
    text = (
        'sections = ["a.md", "gone.md"]\nchronology = "no.yaml"\nsources = "no2.yaml"\n'
        'colophon = "no.md"\nstyles = ["a.css"]\n'
    )
    assert errors(root, text) == [
        "dossier.toml:5:1: error: file 'gone.md' not found",
        "dossier.toml:6:1: error: file 'no.yaml' not found",
        "dossier.toml:7:1: error: file 'no2.yaml' not found",
        "dossier.toml:8:1: error: file 'no.md' not found",
        "dossier.toml:9:1: error: file 'a.css' not found",
    ]


def test_a_file_outside_the_project_is_refused(root: Path) -> None:
    (root.parent / "outside.md").write_text("# Outside\n")
    (problem,) = errors(root, 'sections = ["a.md", "../outside.md"]\n')
    assert problem.startswith("dossier.toml:5:1: error: ")
    assert "outside" in problem


def test_an_unknown_default_edition(root: Path) -> None:
    text = 'sections = ["a.md"]\ndefault_editions = ["reader", "print"]\n'
    assert errors(root, text) == [
        "dossier.toml:6:1: error: default edition 'print' is not defined in [editions]"
    ]


def test_pdf_x_needs_an_output_profile_and_allows_no_attachments(root: Path) -> None:
    text = (
        'sections = ["a.md"]\n[editions.print]\npdf_standard = "pdf/x-4"\n'
        'attach_sources = true\naudience = "internal"\n'
    )
    assert errors(root, text) == [
        "dossier.toml:7:1: error: edition 'print' uses pdf/x-4 and needs an output_profile "
        "(ICC file)",
        "dossier.toml:8:1: error: edition 'print': attach_sources needs pdf/a-3, pdf/ua-1 or "
        "no standard (got pdf/x-4)",
    ]


def test_an_output_profile_must_exist(root: Path) -> None:
    text = 'sections = ["a.md"]\n[editions.print]\npdf_standard = "pdf/x-4"\noutput_profile = "x.icc"\n'
    assert errors(root, text) == ["dossier.toml:8:1: error: file 'x.icc' not found"]
    ok = text.replace("x.icc", "p.icc")
    assert load(root, ok).editions["print"].output_profile == "p.icc"  # type: ignore[attr-defined]


def test_an_edition_without_formats(root: Path) -> None:
    assert errors(root, 'sections = ["a.md"]\n[editions.none]\nformats = []\n') == [
        "dossier.toml:7:1: error: edition 'none' has no formats"
    ]


# --- conversions ---------------------------------------------------------------------------


def test_edition_names_and_tables(root: Path) -> None:
    text = 'sections = ["a.md"]\n[editions]\nPrint = {}\nbrief = "pdf"\n'
    assert errors(root, text) == [
        "dossier.toml:7:1: error: 'editions.Print': names must be lowercase letters, digits, "
        "hyphens",
        "dossier.toml:8:1: error: 'editions.brief' must be a table",
    ]


def test_an_unknown_key_in_a_table_names_its_table(root: Path) -> None:
    text = 'sections = ["a.md"]\n[editions.print]\nformat = ["pdf"]\n[limits]\nmax_event = 3\n'
    assert errors(root, text) == [
        "dossier.toml:7:1: error: unknown key 'editions.print.format'; did you mean 'formats'?",
        "dossier.toml:9:1: error: unknown key 'limits.max_event'; did you mean 'max_events'?",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("crop_marks = 1", "'editions.e.crop_marks' must be true or false (got 1)"),
        ("max_pages = true", "'editions.e.max_pages' must be a whole number (got True)"),
        ("max_pages = 2.5", "'editions.e.max_pages' must be a whole number (got 2.5)"),
        ("label = 3", "'editions.e.label' must be text (got 3)"),
        ('parts = "all"', "'editions.e.parts' must be a list of text (got 'all')"),
        ('layout = "poster"', "'editions.e.layout' must be 'book' or 'briefing' (got 'poster')"),
    ],
)
def test_wrong_types_name_the_expected_type(root: Path, line: str, message: str) -> None:
    assert errors(root, f'sections = ["a.md"]\n[editions.e]\n{line}\n') == [
        f"dossier.toml:7:1: error: {message}"
    ]


def test_a_table_where_a_value_is_expected_and_the_reverse(root: Path) -> None:
    assert errors(root, 'sections = ["a.md"]\nlimits = 3\n') == [
        "dossier.toml:6:1: error: 'limits' must be a table (got 3)"
    ]
    assert errors(root, 'sections = ["a.md"]\n[subtitle]\nx = 1\n') == [
        "dossier.toml:6:1: error: 'subtitle' must be text (got {'x': 1})"
    ]


def test_a_bad_item_in_a_list_is_reported_once_at_its_line(root: Path) -> None:
    text = 'sections = ["a.md"]\n[editions.e]\nformats = [\n  "pdf",\n  "docx",\n]\n'
    assert errors(root, text) == [
        "dossier.toml:9:3: error: 'editions.e.formats.1' must be 'pdf' or 'epub' or 'html' (got 'docx')"
    ]


def test_no_manifest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"error: no dossier.toml in '{tmp_path}': pass the project folder, or create a "
        "manifest (see the README)"
    )


def test_value_checks_are_skipped_until_the_types_are_right(root: Path) -> None:
    """Cross-checks need a whole config: they run only when every key is valid."""
    text = 'sections = ["gone.md"]\naccent_colour = "red"\n'
    assert errors(root, text) == [
        "dossier.toml:6:1: error: 'accent_colour' must be a colour like #7a1f2b (got 'red')"
    ]
