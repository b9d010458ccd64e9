"""The built-in catalogues (dossier/catalogues): complete, shaped for their language's plural
rules, month names as CLDR has them, and a project's [strings] checked key by key."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel import Locale

from dossier.catalogues import BUILT_IN, KEYS, PLURAL, check_strings, fields, missing_keys
from dossier.catalogues import en as english

from conftest import REPO

LANGUAGES = sorted(BUILT_IN)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_built_in_catalogue_has_every_english_key(language: str) -> None:
    catalogue = BUILT_IN[language]
    assert [k for k in english.MESSAGES if k not in catalogue] == []
    assert [k for k in catalogue if k not in english.MESSAGES] == []


def test_english_russian_and_ukrainian_are_built_in() -> None:
    assert LANGUAGES == ["en", "ru", "uk"]
    assert "ua" not in BUILT_IN  # Ukrainian is `uk`


@pytest.mark.parametrize("language", LANGUAGES)
def test_counted_messages_have_every_plural_form_of_their_language(language: str) -> None:
    forms = Locale.parse(language).plural_form.tags | {"other"}
    for key in PLURAL:
        message = BUILT_IN[language][key]
        assert isinstance(message, dict), key
        assert set(message) == forms, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_list_labels_have_a_single_and_a_several_form(language: str) -> None:
    for key, message in english.MESSAGES.items():
        if isinstance(message, dict) and "single" in message:
            assert set(BUILT_IN[language][key]) == {"single", "several"}, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_fills_only_the_fields_the_code_gives(language: str) -> None:
    for key, message in BUILT_IN[language].items():
        given = fields(english.MESSAGES[key]) | ({"century"} if "century" in key else set())
        assert fields(message) <= given | {"count"}, key


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_month_names_are_cldr_s_in_both_cases(language: str) -> None:
    months = Locale.parse(language).months
    catalogue = BUILT_IN[language]
    for n in range(1, 13):
        assert catalogue[f"month.{n}"] == months["format"]["wide"][n]  # genitive
        assert catalogue[f"month.standalone.{n}"] == months["stand-alone"]["wide"][n]
        assert catalogue[f"month.short.{n}"] == months["stand-alone"]["abbreviated"][n]


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_no_english_words_in_the_russian_and_ukrainian_catalogues(language: str) -> None:
    for key, message in BUILT_IN[language].items():
        for text in message.values() if isinstance(message, dict) else [message]:
            plain = re.sub(r"\{\w+\}|`[^`]*`|EPUB|PDF|dossier", "", text)
            assert not re.search(r"[A-Za-z]{2,}", plain), (key, text)


def test_generated_quotation_marks_follow_the_language() -> None:
    assert english.MESSAGES["credit.title"] == "“{title}”"
    assert BUILT_IN["ru"]["credit.title"] == BUILT_IN["uk"]["credit.title"] == "«{title}»"


def test_a_language_without_a_catalogue_takes_every_key_from_english() -> None:
    assert missing_keys("ka", {}) == list(KEYS)
    assert missing_keys("ka", {"chapter.chronology": "ქრონოლოგია"})[:1] != ["chapter.chronology"]
    assert "chapter.chronology" not in missing_keys("ka", {"chapter.chronology": "x"})
    assert missing_keys("uk-UA", {}) == missing_keys("ru", {}) == []


def test_strings_written_with_dotted_keys_or_nested_tables() -> None:
    table = {"chapter": {"chronology": "Timeline"}, "epub.cover": "Front"}
    strings, problems = check_strings(table)
    assert problems == []
    assert strings == {"chapter.chronology": "Timeline", "epub.cover": "Front"}


def test_counted_strings_take_a_table_of_cldr_forms() -> None:
    good = {"one": "{count} пункт", "few": "{count} пункти", "other": "{count} пунктів"}
    assert check_strings({"chronology.caption": good}) == ({"chronology.caption": good}, [])
    _, problems = check_strings({"chronology.caption": {"single": "x"}})
    assert problems == [
        (
            ("chronology.caption",),
            "'chronology.caption' is counted: give its CLDR plural forms (zero, one, two, "
            "few, many, other), with 'other' at least",
        )
    ]


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"chapter.chronolgy": "x"}, "unknown string key 'chapter.chronolgy' (did you mean "),
        ({"nothing": "x"}, "unknown string key 'nothing' (the README lists the keys)"),
        ({"chapter": {"nope": "x"}}, "unknown string key 'chapter.nope'"),
        ({"epub.cover": 3}, "'epub.cover' must be text"),
        ({"epub.cover": {"other": "x"}}, "'epub.cover' takes one text, not a table"),
        ({"credit.title": "«{name}»"}, "'credit.title' has no field {name} (it has {title})"),
        ({"credit.title": "«{title»"}, "'credit.title': a brace that opens no field"),
        ({"cited.rows": {"single": "row"}}, "'cited.rows' takes the forms single, several"),
    ],
)
def test_wrong_strings_are_reported_with_their_key(table: dict, problem: str) -> None:
    strings, problems = check_strings(table)
    assert strings == {}
    assert len(problems) == 1 and problems[0][1].startswith(problem), problems


def test_the_readme_lists_every_catalogue_key_as_the_script_prints_them() -> None:
    script = REPO / "scripts" / "catalogue-table"
    table = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout
    assert table.strip() in (REPO / "README.md").read_text()
    for key in KEYS:
        assert f"`{key}`" in table or re.fullmatch(r".*\.\d+", key), key
