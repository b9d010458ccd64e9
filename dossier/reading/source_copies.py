"""Read the other copies of a source: `custom.copies` in the sources file.

CSL has no field for an archived copy, so dossier keeps them under the entry's `custom`
mapping, which CSL tools ignore::

    custom:
      copies:
        - kind: archive        # a capture in a web archive, with the day it was captured
          url: https://web.archive.org/web/20261124093000/https://example.org/page
          captured: 2026-11-24
        - kind: mirror         # the same page at another address
          url: https://mirror.example.net/page
        - kind: snapshot       # a copy saved into the project by `dossier links snapshot`
          file: sources/snapshots/example-2022.html
          captured: 2026-11-24
          sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

`sha256` (optional on archives and mirrors) is the SHA-256 of the content at that copy's
address when it was captured; on a snapshot it is also the content of the live page then.
A snapshot's file is read like every other input, so the archive edition attaches it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dossier.errors import ContentError, Problems
from dossier.model.records import CopyKind, SourceCopy
from dossier.sandbox.datafile import DataFile, KeyPath
from dossier.sandbox.files import ProjectFiles

KINDS: tuple[CopyKind, ...] = ("archive", "mirror", "snapshot")
#: the folder, relative to the project, where `dossier links snapshot` saves pages
SNAPSHOT_DIR = "sources/snapshots"
#: the keys each kind may carry (kind first, in the order `dossier links` writes them)
FIELDS: dict[str, tuple[str, ...]] = {
    "archive": ("kind", "url", "captured", "sha256"),
    "mirror": ("kind", "url", "captured", "sha256"),
    "snapshot": ("kind", "file", "url", "captured", "sha256"),
}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_web_address(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) > 8


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def earliest_day(value: object) -> dt.date | None:
    """The first day a CSL date can mean ([2022, 8] -> 1 August 2022); None if it has none."""
    if not isinstance(value, dict):
        return None
    parts = (value.get("date-parts") or [[]])[0]
    if not isinstance(parts, list) or not parts or not all(type(n) is int for n in parts):
        return None
    year, month, day = [*parts, 1, 1][:3]
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_copies(
    data: DataFile,
    keys: KeyPath,
    key: str,
    value: Any,
    issued: object,
    project: ProjectFiles | None,
    problems: Problems,
) -> tuple[SourceCopy, ...]:
    """Validate `custom.copies` of the source `key` (at `keys` in `data`)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.error(
            f"'{key}': 'copies' must be a list such as [{{kind: mirror, url: https://…}}]",
            data.at(*keys),
        )
        return ()
    copies = []
    for index, item in enumerate(value):
        copy = _read_copy(data, (*keys, index), key, item, earliest_day(issued), project, problems)
        if copy is not None:
            copies.append(copy)
    return tuple(copies)


def _read_copy(
    data: DataFile,
    keys: KeyPath,
    key: str,
    item: Any,
    issued: dt.date | None,
    project: ProjectFiles | None,
    problems: Problems,
) -> SourceCopy | None:
    at = data.at(*keys)
    if not isinstance(item, dict):
        problems.error(f"'{key}': each copy must be a mapping with 'kind' and 'url'", at)
        return None
    kind = item.get("kind")
    if kind not in KINDS:
        problems.error(f"'{key}': a copy's kind must be one of {', '.join(KINDS)}", at)
        return None
    ok = True
    for field in item:
        if field not in FIELDS[kind]:
            problems.error(
                f"'{key}': {_a(kind)} copy cannot have '{field}' (it may have "
                f"{', '.join(FIELDS[kind][1:])})",
                data.at(*keys, field),
            )
            ok = False
    url = item.get("url")
    if (kind != "snapshot" or url is not None) and not is_web_address(url):
        problems.error(
            f"'{key}': {_a(kind)} copy needs a 'url' that is a web address (https:// or http://)",
            data.at(*keys, "url"),
        )
        ok = False
    captured = _captured(data, keys, key, kind, item.get("captured"), issued, problems)
    if captured is False:
        ok = False
    digest = item.get("sha256")
    if digest is not None and not (isinstance(digest, str) and _SHA256.match(digest)):
        problems.error(
            f"'{key}': sha256 must be 64 lowercase hexadecimal digits", data.at(*keys, "sha256")
        )
        ok = False
    file = ""
    if kind == "snapshot":
        file = _snapshot_file(data, keys, key, item, project, problems)
        ok = ok and bool(file)
    if not ok:
        return None
    return SourceCopy(
        kind=kind,
        where=at,
        url=str(url or ""),
        file=file,
        captured=captured if isinstance(captured, dt.date) else None,
        sha256=str(digest or ""),
    )


def _captured(
    data: DataFile,
    keys: KeyPath,
    key: str,
    kind: str,
    value: Any,
    issued: dt.date | None,
    problems: Problems,
) -> dt.date | bool | None:
    """The capture date (None if absent, False if wrong)."""
    where = data.at(*keys, "captured")
    if value is None:
        if kind in ("archive", "snapshot"):
            what = "an archive copy" if kind == "archive" else "a snapshot"
            problems.error(
                f"'{key}': {what} needs 'captured', the day it was captured (YYYY-MM-DD)",
                data.at(*keys),
            )
            return False
        return None
    try:
        if not (isinstance(value, str) and _ISO_DATE.match(value)):
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.error(f"'{key}': captured '{value}' is not a real day written YYYY-MM-DD", where)
        return False
    if issued is not None and day < issued:
        problems.error(
            f"'{key}': captured {day.isoformat()} is before the source was issued "
            f"({issued.isoformat()}); check both dates",
            where,
        )
        return False
    return day


def _snapshot_file(
    data: DataFile,
    keys: KeyPath,
    key: str,
    item: dict[str, Any],
    project: ProjectFiles | None,
    problems: Problems,
) -> str:
    """The snapshot's project path, read (so that archive editions attach it) and checked
    against its recorded SHA-256."""
    file = item.get("file")
    where = data.at(*keys, "file")
    if not isinstance(file, str) or not file.strip():
        problems.error(
            f"'{key}': a snapshot needs 'file', its path in the project "
            f"(such as {SNAPSHOT_DIR}/{key}.html)",
            data.at(*keys),
        )
        return ""
    if not item.get("sha256"):
        problems.error(
            f"'{key}': a snapshot needs 'sha256' (run `dossier links snapshot` to save it again)",
            data.at(*keys),
        )
        return ""
    if project is None:
        return file
    try:
        rel = project.resolve(file, where)
        project.read_bytes(rel, where)
    except ContentError as exc:
        problems.extend(exc.problems)
        return ""
    if project.files_read[rel] != item["sha256"]:
        problems.error(
            f"'{key}': {rel} does not match its recorded sha256: the file was changed "
            "after it was saved (save it again with `dossier links snapshot --refresh`)",
            where,
        )
        return ""
    return rel
