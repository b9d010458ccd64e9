"""A source's other copies as readers see them: the words after its live address in the
appendix, and the Robust Links attributes (https://robustlinks.mementoweb.org/spec/) on every
link to a page that has an archived copy.

The words are in `words.py` (`copy.*`), the markup in `shared/source-copies.html`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from dossier.model.records import Source, SourceCopy
from dossier.rendering.words import long_date, word


@dataclass(frozen=True)
class Version:
    """The archived version a link to `original` may fall back on."""

    original: str
    url: str  # "" when there is only a date (a snapshot kept in the project)
    date: dt.date | None


def version_of(source: Source) -> Version | None:
    """The copy that stands for the live page: the latest dated archive capture, else the
    first undated one, else the snapshot's date alone."""
    original = str(source.csl.get("URL") or "")
    if not original:
        return None
    archives = [c for c in source.copies if c.kind == "archive"]
    if archives:
        best = max(archives, key=lambda c: c.captured or dt.date.min)
        return Version(original, best.url, best.captured)
    snapshots = [c for c in source.copies if c.kind == "snapshot" and c.captured]
    if snapshots:
        return Version(original, "", snapshots[-1].captured)
    return None


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in pairs if value)


def original_attributes(version: Version | None) -> str:
    """Attributes for a link to the live page (Robust Links: `data-versionurl`,
    `data-versiondate`)."""
    if version is None:
        return ""
    date = version.date.isoformat() if version.date else ""
    return _attrs([("data-versionurl", version.url), ("data-versiondate", date)])


def memento_attributes(copy: SourceCopy, original: str) -> str:
    """Attributes for a link to an archived copy (`data-originalurl`, `data-versiondate`)."""
    date = copy.captured.isoformat() if copy.captured else ""
    return _attrs([("data-originalurl", original), ("data-versiondate", date)])


@dataclass(frozen=True)
class CopyView:
    """One other copy as `shared/source-copies.html` shows it: its kind ("archive",
    "mirror", "snapshot"), the words before it, its address and the link's attributes."""

    kind: str
    words: str
    url: str = ""
    attributes: Markup = field(default_factory=Markup)


def copy_views(source: Source, attached: bool) -> list[CopyView]:
    """What follows the live address: archived copies with their dates, mirrors, and (in
    editions that attach the project's files) the attached snapshot."""
    original = str(source.csl.get("URL") or "")
    views = []
    for copy in source.copies:
        if copy.kind == "archive":
            words = (
                word("copy.archived", date=long_date(copy.captured))
                if copy.captured
                else word("copy.archived-undated")
            )
            attributes = Markup(memento_attributes(copy, original))
            views.append(CopyView("archive", words, copy.url, attributes))
        elif copy.kind == "mirror":
            views.append(CopyView("mirror", word("copy.mirror"), copy.url))
        elif attached and copy.captured:
            words = word("copy.attached", date=long_date(copy.captured), file=copy.file)
            views.append(CopyView("snapshot", words))
    return views
