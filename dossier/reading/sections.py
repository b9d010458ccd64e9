"""Read a project's content into the dossier model: sections, chronology, sources.

Problems are collected per file so that one run reports all of them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from markdown_it.token import Token

from dossier.config.schema import Config
from dossier.errors import ContentError, Location, Problems, did_you_mean
from dossier.model import markdown as markup
from dossier.model.records import Dossier, Heading, NoteDef, Section
from dossier.reading.chronology import read_chronology
from dossier.reading.sources import read_sources
from dossier.sandbox.datafile import load_yaml
from dossier.sandbox.files import ProjectFiles

FRONT_MATTER_KEYS = ("title", "subtitle", "summary", "part", "internal", "id")


def build_time(config: Config) -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH if set, else the manifest date (midnight UTC),
    so that builds are reproducible by default."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ContentError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds (got {epoch!r})"
            )
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ContentError(
                f"SOURCE_DATE_EPOCH {epoch} is after the year 9999 (it counts seconds since 1970)"
            ) from None
    return dt.datetime.combine(config.date, dt.time(), dt.UTC)


def read_dossier(
    config: Config, problems: Problems, project: ProjectFiles | None = None
) -> Dossier:
    """Read every content file named by the manifest; problems go to `problems`."""
    project = project or config.project
    limits = config.limits
    incomplete = set()
    sections = []
    for path in config.section_files():
        section = _read_or_report(project, path, config, problems)
        if section is not None:
            sections.append(section)
        else:
            incomplete.add("sections")
    colophon = None
    if config.colophon:
        colophon = _read_or_report(project, config.colophon, config, problems, title="Colophon")
        if colophon is not None:
            colophon.id = "colophon"
    events = []
    errors = len(problems.errors)
    if config.chronology:
        events = read_chronology(
            project,
            config.chronology,
            limits.max_events,
            limits.max_yaml_nodes,
            limits.max_line_chars,
            problems,
        )
    if len(problems.errors) > errors:
        incomplete.add("chronology")
    sources = {}
    errors = len(problems.errors)
    if config.sources:
        sources = read_sources(
            project,
            config.sources,
            limits.max_sources,
            limits.max_yaml_nodes,
            limits.max_line_chars,
            problems,
        )
    if len(problems.errors) > errors:
        incomplete.add("sources")
    # the colophon first: it keeps its id "colophon", and it comes first in reading order
    _assign_ids(([colophon] if colophon else []) + sections, {e.id for e in events}, problems)
    time = build_time(config)
    return Dossier(config, sections, events, sources, colophon, time, frozenset(incomplete))


def _read_or_report(
    project: ProjectFiles, path: str, config: Config, problems: Problems, title: str = ""
) -> Section | None:
    section = None
    with problems.collect():
        text = project.read_text(path, max_line=config.limits.max_line_chars)
        section = read_section(text, path, problems, config.limits.max_yaml_nodes, title)
    return section


def read_section(
    text: str, path: str, problems: Problems, max_nodes: int = 200_000, default_title: str = ""
) -> Section | None:
    """Parse one Markdown section: front matter, title, body tokens and note definitions."""
    tokens = markup.parse(text)
    meta: dict[str, Any] = {}
    if tokens and tokens[0].type == "front_matter":
        front = tokens.pop(0)
        start = front.map[0] + 1 if front.map else 1
        data = load_yaml(front.content, path, max_nodes, line_offset=start)
        if data.value is not None and not isinstance(data.value, dict):
            raise ContentError(
                "front matter must be a mapping of keys such as title:", Location(path, start + 1)
            )
        meta = data.value or {}
        for key, value in meta.items():
            where = data.at(key)
            if key not in FRONT_MATTER_KEYS:
                hint = did_you_mean(key, FRONT_MATTER_KEYS)
                problems.error(f"unknown front matter key '{key}'{hint}", where)
            elif key == "internal" and not isinstance(value, bool):
                problems.error("'internal' must be true or false", where)
            elif key != "internal" and not isinstance(value, str):
                problems.error(f"'{key}' must be text", where)
    title = str(meta["title"]) if isinstance(meta.get("title"), str) else ""
    title_where = Location(path, 1)
    if len(tokens) > 2 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        heading = markup.plain_text(tokens[1].children or [])
        line = (tokens[0].map or [0])[0] + 1
        if not title:
            title, title_where, tokens = heading, Location(path, line), tokens[3:]
        elif " ".join(heading.split()) == " ".join(title.split()):
            tokens = tokens[3:]  # the front matter's title, written again as `# Title`
        else:
            problems.error(
                f"the front matter's title is '{title}' but the first line says '# {heading}': "
                "make them the same, or delete one of them, or write '## ' for a heading "
                "inside the section",
                Location(path, line),
            )
            tokens = tokens[3:]
    title = title.strip() or default_title
    if not title:
        problems.error(
            "section has no title: add front matter 'title:' or start with a '# Heading' line",
            Location(path, 1),
        )
        return None
    body, notes = _split_notes(tokens, path, problems)
    for token in body:
        if token.type == "heading_open" and token.tag == "h1":
            problems.error(
                "use '##' for headings inside a section (the section title is the "
                "only level-1 heading)",
                Location(path, (token.map or [0])[0] + 1),
            )
    if not any(t.type != "front_matter" for t in body) and not default_title:
        problems.warning("section has a title but no text", title_where)
    stem = re.sub(r"^[\d_.\- ]+", "", os.path.splitext(os.path.basename(path))[0])
    section_id = str(meta.get("id") or markup.slugify(stem or title))
    if section_id != markup.slugify(section_id):
        problems.error(
            f"id '{section_id}' must be lowercase letters, digits and hyphens", Location(path, 1)
        )
    part = str(meta.get("part") or "sections")
    return Section(
        path=path,
        id=section_id,
        title=title,
        part=part,
        tokens=body,
        notes=notes,
        where=title_where,
        subtitle=str(meta.get("subtitle") or ""),
        summary=str(meta.get("summary") or ""),
        internal=meta.get("internal") is True,
        lines=text.split("\n"),
    )


def _split_notes(
    tokens: list[Token], path: str, problems: Problems
) -> tuple[list[Token], dict[str, NoteDef]]:
    """Move footnote definitions out of the body, keyed by label."""
    body: list[Token] = []
    notes: dict[str, NoteDef] = {}
    current: list[Token] | None = None
    label = ""
    where = Location(path)
    for token in tokens:
        if token.type == "footnote_reference_open":
            current, label = [], token.meta["label"]
            where = Location(path, (token.map or [0])[0] + 1)
        elif token.type == "footnote_reference_close" and current is not None:
            if label in notes:
                problems.error(
                    f"footnote '[^{label}]' is defined twice (first at line "
                    f"{notes[label].where.line})",
                    where,
                )
            else:
                notes[label] = NoteDef(label, current, where)
            current = None
        elif current is not None:
            current.append(token)
        else:
            body.append(token)
    return body, notes


def _assign_ids(sections: list[Section], event_ids: set[str], problems: Problems) -> None:
    """Unique, stable ids for sections and headings across the dossier (reading order), in
    one namespace with the chronology's events and the generated parts."""
    used: set[str] = set(markup.RESERVED_IDS) | event_ids
    for section in sections:
        if section.id in used or section.id.startswith(markup.RESERVED_PREFIXES):
            problems.error(
                f"section id '{section.id}' is already used by another section, a chronology "
                "event or a generated part; set a different 'id:' in the front matter",
                section.where,
            )
        used.add(section.id)
    for section in sections:
        section.headings = []
        for i, token in enumerate(section.tokens):
            if token.type != "heading_open":
                continue
            text = markup.plain_text(section.tokens[i + 1].children or [])
            base = markup.slugify(text)
            base = f"h-{base}" if base.startswith(markup.RESERVED_PREFIXES) else base
            slug, n = base, 2
            while slug in used:
                slug, n = f"{base}-{n}", n + 1
            used.add(slug)
            token.attrSet("id", slug)
            section.headings.append(Heading(int(token.tag[1]), slug, text))
