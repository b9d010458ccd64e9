"""sandbox/datafile.py: YAML and TOML loaded safely, with the file, line and column of every
value, and one-line errors at the place of the mistake."""

from __future__ import annotations

import pytest

from dossier.errors import ContentError, Location, Problems
from dossier.sandbox.datafile import (
    DataFile,
    internal_flag,
    load_toml,
    load_yaml,
    toml_positions,
)


def yaml_error(text: str, **kwargs: object) -> str:
    with pytest.raises(ContentError) as caught:
        load_yaml(text, "data.yaml", **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def toml_error(text: str) -> str:
    with pytest.raises(ContentError) as caught:
        load_toml(text, "dossier.toml")
    return str(caught.value)


# --- YAML values ------------------------------------------------------------------------


def test_yaml_scalars_by_tag_dates_stay_text() -> None:
    data = load_yaml(
        "a: 2024-01-02\nb: yes\nc: false\nd: 0x10\ne: 1.5\nf: ~\ng: '12'\nh: 1_000\n", "d.yaml"
    )
    assert data.value == {
        "a": "2024-01-02",  # EDTF text, never a datetime
        "b": True,
        "c": False,
        "d": 16,
        "e": 1.5,
        "f": None,
        "g": "12",
        "h": 1000,
    }


def test_an_empty_yaml_document_has_no_value() -> None:
    data = load_yaml("# only a comment\n", "d.yaml")
    assert data.value is None
    assert data.at("anything") == Location("d.yaml", 1)


def test_yaml_positions_of_keys_and_items() -> None:
    text = "events:\n  - date: '2023'\n    event: First\n  - date: '2024'\n    event: Second\n"
    data = load_yaml(text, "chronology.yaml")
    assert data.at("events") == Location("chronology.yaml", 1, 1)
    assert data.at("events", 0) == Location("chronology.yaml", 2, 5)
    assert data.at("events", 1, "event") == Location("chronology.yaml", 5, 5)
    # a key that is not there: the nearest enclosing value that is
    assert data.at("events", 1, "place") == Location("chronology.yaml", 4, 5)
    assert data.at("nothing", "here") == Location("chronology.yaml", 1, 1)


def test_line_offset_shifts_every_position() -> None:
    """Front matter starts below the `---` line: its lines are those of the section."""
    data = load_yaml("title: T\nsummary: S\n", "s.md", line_offset=1)
    assert data.at("summary") == Location("s.md", 3, 1)
    assert yaml_error("title: [\n", line_offset=5).startswith("data.yaml:7:")


# --- YAML errors --------------------------------------------------------------------------


def test_a_yaml_syntax_error_names_the_line() -> None:
    assert yaml_error("a: [1\nb: 2\n") == (
        "data.yaml:2:2: error: invalid YAML: did not find expected ',' or ']'"
    )


def test_a_duplicate_key_is_an_error_at_the_second() -> None:
    assert yaml_error("a: 1\nb: 2\na: 3\n") == "data.yaml:3:1: error: duplicate key 'a'"


def test_a_merge_key_is_refused() -> None:
    assert yaml_error("base: &b {x: 1}\nd:\n  <<: *b\n") == (
        "data.yaml:3:3: error: YAML merge keys (<<) are not supported"
    )


def test_a_key_that_is_not_text_is_refused() -> None:
    assert yaml_error("? [a, b]\n: 1\n") == "data.yaml:1:3: error: YAML keys must be plain text"


def test_a_recursive_alias_is_refused() -> None:
    assert yaml_error("a: &a [1, *a]\n") == (
        "data.yaml:1:4: error: YAML alias refers to itself (recursive data)"
    )


def test_an_alias_used_twice_is_fine() -> None:
    data = load_yaml("a: &a [1, 2]\nb: *a\nc: *a\n", "d.yaml")
    assert data.value == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_an_alias_bomb_hits_the_node_budget() -> None:
    bomb = (
        'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    )
    message = yaml_error(bomb, max_nodes=5_000)
    assert "expands to too many values (an alias bomb?)" in message
    assert "max_yaml_nodes" in message
    # the same document within a larger budget is read in full
    data = load_yaml(bomb, "d.yaml", max_nodes=20_000)
    assert len(data.value["d"]) == 10 and len(data.value["d"][0][0]) == 10


def test_deep_nesting_is_refused() -> None:
    deep = "a: " + "[" * 70 + "]" * 70 + "\n"
    assert "YAML is nested too deeply" in yaml_error(deep)
    shallow = "a: " + "[" * 60 + "]" * 60 + "\n"
    assert load_yaml(shallow, "d.yaml").value is not None


def test_a_long_top_level_list_is_reported_as_such() -> None:
    text = "events:\n" + "".join(f"  - {i}\n" for i in range(6))
    message = yaml_error(text, max_items=("events", 5, "max_events"))
    assert message == (
        "data.yaml:1:1: error: 6 events; the limit is 5 (raise [limits] max_events in dossier.toml)"
    )
    assert (
        len(load_yaml(text, "d.yaml", max_items=("events", 6, "max_events")).value["events"]) == 6
    )


def test_tags_are_ignored_and_nothing_is_constructed() -> None:
    """Only the node structure is read: a `!!python/...` tag yields plain data, never runs."""
    text = "a: !!python/object/apply:os.system ['true']\nb: !!binary aGVsbG8=\nc: !custom 3\n"
    assert load_yaml(text, "d.yaml").value == {"a": ["true"], "b": "aGVsbG8=", "c": "3"}


# --- TOML ---------------------------------------------------------------------------------


def test_toml_values_and_positions() -> None:
    text = (
        'name = "x"\n'
        "sections = [\n"
        '  "a.md",\n'
        "  'b.md', # comment\n"
        "]\n"
        "\n"
        "[editions.reader]\n"
        'label = "Reader"\n'
        "  formats = ['pdf']\n"
    )
    data = load_toml(text, "dossier.toml")
    assert data.value["editions"]["reader"]["formats"] == ["pdf"]
    assert data.at("name") == Location("dossier.toml", 1, 1)
    assert data.at("sections", 0) == Location("dossier.toml", 3, 3)
    assert data.at("sections", 1) == Location("dossier.toml", 4, 3)
    assert data.at("editions", "reader") == Location("dossier.toml", 7, 1)
    assert data.at("editions", "reader", "label") == Location("dossier.toml", 8, 1)
    assert data.at("editions", "reader", "formats") == Location("dossier.toml", 9, 3)
    assert data.at("editions", "reader", "formats", 0) == Location("dossier.toml", 9, 3)


def test_toml_dotted_and_quoted_keys() -> None:
    positions = toml_positions('a.b = 1\n"c.d".e = 2\n[t."x.y"]\nk = 3\n', "f.toml")
    assert positions[("a", "b")] == Location("f.toml", 1, 1)
    assert positions[("c.d", "e")] == Location("f.toml", 2, 1)
    assert positions[("t", "x.y")] == Location("f.toml", 3, 1)
    assert positions[("t", "x.y", "k")] == Location("f.toml", 4, 1)


def test_toml_arrays_of_tables_are_numbered() -> None:
    text = "[[item]]\nname = 'a'\n\n[[item]]\nname = 'b'\n"
    positions = toml_positions(text, "f.toml")
    assert positions[("item",)] == Location("f.toml", 1, 1)
    assert positions[("item", 0, "name")] == Location("f.toml", 2, 1)
    assert positions[("item", 1)] == Location("f.toml", 4, 1)
    assert positions[("item", 1, "name")] == Location("f.toml", 5, 1)


def test_toml_multi_line_strings_are_skipped() -> None:
    text = 'description = """\nfake = 1\n[fake]\n"""\nreal = 2\n'
    positions = toml_positions(text, "f.toml")
    assert ("fake",) not in positions
    assert positions[("real",)] == Location("f.toml", 5, 1)


def test_a_toml_syntax_error_names_line_and_column() -> None:
    assert toml_error("a = 1\nb = \n") == "dossier.toml:2:5: error: invalid TOML: Invalid value"


def test_a_duplicate_toml_key_is_an_error() -> None:
    message = toml_error("a = 1\na = 2\n")
    assert message.startswith("dossier.toml:2:") and "invalid TOML" in message


def test_deeply_nested_toml_is_an_error_not_a_crash() -> None:
    text = "x = 1\na = " + "[" * 3000 + "]" * 3000 + "\n"
    assert toml_error(text) == (
        "dossier.toml:2: error: invalid TOML: arrays or tables nested too deeply"
    )


def test_datafile_at_falls_back_to_the_file() -> None:
    data = DataFile("x.toml", {}, {})
    assert data.at("a", 1) == Location("x.toml", 1)


# --- internal_flag ------------------------------------------------------------------------

WHERE = Location("sources.yaml", 4, 5)


def test_internal_true_and_false() -> None:
    problems = Problems()
    assert internal_flag(True, ("note",), WHERE, problems) == (True, frozenset())
    assert internal_flag(False, ("note",), WHERE, problems) == (False, frozenset())
    assert problems.items == []


def test_internal_fields_list() -> None:
    problems = Problems()
    flag = internal_flag(["note", "place"], ("note", "place", "label"), WHERE, problems)
    assert flag == (False, frozenset({"note", "place"}))
    assert problems.items == []


def test_internal_with_an_unknown_field_names_the_allowed_ones() -> None:
    problems = Problems()
    internal_flag(["note", "colour"], ("note", "place"), WHERE, problems)
    assert [str(p) for p in problems.items] == [
        "sources.yaml:4:5: error: 'internal' cannot list colour (it may list note, place; "
        "internal: true hides the whole record)"
    ]


def test_internal_with_many_allowed_fields_says_so_briefly() -> None:
    problems = Problems()
    internal_flag(["zzz"], tuple("abcdefghij"), WHERE, problems)
    assert "it may list CSL fields and custom keys" in str(problems.items[0])


@pytest.mark.parametrize("value", ["yes", 1, ["note", 2], {"note": True}, None])
def test_internal_of_another_kind_is_an_error(value: object) -> None:
    problems = Problems()
    assert internal_flag(value, ("note",), WHERE, problems) == (False, frozenset())
    assert [str(p) for p in problems.items] == [
        "sources.yaml:4:5: error: 'internal' must be true/false or a list of field names"
    ]
