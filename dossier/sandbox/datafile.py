"""Load YAML and TOML with the file, line and column of every value, safely.

YAML is composed with PyYAML's safe loader (no object construction), then converted here
with a node budget that stops alias bombs and a depth limit; duplicate keys are errors.
tomllib reports no positions, so `toml_positions` finds each key's line by scanning the
text (tables, keys, and items of multi-line arrays): enough for one-line error messages.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from dossier.errors import ContentError, Location, Problems, over_limit

KeyPath = tuple[str | int, ...]

_MAX_DEPTH = 64


@dataclass
class DataFile:
    """A loaded data file: its value and where each part of it was written."""

    path: str
    value: Any
    positions: dict[KeyPath, Location] = field(default_factory=dict)

    def at(self, *keys: str | int) -> Location:
        """The location of `keys`, or of its nearest enclosing value that has one."""
        path: KeyPath = tuple(keys)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Location(self.path, 1))


def load_yaml(
    text: str,
    path: str,
    max_nodes: int = 200_000,
    line_offset: int = 0,
    max_items: tuple[str, int, str] | None = None,
) -> DataFile:
    """Parse one YAML document; `line_offset` shifts lines (for front matter). `max_items`
    (key, limit, setting) bounds the length of the top-level list under `key`, checked
    before the node budget so that a long list is reported as what it is."""
    import yaml  # imported here: a build with nothing to do never needs it

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1 + line_offset, mark.column + 1) if mark else None
        problem = exc.problem or exc.context or "syntax error"
        raise ContentError(f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"invalid YAML: {exc}", Location(path, 1)) from None
    data = DataFile(path, None)
    if node is None:
        return data
    converter = _Converter(data, max_nodes, line_offset)
    if max_items and isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        key, limit, setting = max_items
        # the list under `key`, or the whole document when it is a bare list
        pairs = node.value if isinstance(node, yaml.MappingNode) else [(node, node)]
        for key_node, value in pairs:
            count = len(value.value) if isinstance(value, yaml.SequenceNode) else 0
            if (key_node is node or key_node.value == key) and count > limit:
                where = converter.where(key_node)
                raise ContentError(over_limit(f"{count:,} {key}", limit, setting), where)
    data.value = converter.convert(node, ())
    return data


class _Converter:
    def __init__(self, data: DataFile, max_nodes: int, line_offset: int) -> None:
        self.data = data
        self.budget = max_nodes
        self.line_offset = line_offset
        self.active: set[int] = set()

    def where(self, node: Any) -> Location:
        mark = node.start_mark
        return Location(self.data.path, mark.line + 1 + self.line_offset, mark.column + 1)

    def convert(self, node: Any, keys: KeyPath) -> Any:
        import yaml

        self.budget -= 1
        if self.budget < 0:
            raise ContentError(
                "YAML file expands to too many values (an alias bomb?); "
                "raise [limits] max_yaml_nodes in dossier.toml if this is intended",
                self.where(node),
            )
        if len(keys) > _MAX_DEPTH:
            raise ContentError("YAML is nested too deeply", self.where(node))
        if id(node) in self.active:
            raise ContentError("YAML alias refers to itself (recursive data)", self.where(node))
        self.data.positions.setdefault(keys, self.where(node))
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(item, (*keys, i)) for i, item in enumerate(node.value)]
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise ContentError(
                        "YAML merge keys (<<) are not supported", self.where(key_node)
                    )
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ContentError("YAML keys must be plain text", self.where(key_node))
                key = str(key_node.value)
                if key in result:
                    raise ContentError(f"duplicate key '{key}'", self.where(key_node))
                self.data.positions[(*keys, key)] = self.where(key_node)
                result[key] = self.convert(value_node, (*keys, key))
            return result
        finally:
            self.active.discard(id(node))


def _scalar(node: Any) -> Any:
    """Scalars by resolved tag; timestamps stay as written (dates are EDTF text here)."""
    import yaml

    tag, text = node.tag, node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return yaml.constructor.SafeConstructor.bool_values.get(text.lower(), text)
    if tag == "tag:yaml.org,2002:int":
        try:
            return yaml.constructor.SafeConstructor().construct_yaml_int(node)
        except ValueError:
            return text
    if tag == "tag:yaml.org,2002:float":
        return yaml.constructor.SafeConstructor().construct_yaml_float(node)
    return text


_TOML_ERROR = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r'^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"))*)\s*='
)
_ITEM = re.compile(r'^\s*("[^"]*"|\'[^\']*\')\s*,?\s*(#.*)?$')


def load_toml(text: str, path: str) -> DataFile:
    """Parse TOML; syntax errors carry tomllib's line and column."""
    try:
        value = tomllib.loads(text)
    except RecursionError:
        lines = text.split("\n")
        deepest = max(range(len(lines)), key=lambda n: lines[n].count("[") + lines[n].count("{"))
        where = Location(path, deepest + 1)
        raise ContentError("invalid TOML: arrays or tables nested too deeply", where) from None
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_ERROR.match(str(exc))
        if match:
            where = Location(path, int(match["line"]), int(match["col"]))
            raise ContentError(f"invalid TOML: {match['msg']}", where) from None
        raise ContentError(f"invalid TOML: {exc}", Location(path, 1)) from None
    return DataFile(path, value, toml_positions(text, path))


def _split_key(key: str) -> list[str]:
    """`a."b.c".d` -> ['a', 'b.c', 'd'] (dots inside quotes are part of the key)."""
    outside_quotes = r"\.(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"
    return [part.strip().strip("\"'") for part in re.split(outside_quotes, key)]


def toml_positions(text: str, path: str) -> dict[KeyPath, Location]:
    """Line of every table, key and multi-line array item (see the module docstring)."""
    positions: dict[KeyPath, Location] = {(): Location(path, 1)}
    table: KeyPath = ()
    array_counts: dict[tuple[str, ...], int] = {}
    open_array: KeyPath | None = None
    item = 0
    in_string = False
    for number, line in enumerate(text.split("\n"), 1):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
            continue
        if in_string:
            continue
        if open_array is not None:
            if _ITEM.match(line):
                column = len(line) - len(line.lstrip()) + 1
                positions[(*open_array, item)] = Location(path, number, column)
                item += 1
            elif "]" in line:
                open_array = None
            continue
        match = _TABLE.match(line)
        if match:
            names: tuple[str, ...] = tuple(_split_key(match[2]))
            if match[1] == "[[":
                index = array_counts.get(names, 0)
                array_counts[names] = index + 1
                table = (*names, index)
                positions.setdefault(names, Location(path, number, 1))
            else:
                table = names
            positions[table] = Location(path, number, 1)
            continue
        match = _KEY.match(line)
        if match:
            key_path: KeyPath = (*table, *_split_key(str(match[1])))
            positions[key_path] = Location(path, number, line.index(match[1][0]) + 1)
            rest = line[match.end() :].split("#", 1)[0].strip()
            if rest.startswith("[") and "]" not in rest:
                open_array, item = key_path, 0
    return positions


def internal_flag(
    value: Any, allowed: tuple[str, ...], where: Location, problems: Problems
) -> tuple[bool, frozenset[str]]:
    """Read `internal: true` (the whole record) or `internal: [field, ...]` (those fields)."""
    if isinstance(value, bool):
        return value, frozenset()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        unknown = [v for v in value if v not in allowed]
        if unknown:
            shown = ", ".join(allowed) if len(allowed) <= 8 else "CSL fields and custom keys"
            problems.error(
                f"'internal' cannot list {', '.join(unknown)} (it may list {shown}; "
                "internal: true hides the whole record)",
                where,
            )
        return False, frozenset(value)
    problems.error("'internal' must be true/false or a list of field names", where)
    return False, frozenset()
