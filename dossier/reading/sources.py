"""Read sources: the CSL YAML file (as pandoc and Zotero write it), checked entry by entry.

Dossier-only fields live under each entry's `custom` mapping (CSL-JSON 1.0.2), which CSL
tools ignore: group, original-name, protection, reliability, internal-notes, internal, and
copies (other copies of the page: see `source_copies`).
"""

from __future__ import annotations

import calendar
from typing import Any

from dossier.errors import Problems, did_you_mean
from dossier.model.records import Source, SourceGroup
from dossier.reading.source_copies import read_copies
from dossier.sandbox.datafile import DataFile, internal_flag, load_yaml
from dossier.sandbox.files import ProjectFiles

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
NAME_FIELDS = tuple(
    """
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director executive-producer guest host interviewer illustrator narrator
organizer original-author performer producer recipient reviewed-author script-writer
series-creator translator
""".split()  # noqa: SIM905
)
CUSTOM_KEYS = (
    "group",
    "original-name",
    "protection",
    "reliability",
    "internal-notes",
    "internal",
    "copies",
)
GROUPS: tuple[SourceGroup, ...] = ("publications", "official", "testimony", "social-media")
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
#: protected sources (the appendix explains each kind: `rendering.words`)
PROTECTIONS = ("pseudonym", "anonymous")
#: Fields the appendix template prints itself (as links or dates) instead of the CSL style.
TEMPLATE_FIELDS = ("URL", "DOI", "accessed")


def read_sources(
    project: ProjectFiles,
    path: str,
    max_sources: int,
    max_nodes: int,
    max_line: int,
    problems: Problems,
) -> dict[str, Source]:
    """Read and validate the CSL YAML sources file."""
    with problems.collect() as caught:
        text = project.read_text(path, max_line=max_line)
        limit = ("references", max_sources, "max_sources")
        data = load_yaml(text, path, max_nodes, max_items=limit)
    if caught.failed:
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
    sources: dict[str, Source] = {}
    folded: dict[str, Source] = {}  # the CSL processor compares ids ignoring case
    for index, entry in enumerate(entries):
        source = _read_source(data, index, entry, problems, project)
        if source is None:
            continue
        first = folded.get(source.key.casefold())
        if first is not None:
            same = "" if first.key == source.key else f" ('{first.key}': ids ignore case)"
            problems.error(
                f"duplicate source id '{source.key}'{same} (first defined at line "
                f"{first.where.line})",
                data.at("references", index, "id"),
            )
            continue
        sources[source.key] = folded[source.key.casefold()] = source
    return sources


def _read_source(
    data: DataFile, index: int, entry: Any, problems: Problems, project: ProjectFiles | None = None
) -> Source | None:
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
        hint = did_you_mean(str(csl_type), CSL_TYPES)
        problems.error(
            f"'{key}': unknown CSL type {csl_type!r}{hint}", data.at("references", index, "type")
        )
    for field in entry:
        if field not in CSL_FIELDS:
            hint = did_you_mean(field, CSL_FIELDS)
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
    for field in NAME_FIELDS:
        if field in entry and not _valid_csl_names(entry[field]):
            problems.error(
                f"'{key}': '{field}' must be a list of names such as "
                f"[{{family: Vovchok, given: Marko}}] or [{{literal: OC Media}}]",
                data.at("references", index, field),
            )
    if not entry.get("title"):
        problems.error(f"'{key}': reference has no 'title'", at)
    url = entry.get("URL")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        problems.error(
            f"'{key}': URL '{url}' is not a web address (use https:// or http://)",
            data.at("references", index, "URL"),
        )
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
    if protection and protection not in PROTECTIONS:
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
    copies = read_copies(
        data,
        ("references", index, "custom", "copies"),
        key,
        custom.get("copies"),
        entry.get("issued"),
        project,
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
        copies=copies,
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
        and all(isinstance(p, list) and _valid_date_parts(p) for p in parts)
    )


def _valid_date_parts(parts: list[Any]) -> bool:
    """[year], [year, month] or [year, month, day] naming a real day (any year, as CSL
    allows years before the common era)."""
    if not 1 <= len(parts) <= 3 or not all(type(n) is int for n in parts):
        return False
    year, month, day = [*parts, 1, 1][:3]
    leap_year = 2000 if calendar.isleap(year) else 2001  # monthrange needs years 1..9999
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(leap_year, month)[1]


def _valid_csl_names(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(name, dict)
        and {"family", "given", "literal"} & name.keys()
        and all(isinstance(k, str) and isinstance(v, str | int) for k, v in name.items())
        for name in value
    )
