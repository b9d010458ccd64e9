"""rendering/bibliography.py: entries are formatted once per content (style, language, all
the entries), the fields the templates print themselves never reach citeproc, and an
edition's sources are formatted as its audience may see them. citeproc is replaced by a
recorder here (tests/unit/test_sources.py formats real entries)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dossier import load_config
from dossier.editions.assemble import assemble
from dossier.errors import Problems
from dossier.reading.sections import read_dossier
from dossier.rendering import bibliography
from dossier.rendering.bibliography import format_entries, format_sources

from conftest import PROJECTS

STYLE = b"<style>one</style>"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[dict[str, Any]], bytes, str]]:
    """Every call of citeproc (recorded; it returns each entry's title in <i>)."""
    recorded: list[tuple[list[dict[str, Any]], bytes, str]] = []

    def fake(items: list[dict[str, Any]], style: bytes, language: str) -> dict[str, str]:
        recorded.append((items, style, language))
        return {item["id"]: f"<i>{item.get('title', '')}</i>" for item in items}

    monkeypatch.setattr(bibliography, "format_items", fake)
    monkeypatch.setattr(bibliography, "MEMO", {})
    monkeypatch.setattr(bibliography, "USED", set())
    return recorded


ENTRIES = [
    (
        "a",
        {
            "title": "First",
            "URL": "https://a.org",
            "DOI": "10.1/x",
            "accessed": {"date-parts": [[2024]]},
        },
    ),
    ("b", {"title": "Second", "type": "report"}),
]


def test_the_entries_in_their_order(calls: list) -> None:
    assert format_entries(ENTRIES, STYLE, "en") == {"a": "<i>First</i>", "b": "<i>Second</i>"}
    assert list(format_entries(reversed(ENTRIES), STYLE, "en")) == ["b", "a"]


def test_fields_the_templates_print_are_not_given_to_citeproc(calls: list) -> None:
    format_entries(ENTRIES, STYLE, "en")
    ((items, style, language),) = calls
    assert items == [
        {"title": "First", "id": "a"},
        {"title": "Second", "type": "report", "id": "b"},
    ]
    assert (style, language) == (STYLE, "en")


def test_the_same_content_is_formatted_once(calls: list) -> None:
    first = format_entries(ENTRIES, STYLE, "en")
    again = format_entries(list(ENTRIES), STYLE, "en")
    assert first == again and len(calls) == 1
    assert len(bibliography.USED) == 1 and set(bibliography.MEMO) == bibliography.USED


def test_a_change_of_entry_language_or_style_formats_again(calls: list) -> None:
    format_entries(ENTRIES, STYLE, "en")
    format_entries(ENTRIES, STYLE, "ru")
    format_entries(ENTRIES, b"<style>two</style>", "en")
    format_entries([ENTRIES[0], ("b", {"title": "Second, revised"})], STYLE, "en")
    assert len(calls) == 4
    assert len(bibliography.MEMO) == 4


def test_a_change_in_a_template_field_alone_does_not(calls: list) -> None:
    """URL, DOI and accessed never reach citeproc: changing them keeps the memo."""
    format_entries(ENTRIES, STYLE, "en")
    moved = [("a", {**ENTRIES[0][1], "URL": "https://moved.example"}), ENTRIES[1]]
    format_entries(moved, STYLE, "en")
    assert len(calls) == 1


def test_the_result_is_a_copy(calls: list) -> None:
    result = format_entries(ENTRIES, STYLE, "en")
    result["a"] = "changed"
    assert format_entries(ENTRIES, STYLE, "en")["a"] == "<i>First</i>"


def test_no_entries_no_citeproc(calls: list) -> None:
    assert format_entries([], STYLE, "en") == {}
    assert calls == [] and set() == bibliography.USED


def test_an_editions_sources_as_its_audience_sees_them(calls: list) -> None:
    config = load_config(PROJECTS / "confidential")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    public = assemble(dossier, config.editions["public"], "", problems)
    internal = assemble(dossier, config.editions["internal"], "", problems)
    assert problems.items == []
    assert format_sources(public) == {"public-report": "<i>Public report of the committee</i>"}
    assert set(format_sources(internal)) == {"public-report", "handler-notes"}
    public_items = calls[0][0]
    assert [i["id"] for i in public_items] == ["public-report"]
    assert all("custom" not in i and "URL" not in i for i in public_items)
    assert calls[0][2] == "en-GB"


def test_the_credited_work_is_formatted_with_the_sources(calls: list) -> None:
    config = load_config(PROJECTS / "confidential")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    public = assemble(dossier, config.editions["public"], "", problems)
    credited = dataclasses.replace(public.sources[0], key="credited", csl={"title": "Credited"})
    public = dataclasses.replace(public, based_on=credited)
    assert format_sources(public) == {
        "public-report": "<i>Public report of the committee</i>",
        "credited": "<i>Credited</i>",
    }
