"""`dossier links check`: fetch every web address of a project and report dead links,
redirects to another page, and content that no longer matches its recorded SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dossier.errors import Location
from dossier.links.http import Client, Response, same_page
from dossier.links.targets import Target, all_targets, read_linked_project

Finding = Literal["dead", "moved", "changed"]


@dataclass(frozen=True)
class LinkProblem:
    kind: Finding
    target: Target
    detail: str
    to: str = ""  # where a moved page now is

    @property
    def where(self) -> Location:
        return self.target.where

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.target.url} ({self.detail})"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.where.path,
            "line": self.where.line,
            "column": self.where.column,
            "kind": self.kind,
            "url": self.target.url,
            "role": self.target.role,
            "source": self.target.key or None,
            "detail": self.detail,
            "to": self.to or None,
        }


@dataclass
class CheckResult:
    checked: int  # distinct addresses
    places: int  # places they are written
    problems: list[LinkProblem]

    def count(self, kind: Finding) -> int:
        return sum(p.kind == kind for p in self.problems)


def judge(target: Target, response: Response) -> list[LinkProblem]:
    """What is wrong with one place's address, given what fetching it found."""
    if not response.ok:
        hops = f" after a redirect to {response.final_url}" if response.hops else ""
        return [LinkProblem("dead", target, response.describe() + hops)]
    found = []
    if response.hops and not same_page(target.url, response.final_url):
        status = response.hops[0][0]
        found.append(
            LinkProblem(
                "moved", target, f"HTTP {status} to {response.final_url}", response.final_url
            )
        )
    if target.sha256 and not response.truncated:
        digest = hashlib.sha256(response.body).hexdigest()
        if digest != target.sha256:
            found.append(
                LinkProblem(
                    "changed",
                    target,
                    f"content has SHA-256 {digest[:12]}…, recorded {target.sha256[:12]}…",
                )
            )
    return found


def check_links(project_dir: str | Path, client: Client) -> CheckResult:
    linked = read_linked_project(project_dir)
    targets = all_targets(linked)
    responses = {r.url: r for r in client.get_all(t.url for t in targets)}
    problems = [p for t in targets for p in judge(t, responses[t.url])]
    problems.sort(key=lambda p: (p.where.path, p.where.line or 0, p.where.column or 0))
    return CheckResult(len(responses), len(targets), problems)
