"""The recipients file of an edition with numbered copies: CSV with a header, each mistake
reported with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.errors import Problems
from dossier.reading.project import check
from dossier.reading.recipients import parse_recipients

PATH = "internal/recipients.csv"


def parse(text: str) -> tuple[list, list[str]]:
    problems = Problems()
    found = parse_recipients(text, PATH, problems)
    return found, [str(p) for p in problems.errors]


def test_rows_become_numbered_recipients_in_the_order_written() -> None:
    found, errors = parse(
        "id,name,organisation,note\n"
        "r01,Recipient A,Example Ministry,hand over in person\n"
        'r02,Recipient B,"Embassy, Consular Section",\n'
        "r03,Recipient C\n"
    )
    assert errors == []
    assert [(r.number, r.id, r.name, r.organisation, r.note) for r in found] == [
        (1, "r01", "Recipient A", "Example Ministry", "hand over in person"),
        (2, "r02", "Recipient B", "Embassy, Consular Section", ""),
        (3, "r03", "Recipient C", "", ""),
    ]


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped() -> None:
    found, errors = parse("\ufeffname,id\n\nRecipient A,a\n\n\nRecipient B,b\n")
    assert errors == []
    assert [(r.number, r.id, r.name) for r in found] == [
        (1, "a", "Recipient A"),
        (2, "b", "Recipient B"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", f"{PATH}:1: error: the recipients file is empty"),
        ("\n\n", f"{PATH}:1: error: the recipients file is empty"),
        ("id,name\n", f"{PATH}:1: error: the recipients file lists no recipients"),
        ("id,name\nr1,\n", f"{PATH}:2: error: recipient 'r1' has no name"),
        ("id,name\n,Someone\n", f"{PATH}:2: error: this recipient has no id"),
        (
            "id,name\na,One\nb,Two\na,Three\n",
            f"{PATH}:4: error: duplicate id 'a' (first on line 2)",
        ),
        (
            "id,name,organization\n",
            f"{PATH}:1: error: unknown column 'organization'; did you mean 'organisation'?",
        ),
        ("name,note\nOne,x\n", f"{PATH}:1: error: the header has no 'id' column"),
        ("id,name\nr 1,One\n", f"{PATH}:2: error: id 'r 1' must be letters, digits"),
        ("id,name\nr1,One,Org\n", f"{PATH}:2: error: 3 values for 2 columns"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(text: str, expected: str) -> None:
    found, errors = parse(text)
    assert found == []
    assert errors and errors[0].startswith(expected), errors


def test_lines_are_counted_across_quoted_newlines() -> None:
    _, errors = parse('id,name,note\na,One,"two\nlines"\na,Again,\n')
    assert errors == [f"{PATH}:4: error: duplicate id 'a' (first on line 2)"]


def test_dossier_check_reports_a_broken_recipients_file(project: Path) -> None:
    (project / "internal").mkdir()
    (project / "internal" / "recipients.csv").write_text("id,name\nr1,One\nr1,Two\n")
    manifest = project / "dossier.toml"
    manifest.write_text(
        manifest.read_text()
        + '\n[editions.reader]\n\n[editions.copies]\nformats = ["pdf"]\n'
        + 'recipients = "internal/recipients.csv"\n'
    )
    found = [str(p) for p in check(project)]
    assert f"{PATH}:3: error: duplicate id 'r1' (first on line 2)" in found


def test_dossier_check_reports_a_missing_recipients_file(project: Path) -> None:
    manifest = project / "dossier.toml"
    manifest.write_text(
        manifest.read_text() + '\n[editions.copies]\nrecipients = "internal/nobody.csv"\n'
    )
    found = [str(p) for p in check(project)]
    assert any("internal/nobody.csv" in p and "not found" in p for p in found), found
    assert any(p.startswith("dossier.toml:") for p in found if "nobody" in p), found
