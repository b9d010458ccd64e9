"""Diagnostics (dossier.errors): compiler-style lines, stable order, all errors at once."""

from __future__ import annotations

import pytest

from dossier.errors import (
    ConfigError,
    ContentError,
    DossierError,
    Location,
    Problem,
    Problems,
    over_limit,
)


@pytest.mark.parametrize(
    ("where", "shown"),
    [
        (Location("sections/a.md"), "sections/a.md"),
        (Location("sections/a.md", 3), "sections/a.md:3"),
        (Location("sections/a.md", 3, 7), "sections/a.md:3:7"),
        (Location("sections/a.md", None, 7), "sections/a.md"),  # no column without a line
    ],
)
def test_a_location_reads_like_a_compiler_message(where: Location, shown: str) -> None:
    assert str(where) == shown


def test_a_problem_names_its_place_and_severity() -> None:
    assert str(Problem("bad key", Location("dossier.toml", 2, 1))) == (
        "dossier.toml:2:1: error: bad key"
    )
    assert str(Problem("unused", None, "warning")) == "warning: unused"


def test_a_problem_as_json_has_every_field_even_without_a_place() -> None:
    assert Problem("x", Location("a.md", 1, 2), "warning").as_dict() == {
        "path": "a.md",
        "line": 1,
        "column": 2,
        "severity": "warning",
        "message": "x",
    }
    assert Problem("x").as_dict() == {
        "path": None,
        "line": None,
        "column": None,
        "severity": "error",
        "message": "x",
    }


def test_problems_sort_by_file_line_and_column_with_unplaced_first() -> None:
    found = Problems()
    found.error("b10", Location("b.md", 10))
    found.warning("a2", Location("a.md", 2, 5))
    found.error("a2-early", Location("a.md", 2, 1))
    found.error("nowhere")
    found.error("b9", Location("b.md", 9))
    assert [p.message for p in found.sorted()] == ["nowhere", "a2-early", "a2", "b9", "b10"]


def test_errors_and_warnings_are_told_apart() -> None:
    found = Problems()
    found.warning("w")
    found.error("e")
    found.extend([Problem("e2"), Problem("w2", None, "warning")])
    assert [p.message for p in found.errors] == ["e", "e2"]
    assert [p.message for p in found.warnings] == ["w", "w2"]


def test_warnings_alone_do_not_stop_the_build() -> None:
    found = Problems()
    found.warning("only a warning")
    found.raise_errors()  # nothing raised


def test_every_error_is_raised_together_in_order_and_without_warnings() -> None:
    found = Problems()
    found.error("second", Location("b.md", 1))
    found.warning("not fatal", Location("a.md", 1))
    found.error("first", Location("a.md", 5))
    with pytest.raises(ContentError) as raised:
        found.raise_errors()
    assert [p.message for p in raised.value.problems] == ["first", "second"]
    assert str(raised.value) == "a.md:5: error: first\nb.md:1: error: second"


def test_the_kind_of_error_can_be_chosen() -> None:
    found = Problems()
    found.error("bad manifest", Location("dossier.toml", 1))
    with pytest.raises(ConfigError):
        found.raise_errors(ConfigError)


def test_one_error_is_one_problem() -> None:
    error = DossierError("no such edition", Location("dossier.toml", 4, 1))
    assert error.problems == [Problem("no such edition", Location("dossier.toml", 4, 1))]
    assert str(error) == "dossier.toml:4:1: error: no such edition"
    assert isinstance(ContentError("x"), DossierError)


def test_a_limit_message_says_which_setting_to_raise() -> None:
    assert over_limit("42,000 events", 10000, "max_events") == (
        "42,000 events; the limit is 10,000 (raise [limits] max_events in dossier.toml)"
    )
