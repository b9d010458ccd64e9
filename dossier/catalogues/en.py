"""English: the reference catalogue. Every other catalogue has exactly these keys."""

from __future__ import annotations

_MONTHS = [
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
]
_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SEASONS = ("spring", "summer", "autumn", "winter")

MESSAGES: dict[str, str | dict[str, str]] = {
    # months: in a day date (`month.N`, the genitive where a language has one), alone with
    # a year (`month.standalone.N`, the nominative) and abbreviated on the timeline's axis
    **{f"month.{n}": name for n, name in enumerate(_MONTHS, 1)},
    **{f"month.standalone.{n}": name for n, name in enumerate(_MONTHS, 1)},
    **{f"month.short.{n}": name for n, name in enumerate(_SHORT, 1)},
    # seasons as EDTF numbers them, alone and after "c."/"from"/"until" (genitive)
    **{f"season.{n}": name for n, name in enumerate(_SEASONS, 21)},
    **{f"season.genitive.{n}": name for n, name in enumerate(_SEASONS, 21)},
    "season.other": "season",
    "season.genitive.other": "season",
    # date labels: the pieces `date_label` composes
    "date.year.bce": "{year} BCE",
    "date.year.inferred": "[{year}]",
    "date.day": "{day} {month} {year}",
    "date.day.no-year": "{day} {month}",
    "date.month": "{month} {year}",
    "date.month.no-year": "{month}",
    "date.season": "{season} {year}",
    "date.decade": "{year}s",
    "date.decade.genitive": "{year}s",
    "date.century": "{year}s",
    "date.century.genitive": "{year}s",
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
    "contents.title": "Contents",
    # the chronology chapter and its table
    "chronology.summary": {
        "one": "{count} dated event, in order of its earliest possible day. Numbers in "
        "brackets refer to the sources.",
        "other": "{count} dated events, in order of their earliest possible day. Numbers in "
        "brackets refer to the sources.",
    },
    "chronology.caption": {
        "one": "Chronology: {count} event",
        "other": "Chronology: {count} events",
    },
    "chronology.column.number": "#",
    "chronology.column.date": "Date",
    "chronology.column.event": "Event",
    "chronology.column.sources": "Sources",
    # the appendix
    "appendix.summary.pdf": "Every source cited in this edition, grouped by kind and numbered "
    "in order of first citation. Each entry says where it is used.",
    "appendix.summary.epub": "Every source cited in this edition, grouped by kind and numbered "
    "in order of first citation. Each entry links back to where it is used.",
    "group.publications": "Publications",
    "group.official": "Official and court documents",
    "group.testimony": "Interviews and testimony",
    "group.social-media": "Social media",
    "protection.pseudonym": "A pseudonym, used by the original publisher to protect this "
    "source; the dossier does not attempt to identify the person.",
    "protection.anonymous": "An anonymous source, as published; the dossier does not attempt "
    "to identify the person.",
    "source.accessed": "Accessed {date}.",
    "source.reliability": "Reliability: {text}",
    "source.internal-note": "Internal note: {text}",
    "cited.pages": {"single": "Cited on p.", "several": "Cited on pp."},
    "cited.in": "Cited in",
    "cited.rows": {"single": "chronology row", "several": "chronology rows"},
    # notes
    "notes.title": "Notes",
    "notes.back": "Back to the text",
    # the credit of the work a dossier reproduces
    "credit.title": "“{title}”",
    "credit.based-on": "Based on {credit}",
    # cover, title page and the edition's facts
    "edition.default-label": "Dossier",
    "edition.briefing-label": "Briefing",
    "edition.stamp": "Edition {stamp}",
    "title.edited-by": {"single": "Edited by {names}", "several": "Edited by {names}"},
    "title.based-on": "Based on",
    "facts.edition": "Edition",
    "facts.identifier": "Identifier",
    "facts.publisher": "Publisher",
    "facts.produced-with": "Produced with",
    # the PDF's running footer: {page} and {pages} become the page counters
    "page.footer": "page {page} of {pages}",
    # the internal-edition mark (every page, the metadata, the cover)
    "internal.mark": "INTERNAL — not for distribution",
    "internal.mark.inline": "INTERNAL, not for distribution",
    "internal.keyword": "INTERNAL",
    # the timeline figure
    "timeline.caption": "Numbers are rows of the chronology table. Bars are periods, dots "
    "single dates; hatched bars and hollow dots are approximate, “?” marks uncertain dates. "
    "The axis is broken (//) where decades pass without events, and within a segment the "
    "scale is compressed where events are sparse and widened where they crowd.",
    "timeline.alt": {
        "one": "Timeline of the {count} event of the chronology, from {first} to {last}"
        "{broken}. Its marker is numbered as its row in the chronology table, which gives "
        "the full text.",
        "other": "Timeline of the {count} events of the chronology, from {first} to {last}"
        "{broken}. Each marker is numbered as its row in the chronology table, which gives "
        "the full text.",
    },
    "timeline.alt.broken": {
        "one": " on an axis broken into {count} segment ({spans})",
        "other": " on an axis broken into {count} segments ({spans})",
    },
    "timeline.uncertain": "?",
    # EPUB navigation and accessibility metadata
    "epub.cover": "Cover",
    "epub.cover.alt": "Cover: {title}",
    "epub.title-page": "Title page",
    "epub.contents": "Contents",
    "epub.contents.internal": "Contents — {mark}",
    "epub.start": "Start of content",
    "epub.landmarks": "Landmarks",
    "epub.page-list": "Pages",
    # a source's other copies, after its live address in the appendix:
    # "(archived 24 November 2026: https://web.archive.org/…; mirror: https://…)"
    "copy.archived": "archived {date}",
    "copy.archived-undated": "archived",
    "copy.mirror": "mirror",
    # archive editions only: the snapshot attached to the PDF
    "copy.attached": "copy saved {date} attached to this file as {file}",
    # numbered copies for named recipients (footer of every PDF page, EPUB documents, the
    # title page in full, the metadata)
    "copy.recipient": "{name}, {organisation}",
    "copy.recipient.name-only": "{name}",
    "copy.line": "Copy {number} of {total} · for {recipient} · not for onward distribution",
    "copy.statement": "This is copy {number} of {total}, made for {recipient}. It is not for "
    "onward distribution: every copy is numbered, and a record is kept of who received it.",
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
    "epub.certifier": "dossier (automated build checks)",
    "epub.summary": "Reflowable text with a navigable table of contents, headings for every "
    "chapter and section, footnotes as EPUB notes with links back, data tables with header "
    "cells, and text alternatives for the cover and the timeline figure (whose content is "
    "also given as the chronology table).",
}
