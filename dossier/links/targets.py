"""Every web address of a project, with where it was written: each source's URL and the
addresses of its other copies (sources file), and every http(s) link in the sections."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dossier.config import Config, load_config
from dossier.errors import ContentError, Location, Problems
from dossier.model import markdown as markup
from dossier.model.records import Dossier, Source
from dossier.reading.sections import read_dossier
from dossier.sandbox.datafile import DataFile, load_yaml

Role = Literal["source", "archive", "mirror", "link"]


@dataclass(frozen=True)
class Target:
    """One place a web address is written. `sha256`: the content the address had when it was
    captured ("" if nothing was recorded)."""

    url: str
    where: Location
    role: Role
    key: str = ""
    sha256: str = ""


@dataclass
class LinkedProject:
    """A project read for the `links` commands."""

    config: Config
    dossier: Dossier
    data: DataFile  # the sources file with positions

    @property
    def sources_path(self) -> str:
        return self.config.sources

    def field_at(self, source: Source, *keys: str | int) -> Location:
        """Where a field of `source` is written."""
        return self.data.at("references", self._index(source.key), *keys)

    def _index(self, key: str) -> int:
        entries = self.data.value.get("references", []) if isinstance(self.data.value, dict) else []
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and str(entry.get("id", "")).strip() == key:
                return index
        return -1


def read_linked_project(project_dir: str | Path) -> LinkedProject:
    """Read the project; stop (one line per problem) if its sources file has errors, since
    the commands would work from wrong data."""
    config = load_config(project_dir)
    if not config.sources:
        raise ContentError("the project has no sources file (set sources = in dossier.toml)")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    in_sources = [p for p in problems.errors if p.where and p.where.path == config.sources]
    if in_sources or "sources" in dossier.incomplete:
        raise ContentError.of(in_sources or problems.errors)
    text = config.project.read_text(config.sources)
    return LinkedProject(config, dossier, load_yaml(text, config.sources))


def latest_snapshot_hash(source: Source) -> str:
    snapshots = [c for c in source.copies if c.kind == "snapshot" and c.sha256]
    return snapshots[-1].sha256 if snapshots else ""


def source_targets(linked: LinkedProject) -> list[Target]:
    targets = []
    for source in linked.dossier.sources.values():
        url = source.csl.get("URL")
        if isinstance(url, str) and url:
            where = linked.field_at(source, "URL")
            targets.append(Target(url, where, "source", source.key, latest_snapshot_hash(source)))
        for copy in source.copies:
            if copy.kind in ("archive", "mirror"):
                role: Role = "archive" if copy.kind == "archive" else "mirror"
                targets.append(Target(copy.url, copy.where, role, source.key, copy.sha256))
    return targets


def section_targets(linked: LinkedProject) -> list[Target]:
    dossier = linked.dossier
    targets = []
    for section in dossier.sections + ([dossier.colophon] if dossier.colophon else []):
        notes = [t for note in section.notes.values() for t in note.tokens]
        for token in markup.walk([*section.tokens, *notes]):
            if token.type != "link_open":
                continue
            href = markup.attr(token, "href")
            if href.startswith(("http://", "https://")):
                targets.append(Target(href, section.locate(token, href), "link"))
    return targets


def all_targets(linked: LinkedProject) -> list[Target]:
    return source_targets(linked) + section_targets(linked)
