"""Read an edition's recipients file: who gets which numbered copy.

The file is CSV (UTF-8, comma-separated, a header row naming its columns): `id` and `name`
are required, `organisation` and `note` optional, in any order. Rows are numbered copies in
the order written. It is internal material: its notes, and every recipient's name in any
copy but their own, are searched for by the leak audit and never appear in an output.
"""

from __future__ import annotations

import csv
import io
import re

from dossier.config.schema import Config, Edition
from dossier.errors import ContentError, Location, Problems, did_you_mean
from dossier.model.records import Recipient

COLUMNS = ("id", "name", "organisation", "note")
REQUIRED = ("id", "name")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_RECIPIENTS = 9_999


def recipients_files(config: Config, editions: list[Edition] | None = None) -> set[str]:
    """Project paths of the recipients files of `editions` (default: all of them)."""
    chosen = config.editions.values() if editions is None else editions
    found = set()
    for edition in chosen:
        if edition.recipients:
            try:
                found.add(config.project.resolve(edition.recipients))
            except ContentError:
                continue
    return found


def read_recipients(config: Config, edition: Edition, problems: Problems) -> list[Recipient]:
    """The edition's recipients in copy order; every mistake goes to `problems` with the
    file and line (an empty list when there are any)."""
    where = config.at("editions", edition.name, "recipients")
    project = config.project
    with problems.collect() as caught:
        path = project.resolve(edition.recipients, where)
        text = project.read_text(path, where, max_line=config.limits.max_line_chars)
    if caught.failed:
        return []
    return parse_recipients(text, path, problems)


def parse_recipients(text: str, path: str, problems: Problems) -> list[Recipient]:
    """Parse the text of a recipients file (see the module docstring)."""
    before = len(problems.errors)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        problems.error(
            "the recipients file is empty: write a header line 'id,name,organisation,note' "
            "and one line per recipient",
            Location(path, 1),
        )
        return []
    head_line = reader.line_num
    columns = [cell.strip().lower() for cell in header]
    for column in columns:
        if column not in COLUMNS:
            problems.error(
                f"unknown column '{column}'{did_you_mean(column, COLUMNS)}: the columns are "
                f"{', '.join(COLUMNS)}",
                Location(path, head_line),
            )
    for column in REQUIRED:
        if column not in columns:
            problems.error(
                f"the header has no '{column}' column (columns: {', '.join(COLUMNS)})",
                Location(path, head_line),
            )
    if len(problems.errors) > before:
        return []
    found: list[Recipient] = []
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1  # where the row starts (a quoted value may span lines)
        row = next(reader, None)
        if row is None:
            break
        if not any(cell.strip() for cell in row):
            continue
        where = Location(path, line)
        if len(row) > len(columns):
            problems.error(
                f"{len(row)} values for {len(columns)} columns (quote a value that holds a "
                'comma: "Ministry, Department")',
                where,
            )
            continue
        values = dict(zip(columns, (cell.strip() for cell in row), strict=False))
        rid, name = values.get("id", ""), values.get("name", "")
        if not rid:
            problems.error("this recipient has no id", where)
            continue
        if not ID_PATTERN.fullmatch(rid):
            problems.error(f"id '{rid}' must be letters, digits, '.', '_' or '-' (up to 64)", where)
            continue
        if rid in seen:
            problems.error(f"duplicate id '{rid}' (first on line {seen[rid]})", where)
            continue
        seen[rid] = line
        if not name:
            problems.error(f"recipient '{rid}' has no name", where)
            continue
        found.append(
            Recipient(
                len(found) + 1,
                rid,
                name,
                values.get("organisation", ""),
                values.get("note", ""),
            )
        )
    if len(problems.errors) > before:
        return []
    if not found:
        problems.error("the recipients file lists no recipients", Location(path, head_line))
    elif len(found) > MAX_RECIPIENTS:
        problems.error(
            f"{len(found):,} recipients; at most {MAX_RECIPIENTS:,} copies are numbered",
            Location(path, head_line),
        )
        return []
    return found
