"""links/sources_file.py: setting `custom.copies` rewrites only those lines of the sources
file (comments, order, quoting and blank lines stay), refuses what it cannot edit safely, and
replaces the file atomically unless it changed meanwhile."""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from dossier.errors import ContentError
from dossier.links.sources_file import (
    Update,
    edit_copies,
    plan_update,
    update_copies,
    write_atomically,
)
from dossier.sandbox.datafile import load_yaml

MIRROR = [{"kind": "mirror", "url": "https://mirror.example.net/page"}]
ARCHIVE = [
    {
        "kind": "archive",
        "url": "https://web.archive.org/web/20240501000000/https://example.org/report",
        "captured": "2024-05-01",
    }
]
SNAPSHOT = [{"kind": "snapshot", "file": "snapshots/witness.html", "sha256": "a" * 64}]

SAMPLE = """\
# Sources of the sample dossier (kept by the desk)
references:
  - id: report-2023
    type: report
    title: "Report of the committee"   # quoted on purpose
    URL: https://example.org/report
    accessed: {date-parts: [[2024, 2, 1]]}

  # the follow-up, in Russian
  - id: followup-2023
    type: article-newspaper
    title: 'The committee''s report, revisited'
    custom: {original-name: Образец}
  - id: witness
    type: interview
    title: Interview with a witness
    custom:
      protection: anonymous  # never name them
      reliability: first-hand
"""


def refs(text: str) -> dict[str, Any]:
    """The entries as dossier reads them, by id."""
    return {e["id"]: e for e in load_yaml(text, "s.yaml").value["references"]}


def refused(text: str, changes: dict[str, Any]) -> str:
    with pytest.raises(ContentError) as caught:
        edit_copies(text, "sections/sources.yaml", changes)
    message = str(caught.value)
    assert message.endswith("; it was left unchanged")
    return message


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines removed from `before`, lines added in `after` (in order)."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


# --- where the copies go -----------------------------------------------------------------


def test_an_entry_without_custom_gets_a_custom_block_at_its_end() -> None:
    result = edit_copies(SAMPLE, "s.yaml", {"report-2023": ARCHIVE})
    removed, added = changed_lines(SAMPLE, result)
    assert removed == []
    assert added == [
        "    custom:",
        "      copies:",
        "        - kind: archive",
        "          url: https://web.archive.org/web/20240501000000/https://example.org/report",
        "          captured: 2024-05-01",
    ]
    lines = result.splitlines()
    # before the blank line and the comment that introduce the next entry
    assert lines[lines.index("          captured: 2024-05-01") + 1] == ""
    assert refs(result)["report-2023"]["custom"]["copies"] == ARCHIVE


def test_a_one_line_custom_mapping_stays_on_one_line() -> None:
    result = edit_copies(SAMPLE, "s.yaml", {"followup-2023": MIRROR})
    removed, added = changed_lines(SAMPLE, result)
    assert removed == ["    custom: {original-name: Образец}"]
    assert added == [
        "    custom: {original-name: Образец, copies: [{kind: mirror, "
        "url: https://mirror.example.net/page}]}"
    ]


def test_a_block_custom_mapping_gets_a_copies_key() -> None:
    result = edit_copies(SAMPLE, "s.yaml", {"witness": SNAPSHOT})
    removed, added = changed_lines(SAMPLE, result)
    assert removed == []
    assert added == [
        "      copies:",
        "        - kind: snapshot",
        "          file: snapshots/witness.html",
        f"          sha256: {'a' * 64}",
    ]
    witness = refs(result)["witness"]
    assert witness["custom"] == {
        "protection": "anonymous",
        "reliability": "first-hand",
        "copies": SNAPSHOT,
    }


def test_every_other_byte_is_kept() -> None:
    result = edit_copies(
        SAMPLE, "s.yaml", {"report-2023": ARCHIVE, "followup-2023": MIRROR, "witness": SNAPSHOT}
    )
    for line in SAMPLE.splitlines():
        if line != "    custom: {original-name: Образец}":
            assert line in result.splitlines()
    assert result.startswith("# Sources of the sample dossier (kept by the desk)\n")
    assert '    title: "Report of the committee"   # quoted on purpose\n' in result
    assert "    title: 'The committee''s report, revisited'\n" in result
    assert "      protection: anonymous  # never name them\n" in result
    parsed = refs(result)
    assert parsed["report-2023"]["custom"]["copies"] == ARCHIVE
    assert parsed["followup-2023"]["custom"] == {"original-name": "Образец", "copies": MIRROR}


def test_existing_copies_are_replaced_not_added_to() -> None:
    text = (
        "references:\n"
        "  - id: a\n"
        "    title: A\n"
        "    custom:\n"
        "      group: official  # kept\n"
        "      copies:\n"
        "        - kind: mirror\n"
        "          url: https://old.example\n"
        "      protection: x\n"
    )
    result = edit_copies(text, "s.yaml", {"a": MIRROR + ARCHIVE})
    assert "https://old.example" not in result
    assert "      group: official  # kept\n" in result
    assert result.endswith("      protection: x\n")
    assert refs(result)["a"]["custom"]["copies"] == MIRROR + ARCHIVE


def test_an_empty_list_of_copies() -> None:
    text = "references:\n  - id: a\n    custom:\n      copies:\n        - kind: mirror\n          url: https://o.example\n"
    result = edit_copies(text, "s.yaml", {"a": []})
    assert refs(result)["a"]["custom"]["copies"] == []
    assert "https://o.example" not in result


def test_one_line_custom_with_copies_keeps_its_comment() -> None:
    text = (
        "references:\n"
        "  - id: a\n"
        "    custom: {group: official, copies: [{kind: mirror, url: 'https://o'}]}  # desk\n"
        "    title: A\n"
    )
    result = edit_copies(text, "s.yaml", {"a": MIRROR})
    assert result == (
        "references:\n"
        "  - id: a\n"
        "    custom: {group: official, copies: [{kind: mirror, "
        "url: https://mirror.example.net/page}]}  # desk\n"
        "    title: A\n"
    )


def test_one_line_custom_without_copies_keeps_its_comment() -> None:
    text = "references:\n  - id: a\n    custom: {group: official}  # desk\n"
    result = edit_copies(text, "s.yaml", {"a": MIRROR})
    assert result.endswith(
        "    custom: {group: official, copies: [{kind: mirror, "
        "url: https://mirror.example.net/page}]}  # desk\n"
    )


def test_an_empty_or_multi_line_flow_mapping_becomes_a_block() -> None:
    text = "references:\n  - id: a\n    custom: {\n      group: official}\n    title: T\n"
    result = edit_copies(text, "s.yaml", {"a": MIRROR})
    assert result == (
        "references:\n"
        "  - id: a\n"
        "    custom:\n"
        "      group: official\n"
        "      copies:\n"
        "        - kind: mirror\n"
        "          url: https://mirror.example.net/page\n"
        "    title: T\n"
    )
    empty = edit_copies("references:\n  - id: a\n    custom: {}\n", "s.yaml", {"a": MIRROR})
    assert refs(empty)["a"]["custom"] == {"copies": MIRROR}


def test_windows_line_endings_are_kept() -> None:
    text = SAMPLE.replace("\n", "\r\n")
    result = edit_copies(text, "s.yaml", {"report-2023": ARCHIVE, "witness": SNAPSHOT})
    assert result.count("\r\n") == result.count("\n")
    assert refs(result)["witness"]["custom"]["copies"] == SNAPSHOT


def test_other_top_level_keys_after_references_stay_put() -> None:
    text = "references:\n  - id: a\n    title: A\n\n# trailing\nextra: 1\n"
    result = edit_copies(text, "s.yaml", {"a": MIRROR})
    assert result.endswith("\n\n# trailing\nextra: 1\n")
    assert "copies" in result.split("# trailing")[0]


# --- refusals ----------------------------------------------------------------------------


def test_an_entry_written_on_one_line_is_refused_at_its_line() -> None:
    text = "references:\n  - id: a\n    title: A\n  - {id: b, title: B}\n"
    assert refused(text, {"b": MIRROR}) == (
        "sections/sources.yaml:4: error: cannot update the sources file: entry 'b' is "
        "written on one line; write it as a block; it was left unchanged"
    )


def test_invalid_yaml_is_refused_with_its_line() -> None:
    message = refused("references:\n  - id: a\n    title: [unclosed\n", {"a": MIRROR})
    assert message.startswith("sections/sources.yaml:")
    assert "it is not valid YAML" in message


def test_yaml_dossier_would_refuse_is_refused_too() -> None:
    text = "base: &b {type: report}\nreferences:\n  - id: a\n    <<: *b\n"
    message = refused(text, {"a": MIRROR})
    assert "it is not valid YAML (YAML merge keys (<<) are not supported)" in message


@pytest.mark.parametrize("text", ["- id: a\n", "references: {id: a}\n", "other: []\n", ""])
def test_a_file_without_a_references_list_is_refused(text: str) -> None:
    assert "it has no top-level 'references:' list" in refused(text, {"a": MIRROR})


def test_an_unknown_id_is_refused() -> None:
    assert "no entry with id 'nobody'" in refused(SAMPLE, {"nobody": MIRROR, "witness": []})


# --- planning and writing -----------------------------------------------------------------


def test_plan_without_changes_is_the_file_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_bytes(b"\xff not even text")
    plan = plan_update(tmp_path, "s.yaml", {})
    assert plan.data == plan.original == b"\xff not even text"


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_bytes("references:\n  - id: é\n".encode("latin-1"))
    with pytest.raises(ContentError, match="it is not UTF-8 text"):
        plan_update(tmp_path, "s.yaml", {"é": MIRROR})


def test_update_writes_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SAMPLE)
    os.chmod(path, 0o640)
    update_copies(tmp_path, "s.yaml", {"witness": SNAPSHOT})
    assert refs(path.read_text())["witness"]["custom"]["copies"] == SNAPSHOT
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SAMPLE)
    plan = plan_update(tmp_path, "s.yaml", {"witness": SNAPSHOT})
    path.write_text(SAMPLE + "# an editor's change\n")
    with pytest.raises(ContentError, match="it was changed by something else meanwhile"):
        plan.commit()
    assert path.read_text() == SAMPLE + "# an editor's change\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_an_unchanged_plan_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SAMPLE)
    Update(path, "s.yaml", b"something else", b"something else").commit()
    assert path.read_text() == SAMPLE


def test_write_atomically_makes_folders_and_readable_files(tmp_path: Path) -> None:
    target = tmp_path / "snapshots" / "a" / "page.html"
    write_atomically(target, b"<html></html>")
    assert target.read_bytes() == b"<html></html>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]
