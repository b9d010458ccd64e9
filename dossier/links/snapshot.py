"""`dossier links snapshot`: save each cited web page into the project
(`sources/snapshots/<id>.<ext>`) and record its SHA-256 and capture date in the sources file,
as a copy of kind `snapshot`; archive editions then attach the pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import Location
from dossier.links.http import Client, same_page
from dossier.links.sources_file import Copies, plan_update, write_atomically
from dossier.links.targets import read_linked_project
from dossier.model.records import Source, SourceCopy
from dossier.reading.source_copies import FIELDS, SNAPSHOT_DIR

#: what a snapshot is saved as, by Content-Type
EXTENSIONS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/plain": "txt",
}


@dataclass(frozen=True)
class Saved:
    key: str
    url: str
    file: str  # "" when not saved
    size: int = 0
    sha256: str = ""
    reason: str = ""  # why it was not saved
    where: Location | None = None


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def snapshot_name(key: str, extension: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip(".-") or "source"
    return f"{SNAPSHOT_DIR}/{safe}.{extension}"


def copy_record(copy: SourceCopy) -> dict[str, object]:
    """A copy as it is written in the sources file (fields in their usual order)."""
    values = {
        "kind": copy.kind,
        "url": copy.url,
        "file": copy.file,
        "captured": copy.captured.isoformat() if copy.captured else "",
        "sha256": copy.sha256,
    }
    return {name: values[name] for name in FIELDS[copy.kind] if values.get(name)}


def snapshot(project_dir: str | Path, client: Client, refresh: bool = False) -> list[Saved]:
    linked = read_linked_project(project_dir)
    project = linked.config.project
    limit = linked.config.limits.max_file_bytes
    client.max_bytes = min(client.max_bytes, limit)
    wanted: list[Source] = [
        s
        for s in linked.dossier.sources.values()
        if s.csl.get("URL") and (refresh or not any(c.kind == "snapshot" for c in s.copies))
    ]
    fetched = {r.url: r for r in client.get_all(str(s.csl["URL"]) for s in wanted)}
    results: list[Saved] = []
    changes: dict[str, Copies] = {}
    pages: dict[str, bytes] = {}
    day = today()
    for source in wanted:
        url = str(source.csl["URL"])
        response = fetched[url]
        where = linked.field_at(source, "URL")
        extension = EXTENSIONS.get(response.content_type)
        reason = ""
        if not response.ok:
            reason = response.describe()
        elif response.truncated:
            reason = (
                f"larger than the project's file limit of {limit:,} bytes (raise [limits] "
                "max_file_bytes in dossier.toml)"
            )
        elif extension is None:
            reason = f"its type {response.content_type or '(none)'} is not HTML, PDF or text"
        if reason:
            results.append(Saved(source.key, url, "", reason=reason, where=where))
            continue
        assert extension is not None
        name = snapshot_name(source.key, extension)
        digest = hashlib.sha256(response.body).hexdigest()
        pages[name] = response.body
        moved = "" if same_page(url, response.final_url) else response.final_url
        new = SourceCopy("snapshot", where, moved, name, day, digest)
        kept = [copy_record(c) for c in source.copies if c.kind != "snapshot"]
        changes[source.key] = [*kept, copy_record(new)]
        results.append(Saved(source.key, url, name, len(response.body), digest, where=where))
    # the sources file is edited only if it can be: check that before saving any page
    update = plan_update(project.root, linked.sources_path, changes)
    for name, body in pages.items():
        write_atomically(project.root / name, body)
    for source in wanted:  # a refreshed page saved under another extension
        for copy in source.copies:
            stale = copy.kind == "snapshot" and copy.file not in pages
            if stale and source.key in changes and copy.file.startswith(SNAPSHOT_DIR + "/"):
                (project.root / copy.file).unlink(missing_ok=True)
    update.commit()
    return results
