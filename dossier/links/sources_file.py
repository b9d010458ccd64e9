"""Rewrite the sources file in place: set `custom.copies` of some entries and leave every
other byte as it was (comments, order, quoting, blank lines).

ruamel.yaml's round-trip loader finds where each entry, its `custom` mapping and its
`copies` list are written; only those lines are replaced by a freshly rendered block. The
result is parsed again and must equal the old data with exactly those changes, or nothing is
written. The file is replaced atomically, and only if nobody changed it meanwhile.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.errors import ContentError, Location
from dossier.sandbox.datafile import load_yaml

Copies = list[dict[str, Any]]


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _plain(value: Any) -> Any:
    """ruamel's round-trip values as plain Python (dates as ISO text)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def _refuse(path: str, reason: str, line: int | None = None) -> ContentError:
    return ContentError(
        f"cannot update the sources file: {reason}; it was left unchanged",
        Location(path, line),
    )


@dataclass(frozen=True)
class Update:
    """A planned rewrite of the sources file (see `plan_update`)."""

    path: Path
    rel: str
    original: bytes
    data: bytes

    def commit(self) -> None:
        if self.data != self.original:
            _replace_atomically(self.path, self.rel, self.original, self.data)


def plan_update(root: Path, rel: str, changes: Mapping[str, Copies]) -> Update:
    """The sources file with `custom.copies` of each source in `changes` (id -> the whole
    new list) set; nothing is written until `commit()`."""
    path = root / rel
    original = path.read_bytes()
    if not changes:
        return Update(path, rel, original, original)
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(rel, "it is not UTF-8 text") from None
    return Update(path, rel, original, edit_copies(text, rel, changes).encode("utf-8"))


def update_copies(root: Path, rel: str, changes: Mapping[str, Copies]) -> None:
    plan_update(root, rel, changes).commit()


def edit_copies(text: str, rel: str, changes: Mapping[str, Copies]) -> str:
    """The text with the changes made (see the module docstring)."""
    from ruamel.yaml.error import YAMLError

    yaml = _yaml()
    try:
        document = yaml.load(text)
        load_yaml(text, rel)  # what dossier itself reads must parse too
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise _refuse(rel, f"it is not valid YAML ({getattr(exc, 'problem', exc)})", line) from None
    except ContentError as exc:
        raise _refuse(rel, f"it is not valid YAML ({exc.problems[0].message})") from None
    refs = document.get("references") if isinstance(document, Mapping) else None
    if not isinstance(refs, list) or not hasattr(refs, "lc"):
        raise _refuse(rel, "it has no top-level 'references:' list")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if text.endswith("\r\n") or "\r\n" in text[:4096] else "\n"
    refs_end = _block_end(lines, _next_top_level_line(document, "references", len(lines)))
    edits: list[tuple[int, int, list[str]]] = []
    expected = _plain(document)
    found = set()
    for index, entry in enumerate(refs):
        key = str(entry.get("id", "")).strip() if isinstance(entry, Mapping) else ""
        if key not in changes:
            continue
        found.add(key)
        if not hasattr(entry, "lc") or entry.fa.flow_style():
            raise _refuse(
                rel,
                f"entry '{key}' is written on one line; write it as a block",
                refs.lc.item(index)[0] + 1,
            )
        end = refs.lc.item(index + 1)[0] if index + 1 < len(refs) else refs_end
        end = _block_end(lines, end)
        edits.append(_entry_edit(lines, entry, end, changes[key], newline))
        target = expected["references"][index]
        target.setdefault("custom", {})
        if not isinstance(target["custom"], dict):
            target["custom"] = {}
        target["custom"]["copies"] = _plain(changes[key])
    missing = set(changes) - found
    if missing:
        raise _refuse(rel, f"no entry with id '{sorted(missing)[0]}'")
    for start, stop, replacement in sorted(edits, reverse=True):
        lines[start:stop] = replacement
    result = "".join(lines)
    try:
        again = _plain(yaml.load(result))
        load_yaml(result, rel)
    except (YAMLError, ContentError):
        again = None
    if again != expected:
        raise _refuse(rel, "its layout is one dossier cannot edit safely (edit it by hand)")
    return result


def _next_top_level_line(document: Any, key: str, default: int) -> int:
    keys = list(document)
    position = keys.index(key)
    if position + 1 < len(keys):
        return int(document.lc.key(keys[position + 1])[0])
    return default


def _block_end(lines: list[str], end: int) -> int:
    """Move `end` back over blank and comment lines (they introduce what follows)."""
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _render(key: str, value: Any, column: int, newline: str) -> list[str]:
    from ruamel.yaml.comments import CommentedMap

    out = io.StringIO()
    data = CommentedMap()
    data[key] = value
    _yaml().dump(data, out)
    pad = " " * column
    return [pad + line + newline for line in out.getvalue().splitlines()]


def _as_yaml(copies: Copies) -> list[Any]:
    from ruamel.yaml.comments import CommentedMap

    items = []
    for copy in copies:
        item = CommentedMap()
        for name, value in copy.items():
            item[name] = dt.date.fromisoformat(value) if name == "captured" else value
        items.append(item)
    return items


def _entry_edit(
    lines: list[str], entry: Any, end: int, copies: Copies, newline: str
) -> tuple[int, int, list[str]]:
    """The lines to replace in one entry (start, stop, new lines)."""
    keys = list(entry)
    custom: Any = entry.get("custom")
    block = hasattr(custom, "fa") and bool(custom) and not custom.fa.flow_style()
    if "custom" not in entry:
        column = int(entry.lc.key(keys[0])[1])
        return end, end, _render("custom", {"copies": _as_yaml(copies)}, column, newline)
    position = keys.index("custom")
    custom_start = int(entry.lc.key("custom")[0])
    custom_end = end
    if position + 1 < len(keys):
        custom_end = _block_end(lines, int(entry.lc.key(keys[position + 1])[0]))
    if not block and custom_end == custom_start + 1:
        if isinstance(custom, Mapping) and "copies" in custom:
            column = int(entry.lc.key("custom")[1])
            line = _flow_line(custom, copies, column, newline).rstrip("\r\n")
            comment = _line_comment(lines[custom_start])  # the line is new, its comment not
            return custom_start, custom_end, [line + comment + newline]
        one_line = _flow_insert(lines[custom_start], copies, newline)
        if one_line:
            return custom_start, custom_end, [one_line]
    if not block:
        # an empty or multi-line flow mapping: render the whole mapping again, as a block
        column = int(entry.lc.key("custom")[1])
        merged = dict(custom) if isinstance(custom, Mapping) else {}
        merged["copies"] = _as_yaml(copies)
        return custom_start, custom_end, _render("custom", merged, column, newline)
    names = list(custom)
    column = int(custom.lc.key(names[0])[1])
    if "copies" not in custom:
        return custom_end, custom_end, _render("copies", _as_yaml(copies), column, newline)
    where = names.index("copies")
    start = int(custom.lc.key("copies")[0])
    stop = custom_end
    if where + 1 < len(names):
        stop = _block_end(lines, int(custom.lc.key(names[where + 1])[0]))
    return start, stop, _render("copies", _as_yaml(copies), column, newline)


def _flow_copies(copies: Copies) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    items = CommentedSeq(_as_yaml(copies))
    items.fa.set_flow_style()
    for item in items:
        item.fa.set_flow_style()
    return items


def _flow_line(custom: Any, copies: Copies, column: int, newline: str) -> str:
    """`custom: {…, copies: [...]}` on one line again, with the new copies."""
    from ruamel.yaml.comments import CommentedMap

    merged = CommentedMap(custom.items())
    merged["copies"] = _flow_copies(copies)
    merged.fa.set_flow_style()
    return _render("custom", merged, column, newline)[0]


_COMMENT = r"\s+#[^'\"}]*$"  # a comment ending a line of flow YAML


def _line_comment(line: str) -> str:
    """The comment ending a line (with the spaces before it), or ""."""
    body = line.rstrip("\r\n")
    return body[len(re.sub(_COMMENT, "", body)) :]


def _flow_insert(line: str, copies: Copies, newline: str) -> str:
    """`custom: {group: x}` -> `custom: {group: x, copies: [{kind: …}]}`, or "" if the
    line does not end its mapping (the result is checked by parsing it again)."""
    from ruamel.yaml.comments import CommentedMap

    body = line.rstrip("\r\n")
    code = re.sub(_COMMENT, "", body)
    close = code.rfind("}")
    if close < 0 or code[close + 1 :].strip():
        return ""
    data = CommentedMap()
    data["copies"] = _flow_copies(copies)
    out = io.StringIO()
    _yaml().dump(data, out)
    rendered = out.getvalue().strip()
    opening = code.find("{")
    separator = ", " if code[opening + 1 : close].strip() else ""
    return body[:close] + separator + rendered + body[close:] + newline


def _replace_atomically(path: Path, rel: str, original: bytes, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path` — unless
    `path` changed since it was read."""
    folder = path.parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, path.stat().st_mode & 0o7777)
        if path.read_bytes() != original:
            raise _refuse(rel, "it was changed by something else meanwhile; run the command again")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write a new file (a snapshot) so that it is never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
