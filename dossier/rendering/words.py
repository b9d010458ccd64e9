"""Every word a reader sees that dossier writes itself is chosen here, in the edition's
language: date labels with their grammatical case, long dates, plurals and numbers (CLDR
rules through Babel), the chronology's legend, credits, the timeline's words, source group
titles and protection notes, the generated chapters' titles, the EPUB's navigation and
accessibility summary, and the internal-edition mark.

The texts themselves are the catalogues of `dossier.catalogues` (one module per language),
merged with a project's `[strings]`; the model keeps data (a parsed `DateValue`, the label a
user wrote, a group key). The active catalogue is set per edition by `speaking(book)` (the
writers and the build enter it), so a template calls `word("internal.mark")` or
`{{ event|date_label }}` and gets the edition's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from markupsafe import Markup, escape
from pyuca import Collator

from dossier.catalogues import BUILT_IN, Message, built_in
from dossier.model.dates import DateValue, Point, parse_date
from dossier.model.records import Book, Chapter, Event, Recipient, Source


@dataclass(frozen=True)
class Catalogue:
    """The words of one language: English, under the language's built-in catalogue, under
    the project's own strings."""

    language: str
    messages: Mapping[str, Message] = field(repr=False)

    @property
    def locale(self) -> Locale:
        return _locale(self.language)


@cache
def _locale(language: str) -> Locale:
    for tag in (language.replace("-", "_"), language.split("-")[0], "en"):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel has no English locale")  # pragma: no cover


def catalogue_for(language: str, strings: Mapping[str, Message] | None = None) -> Catalogue:
    """The catalogue of `language` ('uk', 'en-GB', 'ka' falls back to English) with a
    project's own `strings` on top."""
    return Catalogue(language, {**BUILT_IN["en"], **built_in(language), **(strings or {})})


ENGLISH = catalogue_for("en")
_ACTIVE: ContextVar[Catalogue] = ContextVar("dossier_words", default=ENGLISH)


@contextmanager
def speaking(what: Book | Catalogue) -> Iterator[Catalogue]:
    """Choose the words of an edition (its language and the project's strings) for
    everything rendered inside the block."""
    catalogue = what if isinstance(what, Catalogue) else book_catalogue(what)
    token = _ACTIVE.set(catalogue)
    try:
        yield catalogue
    finally:
        _ACTIVE.reset(token)


def book_catalogue(book: Book) -> Catalogue:
    return catalogue_for(book.language, book.strings)


def active() -> Catalogue:
    """The catalogue in use (English outside any `speaking` block)."""
    return _ACTIVE.get()


def all_words() -> list[str]:
    """Every text of the active catalogue, every plural form included (the characters an
    edition may show in words it generates: fonts subset for it must keep them)."""
    texts: list[str] = []
    for message in _ACTIVE.get().messages.values():
        texts += message.values() if isinstance(message, dict) else [message]
    return texts


def word(key: str, count: int | None = None, select: str | None = None, **values: object) -> str:
    """The catalogue's text for `key`, with its `{fields}` filled in. `count` chooses a
    plural form by the language's CLDR rules (and fills `{count}`, formatted as the
    language writes numbers); `select` chooses a form by name ('single'/'several',
    a decade's digit), falling back to 'other'."""
    return _compose(key, count, select, values)


def _compose(key: str, count: int | None, select: str | None, values: dict[str, object]) -> str:
    catalogue = _ACTIVE.get()
    message = catalogue.messages[key]
    if isinstance(message, dict):
        if count is not None:
            form = catalogue.locale.plural_form(count)
            values["count"] = number(count)
        else:
            form = select or "other"
        text = message.get(form) or message.get("other") or next(iter(message.values()))
    else:
        text = message
        if count is not None:
            values["count"] = number(count)
    if any(isinstance(v, Markup) for v in values.values()):
        # a value that is already markup (a linked address) stays markup; the rest is escaped
        return Markup(escape(text)).format(**values)
    return text.format(**values) if values else text


def number(value: int | float) -> str:
    """A number as the language writes it ('1,200', '1 200')."""
    return format_decimal(value, locale=_ACTIVE.get().locale)


def several(items: object) -> str:
    """The form of a label before a list: 'single' or 'several' (`{{ word(key,
    select=rows|several) }}`)."""
    return "single" if len(items) == 1 else "several"  # type: ignore[arg-type]


def css_string(text: str) -> str:
    """Text as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


def css_content(key: str, **counters: str) -> str:
    """A message as a CSS `content` value, its `{fields}` named in `counters` becoming
    counters: 'page {page} of {pages}' -> '"page " counter(page) " of " counter(pages)'."""
    marks: dict[str, object] = {name: f"\0{counter}\0" for name, counter in counters.items()}
    parts = _compose(key, None, None, marks).split("\0")
    out = [
        f"counter({part})" if i % 2 else css_string(part) for i, part in enumerate(parts) if part
    ]
    return " ".join(out) or '""'


def month_name(month: int) -> str:
    """1 -> 'January'; in a day date ('24 серпня'), the genitive."""
    return word(f"month.{month}")


def month_standalone(month: int) -> str:
    """1 -> 'January'; a month without a day ('березень 2022'), the nominative."""
    return word(f"month.standalone.{month}")


def month_abbreviation(month: int) -> str:
    """1 -> 'Jan' (timeline ticks)."""
    return word(f"month.short.{month}")


def roman(value: int) -> str:
    """20 -> 'XX' (centuries in ru/uk). Hand-written: Babel does not format Roman numerals
    and a dependency for ten lines is not worth it."""
    out = ""
    for amount, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while value >= amount:
            out, value = out + letters, value - amount
    return out


# -- dates -----------------------------------------------------------------------------------
def _year(y: int, inferred: bool) -> str:
    text = str(y) if y > 0 else word("date.year.bce", year=1 - y)
    return word("date.year.inferred", year=text) if inferred else text


def _season(season: int, genitive: bool) -> str:
    form = "season.genitive" if genitive else "season"
    key = f"{form}.{season}"
    return word(key if key in _ACTIVE.get().messages else f"{form}.other")


def _point_label(p: Point, inferred: bool, with_year: bool = True, genitive: bool = False) -> str:
    """One end of a date. `genitive`: after a preposition or "c." ("ок. марта 2022");
    approximate dates take it too. English has one form of each word."""
    (y1, m1, d1), (y2, m2, d2) = p.first, p.last
    year = _year(y1, inferred)
    genitive = genitive or p.approximate
    if p.season:
        text = word("date.season", season=_season(p.season, genitive), year=year)
    elif p.first == p.last:
        key = "date.day" if with_year else "date.day.no-year"
        text = word(key, day=d1, month=month_name(m1), year=year)
    elif y1 == y2 and m1 == m2 and d1 == 1:
        key = "date.month" if with_year else "date.month.no-year"
        month = month_name(m1) if genitive else month_standalone(m1)
        text = word(key, month=month, year=year)
    elif y1 == y2 and (m1, d1, m2, d2) == (1, 1, 12, 31):
        text = year
    elif y2 - y1 == 9 and y1 % 10 == 0:
        key = "date.decade.genitive" if genitive else "date.decade"
        text = word(key, year=y1, select=str(y1 // 10 % 10))
    elif y2 - y1 == 99 and y1 % 100 == 0:
        key = "date.century.genitive" if genitive else "date.century"
        century = roman(y1 // 100 + 1) if y1 >= 0 else str(y1)
        text = word(key, year=y1, century=century)
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
    """How readers see a date: '24 February 2022', 'c. March 2022', '1930s', '1920s–1940s'
    ('24 лютого 2022', 'бл. березня 2022', '1930-ті'). `inferred`: the year was inferred
    by the editors, shown as '[2022]'."""
    start, end = value.start, value.end
    if end is None:
        return _point_label(start, inferred)
    if start.open:
        return word("date.until", date=_point_label(end, inferred, genitive=True))
    if end.open:
        return word("date.from", date=_point_label(start, inferred, genitive=True))
    plain = not (start.approximate or start.uncertain or end.approximate or end.uncertain)
    (y1, m1, d1), (y2, m2, d2) = start.first, end.last
    whole_years = (m1, d1, m2, d2) == (1, 1, 12, 31) and start.last[0] == y1
    if plain and whole_years and y1 % 10 == 0 and y2 % 10 == 9 and y2 - y1 > 9:
        last = y2 - 9
        return word("date.range.decades", start=y1, end=last, select=str(last // 10 % 10))
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
    """'24 November 2026', '24 листопада 2026'."""
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
    if len(parts) == 3:
        return word("date.day", day=parts[2], month=month_name(parts[1]), year=parts[0])
    if len(parts) == 2:
        return word("date.month", month=month_standalone(parts[1]), year=parts[0])
    return str(parts[0]) if parts else ""


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


@cache
def _collator() -> Collator:
    return Collator()  # the Default Unicode Collation Element Table, read once


def collation_key(text: str) -> tuple[int, ...]:
    """A key that sorts text by the Unicode Collation Algorithm (pyuca): 'Ёлкин' beside
    'Елкин', 'Émile' beside 'Emil', capitals with their small letters."""
    return tuple(_collator().sort_key(text))


def sort_name(source: Source) -> str:
    """What the alphabetical appendix sorts a source by: its first author, else its title."""
    authors = source.csl.get("author")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        first = authors[0]
        name = first.get("literal") or f"{first.get('family', '')} {first.get('given', '')}"
        if str(name).strip():
            return str(name).strip()
    return source.title


def group_title(group: str) -> str:
    """The appendix heading of a source group ('official' -> 'Official and court documents')."""
    return word(f"group.{group}")


def protection_note(protection: str) -> str:
    """What the appendix says about a protected source ('' when it is not protected)."""
    key = f"protection.{protection}"
    return word(key) if protection and key in _ACTIVE.get().messages else ""


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
