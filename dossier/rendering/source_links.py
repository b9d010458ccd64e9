"""A source's other copies as readers see them: the words after its live address in the
appendix, and the Robust Links attributes (https://robustlinks.mementoweb.org/spec/) on every
link to a page that has an archived copy.

Every phrase readers see about other copies is in `COPY_WORDS`: translate them there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from dossier.model.dates import MONTHS
from dossier.model.records import Source, SourceCopy

#: The reader-visible words about other copies (one table, to translate in one place).
COPY_WORDS = {
    # after the live address: "(archived 24 November 2026: https://web.archive.org/…)"
    "archived": "archived {date}",
    "archived-undated": "archived",
    "mirror": "mirror",
    # archive editions only: the snapshot attached to the PDF
    "attached": "copy saved {date} attached to this file as {file}",
}


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


def long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


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


def copies_markup(source: Source, attached: bool) -> Markup:
    """The parenthesis after the live address: archived copies with their dates, mirrors,
    and (in editions that attach the project's files) the attached snapshot."""
    original = str(source.csl.get("URL") or "")
    parts = []
    for copy in source.copies:
        link = (
            f'<a class="src-copy src-{copy.kind}" href="{escape(copy.url)}"'
            f"{memento_attributes(copy, original) if copy.kind == 'archive' else ''}>"
            f"{escape(copy.url)}</a>"
        )
        if copy.kind == "archive":
            words = (
                COPY_WORDS["archived"].format(date=long_date(copy.captured))
                if copy.captured
                else COPY_WORDS["archived-undated"]
            )
            parts.append(f"{escape(words)}: {link}")
        elif copy.kind == "mirror":
            parts.append(f"{escape(COPY_WORDS['mirror'])}: {link}")
        elif attached and copy.captured:
            words = COPY_WORDS["attached"].format(date=long_date(copy.captured), file=copy.file)
            parts.append(f'<span class="src-snapshot">{escape(words)}</span>')
    return Markup(f" ({'; '.join(parts)})") if parts else Markup("")
