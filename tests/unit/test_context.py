"""rendering/context.py: what the book templates see for an edition, in both formats."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from markupsafe import Markup

from dossier import load_config
from dossier.editions.assemble import assemble
from dossier.errors import Problems
from dossier.model.records import Book
from dossier.reading.sections import read_dossier
from dossier.rendering import words
from dossier.rendering.context import Assets, TimelineFigure, template_context
from dossier.rendering.environment import make_environment
from dossier.rendering.formats import EpubMarkup, PdfMarkup

from conftest import PROJECTS


@pytest.fixture(scope="module")
def sample() -> Book:
    config = load_config(PROJECTS / "minimal")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    book = assemble(dossier, config.editions["reader"], "abc1234567", problems)
    assert problems.items == []
    return book


def context(book: Book, assets: Assets | None = None) -> dict[str, object]:
    markup = PdfMarkup(book, make_environment(book.config.project))
    return template_context(book, markup, assets or Assets({}), "timeline.svg", "9.9")


def test_the_edition_and_its_values(sample: Book) -> None:
    values = context(sample)
    assert values["book"] is sample and values["edition"] is sample.edition
    assert values["config"] is sample.config
    assert values["markup"] is values["view"]  # the former name still works
    assert values["version"] == "9.9"
    assert values["full_title"] == "A sample dossier: Small, complete, and checkable"
    assert values["based_on"] == "report-2023"
    assert values["based_on_credit"] == words.credit(sample.based_on)
    assert "Report of the committee" in str(values["based_on_credit"])


def test_the_build_time_shows_in_the_stamp_and_the_timestamp(sample: Book) -> None:
    values = context(sample)
    # the build time defaults to the manifest's date, at midnight UTC
    assert sample.dossier.build_time == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert values["timestamp"] == "2024-03-01T00:00:00Z"
    assert values["stamp_text"] == f"reader · {words.long_date(dt.date(2024, 3, 1))} · abc1234567"


def test_a_title_without_subtitle(sample: Book) -> None:
    config = dataclasses.replace(sample.config, subtitle="")
    book = dataclasses.replace(
        sample, dossier=dataclasses.replace(sample.dossier, config=config), based_on=None
    )
    values = context(book)
    assert values["full_title"] == "A sample dossier"
    assert values["based_on"] == "" and values["based_on_credit"] == ""


def test_formatted_sources_are_markup(sample: Book) -> None:
    values = context(sample, Assets({"report-2023": "<i>Report</i>"}))
    formatted = values["formatted"]
    assert formatted == {"report-2023": Markup("<i>Report</i>")}
    assert isinstance(formatted["report-2023"], Markup)  # type: ignore[index]


def test_the_timeline_figure_only_with_an_svg(sample: Book) -> None:
    assert context(sample)["timeline"] is None
    assets = Assets({}, b"<svg/>", "Three events from 1880 to 2023")
    figure = context(sample, assets)["timeline"]
    assert figure == TimelineFigure(
        "timeline.svg", "Three events from 1880 to 2023", words.word("timeline.caption")
    )


def test_the_legend_lists_the_conventions_the_rows_use(sample: Book) -> None:
    # one row is approximate ("2023-05~") and one inferred (inferred: year)
    assert context(sample)["legend"] == [
        words.word("legend.approximate"),
        words.word("legend.inferred"),
    ]
    plain = dataclasses.replace(
        sample,
        events=[dataclasses.replace(e, approximate=False, inferred=False) for e in sample.events],
    )
    assert context(plain)["legend"] == []


def test_both_formats_get_the_same_keys(sample: Book) -> None:
    env = make_environment(sample.config.project)
    pdf = template_context(sample, PdfMarkup(sample, env), Assets({}), "t.svg", "1")
    epub = template_context(sample, EpubMarkup(sample, env), Assets({}), "t.svg", "1")
    assert set(pdf) == set(epub)
    assert {k for k in pdf if pdf[k] != epub[k]} == {"markup", "view"}
