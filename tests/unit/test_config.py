"""The manifest: declared once, every problem reported together with its key and line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dossier.config import load_config
from dossier.config.schema import Config, Edition, Limits
from dossier.errors import ConfigError

from conftest import REPO

README = REPO / "README.md"


def write(project: Path, text: str) -> None:
    (project / "dossier.toml").write_text(text)


def messages(project: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(project)
    return [str(p) for p in caught.value.problems]


def test_the_sample_manifest_loads(project: Path) -> None:
    config = load_config(project)
    assert config.name == "sample" and config.language == "en-GB"
    assert str(config.date) == "2024-03-01"
    assert config.reading_order()[2] == "@chronology"
    assert list(config.editions) == ["reader"] and config.default_editions == ["reader"]


def test_all_problems_are_reported_together(project: Path) -> None:
    write(
        project,
        """name = "Bad Name"
title = 42
language = "en-GB"
date = "yesterday"
identifier = "x"
sections = ["sections/missing.md", "sections/01-summary.md"]
colour = "#ffffff"

[limits]
max_events = -1
""",
    )
    assert messages(project) == [
        "dossier.toml:1:1: error: 'name' must be lowercase letters, digits and hyphens "
        "(got 'Bad Name')",
        "dossier.toml:2:1: error: 'title' must be text (got 42)",
        "dossier.toml:4:1: error: 'date' must be a date (YYYY-MM-DD) (got 'yesterday')",
        "dossier.toml:7:1: error: unknown key 'colour'; did you mean 'accent_colour'?",
        "dossier.toml:10:1: error: 'limits.max_events' must be from 1 to 1,000,000 (got -1)",
    ]


def test_missing_files_are_reported_with_their_key(project: Path) -> None:
    text = (project / "dossier.toml").read_text()
    write(
        project,
        text.replace('"sections/02-story.md"', '"sections/missing.md"').replace(
            'sources = "sections/sources.yaml"', 'sources = "sections/nope.yaml"'
        ),
    )
    assert messages(project) == [
        "dossier.toml:15:3: error: file 'sections/missing.md' not found",
        "dossier.toml:21:1: error: file 'sections/nope.yaml' not found",
    ]


def test_required_keys(project: Path) -> None:
    write(project, 'sections = ["sections/01-summary.md"]\n')
    assert messages(project) == [
        "dossier.toml:1: error: missing required key 'name'",
        "dossier.toml:1: error: missing required key 'title'",
        "dossier.toml:1: error: missing required key 'date'",
        "dossier.toml:1: error: missing required key 'identifier'",
    ]


def test_editions_are_validated_by_key(project: Path) -> None:
    text = (project / "dossier.toml").read_text()
    write(
        project,
        text
        + """
[editions.print]
formats = ["pdf", "docx"]
pdf_standard = "pdf/x-4"
audience = "everyone"
""",
    )
    assert messages(project) == [
        "dossier.toml:26:1: error: 'editions.print.formats.1' must be 'pdf' or 'epub' or 'html' (got 'docx')",
        "dossier.toml:28:1: error: 'editions.print.audience' must be 'public' or 'internal' "
        "(got 'everyone')",
    ]


def test_toml_syntax_errors_carry_line_and_column(project: Path) -> None:
    write(project, 'name = "x"\ntitle = \n')
    assert messages(project) == ["dossier.toml:2:9: error: invalid TOML: Invalid value"]


def test_every_setting_has_a_doc_and_is_in_the_readme() -> None:
    readme = README.read_text()
    for schema in (Config, Edition, Limits):
        for f in dataclasses.fields(schema):
            if f.metadata.get("internal"):
                continue
            assert f.metadata["doc"], f.name
            assert f"`{f.name}`" in readme, f"README does not document `{f.name}`"
