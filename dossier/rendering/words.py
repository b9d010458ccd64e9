"""Every word a reader sees that dossier writes itself, in one place: date labels and month
names, long dates, the chronology's legend, credits, the timeline's caption and description,
source group titles and protection notes, the generated chapters' titles, the EPUB's
accessibility summary and landmarks, and the internal-edition mark.

The model keeps data (a parsed `DateValue`, the label a user wrote, a group key); the words
are chosen here at render time. `MESSAGES` is the catalogue, keyed by message id; the
functions below compose its entries, so a template calls `word("internal.mark")` or
`{{ event|date_label }}` and a later language only needs a second catalogue (and, for date
grammar, its own composition functions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dossier.model.dates import DateValue, Point, parse_date
from dossier.model.records import Chapter, Event, Recipient, Source

#: English, the only language for now: message id -> text (`{name}` fields are filled in).
MESSAGES: dict[str, str] = {
    # months and seasons (`month.1` … `month.12`; seasons as EDTF numbers them)
    **{
        f"month.{n}": name
        for n, name in enumerate(
            (
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ),
            1,
        )
    },
    "season.21": "spring",
    "season.22": "summer",
    "season.23": "autumn",
    "season.24": "winter",
    "season.other": "season",
    # date labels: the pieces `date_label` composes
    "date.year.bce": "{year} BCE",
    "date.year.inferred": "[{year}]",
    "date.day": "{day} {month} {year}",
    "date.day.no-year": "{day} {month}",
    "date.month": "{month} {year}",
    "date.month.no-year": "{month}",
    "date.season": "{season} {year}",
    "date.decade": "{year}s",
    "date.approximate": "c. {date}",
    "date.uncertain": "{date}?",
    "date.range": "{start} – {end}",
    "date.range.decades": "{start}s–{end}s",
    "date.range.years": "{start}–{end}",
    "date.range.days": "{first}–{last} {month} {year}",
    "date.until": "until {date}",
    "date.from": "from {date}",
    "date.long": "{day} {month} {year}",
    # the chronology's legend: only the conventions the chronology uses are listed
    "legend.approximate": "c. = approximate",
    "legend.uncertain": "? = uncertain",
    "legend.inferred": "[2022] = year inferred by the editors",
    # generated chapters (the model keeps their kind; the title is chosen here)
    "chapter.chronology": "Chronology",
    "chapter.appendix": "Sources",
    # source groups in the appendix, and the notes on protected sources
    "group.publications": "Publications",
    "group.official": "Official and court documents",
    "group.testimony": "Interviews and testimony",
    "group.social-media": "Social media",
    "protection.pseudonym": "A pseudonym, used by the original publisher to protect this "
    "source; the dossier does not attempt to identify the person.",
    "protection.anonymous": "An anonymous source, as published; the dossier does not attempt "
    "to identify the person.",
    # the credit of the work a dossier reproduces
    "credit.title": "“{title}”",
    "credit.based-on": "Based on {credit}",
    # the internal-edition mark (every page, the metadata, the cover)
    "internal.mark": "INTERNAL — not for distribution",
    "internal.mark.inline": "INTERNAL, not for distribution",
    "internal.keyword": "INTERNAL",
    # numbered copies for named recipients (footer of every PDF page, EPUB documents, the
    # title page in full, the metadata)
    "copy.recipient": "{name}, {organisation}",
    "copy.recipient.name-only": "{name}",
    "copy.line": "Copy {number} of {total} · for {recipient} · not for onward distribution",
    "copy.statement": "This is copy {number} of {total}, made for {recipient}. It is not for "
    "onward distribution: every copy is numbered, and a record is kept of who received it.",
    # the timeline figure
    "timeline.caption": "Numbers are rows of the chronology table. Bars are periods, dots "
    "single dates; hatched bars and hollow dots are approximate, “?” marks uncertain dates. "
    "The axis is broken (//) where decades pass without events, and within a segment the "
    "scale is compressed where events are sparse and widened where they crowd.",
    "timeline.alt": "Timeline of the {count} events of the chronology, from {first} to "
    "{last}{broken}. Each marker is numbered as its row in the chronology table, which gives "
    "the full text.",
    "timeline.alt.broken": " on an axis broken into {count} segments ({spans})",
    "timeline.uncertain": "?",
    # EPUB navigation and accessibility metadata
    "epub.cover": "Cover",
    "epub.title-page": "Title page",
    "epub.contents": "Contents",
    "epub.contents.internal": "Contents — {mark}",
    "epub.start": "Start of content",
    "epub.landmarks": "Landmarks",
    "epub.page-list": "Pages",
    # the HTML edition's navigation (the one-page web edition)
    "html.skip": "Skip to the text",
    "html.contents": "Contents",
    "html.notes": "Notes",
    "html.notes-of": "Notes to “{title}”",
    "html.note-back": "Back to the text",
    "html.note-close": "Close",
    "html.edition": "This edition",
    # `dossier serve` (the live preview; never in a built file)
    "serve.problem": "The project has a mistake; the page shows the last version that built.",
    "serve.pdf": "PDF of this edition",
    "serve.internal-error": "dossier failed on this change (a bug, not your mistake): "
    "the terminal running `dossier serve` shows the details.",
    # a source's other copies, after its live address in the appendix:
    # "(archived 24 November 2026: https://web.archive.org/…; mirror: https://…)"
    "copy.archived": "archived {date}",
    "copy.archived-undated": "archived",
    "copy.mirror": "mirror",
    # archive editions only: the snapshot attached to the PDF
    "copy.attached": "copy saved {date} attached to this file as {file}",
    "epub.summary": "Reflowable text with a navigable table of contents, headings for every "
    "chapter and section, footnotes as EPUB notes with links back, data tables with header "
    "cells, and text alternatives for the cover and the timeline figure (whose content is "
    "also given as the chronology table).",
}


def word(key: str, **values: object) -> str:
    """The catalogue's text for `key`, with its `{fields}` filled in."""
    text = MESSAGES[key]
    return text.format(**values) if values else text


def month_name(month: int) -> str:
    """1 -> 'January'."""
    return word(f"month.{month}")


def month_abbreviation(month: int) -> str:
    """1 -> 'Jan' (timeline ticks)."""
    return month_name(month)[:3]


# -- dates -----------------------------------------------------------------------------------
def _year(y: int, inferred: bool) -> str:
    text = str(y) if y > 0 else word("date.year.bce", year=1 - y)
    return word("date.year.inferred", year=text) if inferred else text


def _point_label(p: Point, inferred: bool, with_year: bool = True) -> str:
    (y1, m1, d1), (y2, m2, d2) = p.first, p.last
    year = _year(y1, inferred)
    if p.season:
        season = MESSAGES.get(f"season.{p.season}", word("season.other"))
        text = word("date.season", season=season, year=year)
    elif p.first == p.last:
        key = "date.day" if with_year else "date.day.no-year"
        text = word(key, day=d1, month=month_name(m1), year=year)
    elif y1 == y2 and m1 == m2 and d1 == 1:
        key = "date.month" if with_year else "date.month.no-year"
        text = word(key, month=month_name(m1), year=year)
    elif y1 == y2 and (m1, d1, m2, d2) == (1, 1, 12, 31):
        text = year
    elif (y2 - y1 == 9 and y1 % 10 == 0) or (y2 - y1 == 99 and y1 % 100 == 0):
        text = word("date.decade", year=y1)
    else:
        text = word(
            "date.range",
            start=_point_label(Point(p.first, p.first), inferred),
            end=_point_label(Point(p.last, p.last), inferred),
        )
    if p.approximate:
        text = word("date.approximate", date=text)
    if p.uncertain:
        text = word("date.uncertain", date=text)
    return text


def date_label(value: DateValue, inferred: bool = False) -> str:
    """How readers see a date: '24 February 2022', 'c. March 2022', '1930s', '1920s–1940s'.
    `inferred`: the year was inferred by the editors, shown as '[2022]'."""
    start, end = value.start, value.end
    if end is None:
        return _point_label(start, inferred)
    if start.open:
        return word("date.until", date=_point_label(end, inferred))
    if end.open:
        return word("date.from", date=_point_label(start, inferred))
    plain = not (start.approximate or start.uncertain or end.approximate or end.uncertain)
    (y1, m1, d1), (y2, m2, d2) = start.first, end.last
    whole_years = (m1, d1, m2, d2) == (1, 1, 12, 31) and start.last[0] == y1
    if plain and whole_years and y1 % 10 == 0 and y2 % 10 == 9 and y2 - y1 > 9:
        return word("date.range.decades", start=y1, end=y2 - 9)
    if plain and whole_years:
        return word("date.range.years", start=_year(y1, inferred), end=_year(y2, inferred))
    if plain and start.first == start.last and end.first == end.last and y1 == y2:
        if m1 == m2:
            return word(
                "date.range.days",
                first=d1,
                last=d2,
                month=month_name(m1),
                year=_year(y1, inferred),
            )
        return word(
            "date.range",
            start=_point_label(start, inferred, with_year=False),
            end=_point_label(end, inferred),
        )
    return word("date.range", start=_point_label(start, inferred), end=_point_label(end, inferred))


def event_date_label(event: Event) -> str:
    """A chronology row's date as readers see it: the label its editors wrote, or one made
    from its EDTF date (the `date_label` filter of the templates)."""
    if event.label:
        return event.label
    return date_label(event.value or parse_date(event.date), event.inferred)


def long_date(value: dt.date) -> str:
    """'24 November 2026'."""
    return word("date.long", day=value.day, month=month_name(value.month), year=value.year)


def csl_date(value: object) -> str:
    """A CSL date object as '24 November 2026' (or its literal)."""
    if not isinstance(value, dict):
        return ""
    if "literal" in value:
        return str(value["literal"])
    if "raw" in value:
        return str(value["raw"])
    parts = (value.get("date-parts") or [[]])[0]  # checked: a real day, in any year
    day = [str(parts[2])] if len(parts) == 3 else []
    month = [month_name(parts[1])] if len(parts) >= 2 else []
    return " ".join([*day, *month, *(str(p) for p in parts[:1])])


def legend(events: Iterable[Event]) -> list[str]:
    """The date conventions a chronology actually uses."""
    rows = list(events)
    items = []
    if any(e.approximate for e in rows):
        items.append(word("legend.approximate"))
    if any(e.uncertain for e in rows):
        items.append(word("legend.uncertain"))
    if any(e.inferred for e in rows):
        items.append(word("legend.inferred"))
    return items


# -- sources and chapters --------------------------------------------------------------------
def credit(source: Source | None) -> str:
    """A one-line credit for the work a dossier reproduces: “Title”, Publisher, date."""
    if source is None:
        return ""
    csl = source.csl
    who = csl.get("container-title") or csl.get("publisher") or ""
    if not who and isinstance(csl.get("author"), list) and csl["author"]:
        first = csl["author"][0]
        who = first.get("literal") or f"{first.get('given', '')} {first.get('family', '')}".strip()
    parts = [word("credit.title", title=source.title), str(who), csl_date(csl.get("issued"))]
    return ", ".join(p for p in parts if p)


def group_title(group: str) -> str:
    """The appendix heading of a source group ('official' -> 'Official and court documents')."""
    return word(f"group.{group}")


def protection_note(protection: str) -> str:
    """What the appendix says about a protected source ('' when it is not protected)."""
    return MESSAGES.get(f"protection.{protection}", "") if protection else ""


def chapter_title(chapter: Chapter) -> str:
    """A chapter's title: a section's own, or the name of a generated chapter (its kind)."""
    return chapter.title or word(f"chapter.{chapter.kind}")


# -- numbered copies -------------------------------------------------------------------------
def recipient_label(recipient: Recipient) -> str:
    """'A. Name, Organisation' (or the name alone)."""
    if recipient.organisation:
        return word("copy.recipient", name=recipient.name, organisation=recipient.organisation)
    return word("copy.recipient.name-only", name=recipient.name)


def copy_line(recipient: Recipient, total: int) -> str:
    """The line on every page of a numbered copy."""
    return word(
        "copy.line", number=recipient.number, total=total, recipient=recipient_label(recipient)
    )


def copy_statement(recipient: Recipient, total: int) -> str:
    """What the title page of a numbered copy says."""
    return word(
        "copy.statement",
        number=recipient.number,
        total=total,
        recipient=recipient_label(recipient),
    )
