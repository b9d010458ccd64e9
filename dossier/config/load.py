"""Load the manifest: read dossier.toml, check every key against the schema (unknown keys,
wrong types, bad values, missing files) and report all problems together, each with the line
of its key.

The validator is generic: it walks the dataclasses of `dossier.config.schema`, so a new
setting is declared there only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

from dossier.catalogues import Message, check_strings
from dossier.config.schema import (
    CHRONOLOGY_MARK,
    MANIFEST,
    SOURCES_MARK,
    Config,
    Edition,
    Limits,
    pdf_standards,
    type_name,
)
from dossier.errors import (
    ConfigError,
    ContentError,
    Location,
    Problems,
    did_you_mean,
    over_limit,
)
from dossier.sandbox.datafile import DataFile, load_toml
from dossier.sandbox.files import ProjectFiles


def load_config(project_dir: str | Path) -> Config:
    """Read and validate `dossier.toml` in `project_dir`; report every problem at once."""
    root = Path(project_dir)
    if not (root / MANIFEST).is_file():
        where = root if str(root) != "." else Path.cwd()
        raise ConfigError(
            f"no {MANIFEST} in '{where}': pass the project folder, or create a manifest "
            "(see the README)"
        )
    project = ProjectFiles(root)
    try:
        data = load_toml(project.read_text(MANIFEST), MANIFEST)
    except ContentError as exc:
        raise ConfigError.of(exc.problems) from None
    problems = Problems()
    values = _validate(data, data.value, Config, (), problems)
    config = None
    if not problems.errors:
        limits = values.get("limits", Limits())
        editions = values.get("editions") or {"reader": Edition()}
        values.update(editions=editions, limits=limits, root=project.root, manifest=data)
        if not values.get("default_editions"):
            values["default_editions"] = list(editions)
        config = Config(**values)
        config.project.read_bytes(MANIFEST)  # the manifest is an input like any other
        _check_consistency(config, data, problems)
        if config.strings_file and not problems.errors:
            strings = {**_read_strings_file(config, problems), **config.strings}
            object.__setattr__(config, "strings", strings)  # frozen: set once, while loading
    problems.raise_errors(ConfigError)
    assert config is not None
    return config


def _validate(
    data: DataFile, table: Any, schema: type, keys: tuple[str | int, ...], problems: Problems
) -> dict[str, Any]:
    """Check one TOML table against a dataclass schema; return the converted values."""
    hints = typing.get_type_hints(schema)
    fields = {f.name: f for f in dataclasses.fields(schema) if not f.metadata.get("internal")}
    out: dict[str, Any] = {}
    for key, value in table.items():
        where = data.at(*keys, key)
        if key not in fields:
            hint = did_you_mean(key, fields)
            prefix = ".".join(str(k) for k in keys)
            name = f"{prefix}.{key}" if prefix else key
            problems.error(f"unknown key '{name}'{hint}", where)
            continue
        converted = _convert(data, value, hints[key], (*keys, key), problems)
        if converted is _INVALID:
            continue
        check = fields[key].metadata.get("check")
        message = check(converted) if check else ""
        if message:
            problems.error(f"'{_dotted(keys, key)}' {message} (got {value!r})", where)
            continue
        out[key] = converted
    for name, f in fields.items():
        if (
            name not in table
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ):
            problems.error(f"missing required key '{_dotted(keys, name)}'", data.at(*keys))
    return out


_INVALID = object()


def _dotted(keys: tuple[str | int, ...], key: str) -> str:
    return ".".join([*(str(k) for k in keys), key])


def _convert(
    data: DataFile, value: Any, hint: Any, keys: tuple[str | int, ...], problems: Problems
) -> Any:
    where = data.at(*keys)
    name = ".".join(str(k) for k in keys)
    origin = typing.get_origin(hint)

    def wrong() -> Any:
        problems.error(f"'{name}' must be {type_name(hint)} (got {value!r})", where)
        return _INVALID

    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            return wrong()
        return hint(**_validate(data, value, hint, keys, problems))  # type: ignore
    if origin is dict and not dataclasses.is_dataclass(typing.get_args(hint)[1]):
        if not isinstance(value, dict):
            return wrong()
        return _strings(data, value, keys, problems)
    if origin is dict:
        if not isinstance(value, dict):
            return wrong()
        item_type = typing.get_args(hint)[1]
        result = {}
        for sub, item in value.items():
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", sub):
                problems.error(
                    f"'{name}.{sub}': names must be lowercase letters, digits, hyphens",
                    data.at(*keys, sub),
                )
                continue
            if not isinstance(item, dict):
                problems.error(f"'{name}.{sub}' must be a table", data.at(*keys, sub))
                continue
            converted = _validate(data, item, item_type, (*keys, sub), problems)
            result[sub] = item_type(name=sub, **converted)
        return result
    if origin is list:
        if not isinstance(value, list):
            return wrong()
        item_hint = typing.get_args(hint)[0]
        items = [_convert(data, v, item_hint, (*keys, i), problems) for i, v in enumerate(value)]
        return _INVALID if _INVALID in items else items
    if origin is Literal:
        return value if value in typing.get_args(hint) else wrong()
    if origin in (typing.Union, types.UnionType):
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return wrong()
    if hint is bool:
        return value if isinstance(value, bool) else wrong()
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else wrong()
    if hint is str:
        return value if isinstance(value, str) else wrong()
    return value


def _strings(
    data: DataFile, table: dict[str, Any], keys: tuple[str | int, ...], problems: Problems
) -> dict[str, Message]:
    """A `[strings]` table: known catalogue keys with texts of the right shape."""
    strings, wrong = check_strings(table)
    for path, message in wrong:
        problems.error(message, data.at(*keys, *path))
    return strings


def _read_strings_file(config: Config, problems: Problems) -> dict[str, Message]:
    """The strings of `strings_file` (a TOML file written like [strings])."""
    path = config.strings_file
    with problems.collect() as caught:
        data = load_toml(config.project.read_text(path), path)
    if caught.failed:
        return {}
    return _strings(data, data.value, (), problems)


def _check_consistency(config: Config, data: DataFile, problems: Problems) -> None:
    """Cross-key checks: files exist, editions are known, marks are not repeated."""
    project = config.project
    for key in ("chronology", "sources", "colophon", "strings_file"):
        _check_file(project, getattr(config, key), data.at(key), problems)
    for i, style in enumerate(config.styles):
        _check_file(project, style, data.at("styles", i), problems)
    _check_sections(config, config.sections, ("sections",), data, problems)
    for name, edition in config.editions.items():
        _check_sections(config, edition.sections, ("editions", name, "sections"), data, problems)
    if not config.section_files():
        problems.error(
            "'sections' lists no section files; add at least one Markdown file", data.at("sections")
        )
    if len(config.section_files()) > config.limits.max_sections:
        problems.error(
            over_limit(
                f"{len(config.section_files()):,} sections",
                config.limits.max_sections,
                "max_sections",
            ),
            data.at("sections"),
        )
    for i, name in enumerate(config.default_editions):
        if name not in config.editions:
            problems.error(
                f"default edition '{name}' is not defined in [editions]",
                data.at("default_editions", i),
            )
    for name, edition in config.editions.items():
        if edition.output_profile:
            _check_file(
                project,
                edition.output_profile,
                data.at("editions", name, "output_profile"),
                problems,
            )
        standards = pdf_standards(edition.pdf_standard)
        if "pdf/x-4" in standards and not edition.output_profile:
            problems.error(
                f"edition '{name}' uses pdf/x-4 and needs an output_profile (ICC file)",
                data.at("editions", name, "pdf_standard"),
            )
        if edition.attach_sources and "pdf/x-4" in standards:
            problems.error(
                f"edition '{name}': attach_sources needs pdf/a-3, pdf/ua-1 or no standard "
                f"(got {edition.pdf_standard})",
                data.at("editions", name, "attach_sources"),
            )
        if edition.recipients and "html" in edition.formats:
            problems.error(
                f"edition '{name}': numbered copies are made of PDF and EPUB only; remove "
                "'html' from its formats or give the HTML edition of its own",
                data.at("editions", name, "recipients"),
            )
        if not edition.formats:
            problems.error(f"edition '{name}' has no formats", data.at("editions", name, "formats"))


def _check_sections(
    config: Config, entries: list[str], keys: tuple[str, ...], data: DataFile, problems: Problems
) -> None:
    """A list of sections in reading order: files that exist, known marks, no repeats."""
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = data.at(*keys, i)
        if entry in seen:
            problems.error(f"'{entry}' is listed twice in {'.'.join(keys)}", where)
        seen.add(entry)
        if entry == CHRONOLOGY_MARK and not config.chronology:
            problems.error("'@chronology' is listed but no chronology file is set", where)
        elif entry == SOURCES_MARK and not config.sources:
            problems.error("'@sources' is listed but no sources file is set", where)
        elif entry.startswith("@") and entry not in (CHRONOLOGY_MARK, SOURCES_MARK):
            problems.error(f"unknown placeholder '{entry}': use '@chronology' or '@sources'", where)
        elif not entry.startswith("@"):
            _check_file(config.project, entry, where, problems)


def _check_file(project: ProjectFiles, path: str, where: Location, problems: Problems) -> None:
    if not path:
        return
    with problems.collect():
        project.read_bytes(project.resolve(path, where), where)  # read: part of the inputs
