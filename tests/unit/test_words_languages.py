"""The words readers see in Russian and Ukrainian (rendering/words.py): CLDR plurals for a
table of counts, dates with their grammatical case, numbers, CSS strings, the project's own
strings and the Unicode collation of the appendix."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.errors import Location
from dossier.model.dates import parse_date
from dossier.model.records import Source
from dossier.rendering import words
from dossier.rendering.words import catalogue_for, date_label, speaking, word

COUNTS = (1, 2, 5, 11, 21, 22, 25)


def say(language: str, key: str, **values: object) -> str:
    with speaking(catalogue_for(language)):
        return word(key, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("uk", ["1 подія", "2 події", "5 подій", "11 подій", "21 подія", "22 події", "25 подій"]),
        (
            "ru",
            [
                "1 событие",
                "2 события",
                "5 событий",
                "11 событий",
                "21 событие",
                "22 события",
                "25 событий",
            ],
        ),
        (
            "en",
            ["1 event", "2 events", "5 events", "11 events", "21 events", "22 events", "25 events"],
        ),
    ],
)
def test_counted_events_follow_cldr_plural_rules(language: str, forms: list[str]) -> None:
    captions = [say(language, "chronology.caption", count=n) for n in COUNTS]
    assert [c.split(": ", 1)[1] for c in captions] == forms


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        (
            "uk",
            [
                "датована подія",
                "датовані події",
                "датованих подій",
                "датованих подій",
                "датована подія",
                "датовані події",
                "датованих подій",
            ],
        ),
        (
            "ru",
            [
                "датированное событие",
                "датированных события",
                "датированных событий",
                "датированных событий",
                "датированное событие",
                "датированных события",
                "датированных событий",
            ],
        ),
    ],
)
def test_the_chronology_summary_agrees_with_its_count(language: str, forms: list[str]) -> None:
    for n, form in zip(COUNTS, forms, strict=True):
        assert say(language, "chronology.summary", count=n).startswith(f"{n} {form}, ")


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        (
            "uk",
            ["відрізок", "відрізки", "відрізків", "відрізків", "відрізок", "відрізки", "відрізків"],
        ),
        ("ru", ["отрезок", "отрезка", "отрезков", "отрезков", "отрезок", "отрезка", "отрезков"]),
    ],
)
def test_timeline_segments_are_counted(language: str, forms: list[str]) -> None:
    for n, form in zip(COUNTS, forms, strict=True):
        assert f" {n} {form} (" in say(language, "timeline.alt.broken", count=n, spans="…")


def test_numbers_are_written_as_the_language_writes_them() -> None:
    assert say("en", "chronology.caption", count=1205) == "Chronology: 1,205 events"
    assert say("uk", "chronology.caption", count=1205) == "Хронологія: 1\xa0205 подій"
    assert say("ru", "chronology.caption", count=1205) == "Хронология: 1\xa0205 событий"


def test_list_labels_choose_single_or_several_not_a_plural_form() -> None:
    assert say("ru", "cited.rows", select=words.several([1, 2, 3, 4, 5])) == "строки хронологии"
    assert say("ru", "cited.rows", select=words.several([1])) == "строка хронологии"
    assert say("en", "cited.pages", select=words.several([3, 7])) == "Cited on pp."
    assert say("uk", "title.edited-by", select="several", names="А, Б") == "Редактори: А, Б"


MONTH_CASES = [
    # a day date takes the genitive month, a month alone the nominative
    ("2022-08-24", "24 серпня 2022", "24 августа 2022"),
    ("2022-03", "березень 2022", "март 2022"),
    ("2022-11", "листопад 2022", "ноябрь 2022"),
    # approximate: "бл."/"ок." take the genitive
    ("2022-03~", "бл. березня 2022", "ок. марта 2022"),
    ("2022-21", "весна 2022", "весна 2022"),
    ("2022-24", "зима 2022", "зима 2022"),
    ("1986~", "бл. 1986", "ок. 1986"),
    ("1929?", "1929?", "1929?"),
    ("2022-05-10?", "10 травня 2022?", "10 мая 2022?"),
    # decades and centuries
    ("192X", "1920-ті", "1920-е"),
    ("194X", "1940-ві", "1940-е"),
    ("194X~", "бл. 1940-х", "ок. 1940-х"),
    ("19XX", "XX століття", "XX век"),
    ("1920/1949", "1920–1940-ві", "1920–1940-е"),
    ("1920/1939", "1920–1930-ті", "1920–1930-е"),
    # ranges: an en dash between numbers, a spaced em dash between dates
    ("1792/1794", "1792–1794", "1792–1794"),
    ("2022-02-24/2022-02-28", "24–28 лютого 2022", "24–28 февраля 2022"),
    ("2022-02-28/2022-03-03", "28 лютого — 3 березня 2022", "28 февраля — 3 марта 2022"),
    ("1770~/1799~", "бл. 1770 — бл. 1799", "ок. 1770 — ок. 1799"),
    # open intervals: "з"/"с" and "до" take the genitive
    ("2022-05-11/..", "з 11 травня 2022", "с 11 мая 2022"),
    ("/2022-03", "до березня 2022", "до марта 2022"),
    ("../1799", "до 1799", "до 1799"),
    ("-0050", "51 до н. е.", "51 до н. э."),
]


@pytest.mark.parametrize(("value", "uk", "ru"), MONTH_CASES)
def test_dates_in_ukrainian_and_russian(value: str, uk: str, ru: str) -> None:
    for language, expected in (("uk", uk), ("ru", ru)):
        with speaking(catalogue_for(language)):
            assert date_label(parse_date(value)) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_both_cases(month: int) -> None:
    genitive = (
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
    )
    nominative = "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень"
    with speaking(catalogue_for("uk")):
        assert (
            date_label(parse_date(f"2022-{month:02}-05")) == f"5 {genitive.split()[month - 1]} 2022"
        )
        assert date_label(parse_date(f"2022-{month:02}")) == f"{nominative.split()[month - 1]} 2022"


def test_inferred_years_keep_their_brackets_in_every_language() -> None:
    with speaking(catalogue_for("uk")):
        assert date_label(parse_date("2022-09"), inferred=True) == "вересень [2022]"


def test_long_and_csl_dates() -> None:
    with speaking(catalogue_for("ru")):
        assert words.long_date(dt.date(2026, 11, 24)) == "24 ноября 2026"
        assert words.csl_date({"date-parts": [[2022, 8]]}) == "август 2022"
        assert words.csl_date({"date-parts": [[2022, 8, 24]]}) == "24 августа 2022"
    assert words.long_date(dt.date(2026, 11, 24)) == "24 November 2026"  # English outside


def test_a_region_subtag_finds_its_language() -> None:
    assert say("uk-UA", "chapter.chronology") == "Хронологія"
    assert say("en-GB", "chapter.chronology") == "Chronology"


def test_a_language_without_a_catalogue_falls_back_to_english_under_its_strings() -> None:
    catalogue = catalogue_for("ka", {"chapter.chronology": "ქრონოლოგია"})
    with speaking(catalogue):
        assert word("chapter.chronology") == "ქრონოლოგია"
        assert word("chapter.appendix") == "Sources"


def test_project_strings_override_the_built_in_words() -> None:
    plural = {
        "one": "{count} запис",
        "few": "{count} записи",
        "many": "{count} записів",
        "other": "x",
    }
    with speaking(catalogue_for("uk", {"chronology.caption": plural})):
        assert [word("chronology.caption", count=n) for n in (1, 3, 5)] == [
            "1 запис",
            "3 записи",
            "5 записів",
        ]


def test_the_page_footer_becomes_css_counters() -> None:
    with speaking(catalogue_for("uk")):
        footer = words.css_content("page.footer", page="page", pages="pages")
    assert footer == '"с. " counter(page) " з " counter(pages)'


def test_css_strings_cannot_leave_their_quotes_or_the_style_element() -> None:
    assert words.css_string('a"b\\c</style>\n') == '"a\\22 b\\5c c\\3c /style\\3e \\a "'
    with speaking(catalogue_for("en", {"page.footer": '{page}"; }} body {{ x: "'})):
        content = words.css_content("page.footer", page="page")
    assert content == 'counter(page) "\\22 ; } body { x: \\22 "'


def source(key: str, **csl: object) -> Source:
    return Source(key, {"title": key, **csl}, Location("s.yaml", 1))


def test_the_appendix_collates_cyrillic_and_latin_names_as_readers_expect() -> None:
    names = ["Ёлкин", "Жуков", "Елкин", "émile", "Abbott", "Emil", "Zed", "апостол"]
    ordered = sorted(names, key=words.collation_key)
    assert ordered == ["Abbott", "Emil", "émile", "Zed", "апостол", "Елкин", "Ёлкин", "Жуков"]
    assert sorted(names) != ordered  # code point order puts Ё before А and é after Z


def test_sources_sort_by_first_author_then_title() -> None:
    assert words.sort_name(source("a", author=[{"family": "Коваль", "given": "О."}])) == "Коваль О."
    assert words.sort_name(source("b", author=[{"literal": "Комісія"}])) == "Комісія"
    assert words.sort_name(source("Звіт")) == "Звіт"
