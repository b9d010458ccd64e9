"""`dossier links archive`: ask a web archive that speaks the Wayback Machine's "save"
interface (`GET {endpoint}/save/{url}`) to capture each source's page that has no archived
copy yet, and record the capture in the sources file as a copy of kind `archive`."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

from dossier.errors import Location
from dossier.links.http import REDIRECTS, Client, Response
from dossier.links.snapshot import copy_record, today
from dossier.links.sources_file import Copies, plan_update
from dossier.links.targets import read_linked_project
from dossier.model.records import SourceCopy

DEFAULT_ENDPOINT = "https://web.archive.org"
#: the 14-digit capture time in a Wayback address: /web/20261124093000/https://…
_TIMESTAMP = re.compile(r"/(\d{14})(?:[a-z]{2}_)?/")


@dataclass(frozen=True)
class Archived:
    key: str
    url: str
    capture: str = ""  # the archived copy's address; "" when the service gave none
    captured: dt.date | None = None
    reason: str = ""
    where: Location | None = None


def capture_of(endpoint: str, response: Response) -> tuple[str, dt.date | None]:
    """The capture's address and day, from the save request's answer: its
    Content-Location, or the Location of its redirect."""
    if response.error or not (200 <= response.status < 300 or response.status in REDIRECTS):
        return "", None
    location = response.headers.get("Content-Location") or response.headers.get("Location")
    if not location:
        return "", None
    address = urljoin(endpoint.rstrip("/") + "/", location)
    match = _TIMESTAMP.search(address)
    if match:
        return address, dt.datetime.strptime(match[1], "%Y%m%d%H%M%S").date()
    try:
        return address, parsedate_to_datetime(response.headers.get("Date", "")).date()
    except (TypeError, ValueError):
        return address, today()


def archive(
    project_dir: str | Path, client: Client, endpoint: str = DEFAULT_ENDPOINT, pause: float = 5.0
) -> list[Archived]:
    """Capture every source URL that has no archived copy; one request at a time, `pause`
    seconds apart (archives limit how fast they may be asked)."""
    linked = read_linked_project(project_dir)
    project = linked.config.project
    base = endpoint.rstrip("/")
    results: list[Archived] = []
    changes: dict[str, Copies] = {}
    wanted = [
        s
        for s in linked.dossier.sources.values()
        if s.csl.get("URL") and not any(c.kind == "archive" for c in s.copies)
    ]
    for number, source in enumerate(wanted):
        if number and pause:
            time.sleep(pause)
        url = str(source.csl["URL"])
        where = linked.field_at(source, "URL")
        response = client.get(f"{base}/save/{url}", follow=False)
        address, day = capture_of(base, response)
        if not address:
            reason = response.describe() if not response.ok else "the service named no capture"
            results.append(Archived(source.key, url, reason=reason, where=where))
            continue
        new = SourceCopy("archive", where, url=address, captured=day)
        changes[source.key] = [*(copy_record(c) for c in source.copies), copy_record(new)]
        results.append(Archived(source.key, url, address, day, where=where))
    plan_update(project.root, linked.sources_path, changes).commit()
    return results
