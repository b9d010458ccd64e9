"""errors.py: the "did you mean …?" hint and collecting problems from a block."""

from __future__ import annotations

import pytest

from dossier.errors import ConfigError, ContentError, Location, Problems, did_you_mean


def test_did_you_mean_names_the_closest_choice() -> None:
    assert did_you_mean("titel", ["title", "subtitle", "date"]) == "; did you mean 'title'?"


def test_did_you_mean_is_empty_when_nothing_is_close() -> None:
    assert did_you_mean("zzz", ["title", "date"]) == ""
    assert did_you_mean("title", []) == ""


def test_did_you_mean_takes_any_iterable_of_names() -> None:
    assert did_you_mean("aple", {"apple": 1, "pear": 2}) == "; did you mean 'apple'?"
    assert did_you_mean("pera", (n for n in ["pear", "plum"])) == "; did you mean 'pear'?"


def test_collect_records_the_problems_of_a_content_error_and_goes_on() -> None:
    problems = Problems()
    problems.warning("earlier")
    with problems.collect() as caught:
        raise ContentError("bad file", Location("a.md", 3))
    assert caught.failed
    assert [str(p) for p in problems.items] == ["warning: earlier", "a.md:3: error: bad file"]


def test_collect_keeps_every_problem_of_the_error() -> None:
    problems = Problems()
    found = [*ContentError("one", Location("a.md", 1)).problems, *ContentError("two").problems]
    with problems.collect() as caught:
        raise ContentError.of(found)
    assert caught.failed and [p.message for p in problems.errors] == ["one", "two"]


def test_collect_without_an_error_leaves_the_problems_alone() -> None:
    problems = Problems()
    with problems.collect() as caught:
        value = 42
    assert value == 42 and not caught.failed and problems.items == []


def test_collect_lets_other_errors_through() -> None:
    problems = Problems()
    with pytest.raises(ConfigError), problems.collect():
        raise ConfigError("the manifest is broken")
    with pytest.raises(KeyError), problems.collect():
        raise KeyError("a bug keeps its traceback")
    assert problems.items == []
