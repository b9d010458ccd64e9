"""`custom.copies` in the sources file: what `dossier check` accepts and refuses, with the
line of each mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.errors import Problems
from dossier.reading.sources import _read_source
from dossier.sandbox.datafile import load_yaml

ENTRY = """\
references:
  - id: page
    type: webpage
    title: A page
    issued: {date-parts: [[2023, 5]]}
    URL: https://example.org/page
    custom:
      copies:
%s
"""


def read(copies: str) -> tuple[object, list[str]]:
    text = ENTRY % copies
    data = load_yaml(text, "sources.yaml")
    problems = Problems()
    source = _read_source(data, 0, data.value["references"][0], problems)
    return source, [str(p) for p in problems.items]


def test_archives_and_mirrors_are_read() -> None:
    source, problems = read(
        "        - {kind: archive, url: 'https://web.archive.org/web/20240501000000/https://example.org/page', captured: 2024-05-01}\n"
        "        - kind: mirror\n"
        "          url: https://mirror.example.net/page\n"
        f"          sha256: {'a' * 64}\n"
    )
    assert problems == []
    archive, mirror = source.copies
    assert archive.kind == "archive" and archive.captured == dt.date(2024, 5, 1)
    assert archive.url.startswith("https://web.archive.org/web/2024")
    assert mirror.kind == "mirror" and mirror.captured is None and mirror.sha256 == "a" * 64
    assert archive.where.line == 9 and mirror.where.line == 10


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        (
            "        - {kind: archive, url: 'ftp://x.org/a', captured: 2024-05-01}",
            "url: 'ftp: error: 'page': an archive copy needs a 'url' that is a web address",
        ),
        (
            "        - {kind: archive, url: 'https://a.org/b', captured: 2024-02-30}",
            "captured: 2024-02-30: error: 'page': captured '2024-02-30' is not a real day written YYYY-MM-DD",
        ),
        (
            "        - {kind: archive, url: 'https://a.org/b', captured: 2023-04-30}",
            "captured: 2023-04-30: error: 'page': captured 2023-04-30 is before the source was issued (2023-05-01)",
        ),
        (
            "        - {kind: archive, url: 'https://a.org/b'}",
            "- {: error: 'page': an archive copy needs 'captured'",
        ),
        (
            "        - {kind: copy, url: 'https://a.org/b'}",
            "- {: error: 'page': a copy's kind must be one of archive, mirror, snapshot",
        ),
        (
            "        - {kind: mirror, url: 'https://a.org/b', sha256: abc}",
            "sha256: error: 'page': sha256 must be 64 lowercase hexadecimal digits",
        ),
        (
            "        - {kind: mirror, url: 'https://a.org/b', date: 2024-01-01}",
            "date: error: 'page': a mirror copy cannot have 'date'",
        ),
        (
            "        - {kind: snapshot, file: sources/snapshots/page.html, captured: 2024-01-01}",
            "- {: error: 'page': a snapshot needs 'sha256'",
        ),
    ],
)
def test_mistakes_are_errors_at_their_line(copy: str, expected: str) -> None:
    """`expected` starts with the text the error points at, then the message."""
    source, problems = read(copy + "\n")
    needle, message = expected.split(": error: ")
    column = copy.index(needle) + 1 + (2 if needle == "- {" else 0)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"sources.yaml:9:{column}: error: {message}")
    assert source.copies == ()


def test_copies_must_be_a_list() -> None:
    text = ENTRY.replace("      copies:\n%s", "      copies: https://mirror.example.net/page")
    data = load_yaml(text, "sources.yaml")
    problems = Problems()
    _read_source(data, 0, data.value["references"][0], problems)
    assert [str(p) for p in problems.items] == [
        "sources.yaml:8:7: error: 'page': 'copies' must be a list such as "
        "[{kind: mirror, url: https://…}]"
    ]
