"""What the book templates see, for both formats: the edition, its format's markup, the
shared assets (formatted sources, the timeline figure) and a few prepared values."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from dossier.model.records import Book
from dossier.rendering.formats import FormatMarkup
from dossier.rendering.words import credit, legend, long_date, word


@dataclass(frozen=True)
class TimelineFigure:
    src: str
    alt: str
    caption: str


@dataclass(frozen=True)
class Assets:
    """What both writers share for one edition: formatted sources and the timeline."""

    formatted: dict[str, str]
    timeline_svg: bytes | None = None
    timeline_alt: str = ""

    def timeline(self, src: str) -> TimelineFigure | None:
        if self.timeline_svg is None:
            return None
        return TimelineFigure(src, self.timeline_alt, word("timeline.caption"))


def template_context(
    book: Book, markup: FormatMarkup, assets: Assets, timeline_src: str, version: str
) -> dict[str, object]:
    """Everything the book templates use, for both formats."""
    config = book.config
    based_on = book.based_on.key if book.based_on else ""
    when = book.dossier.build_time
    return {
        "config": config,
        "edition": book.edition,
        "book": book,
        "markup": markup,
        "view": markup,  # its former name, still used by projects' own templates
        "version": version,
        "stamp_text": f"{book.edition.name} · {long_date(when.date())} · {book.stamp}",
        "formatted": {k: Markup(v) for k, v in assets.formatted.items()},
        "based_on": based_on,
        "based_on_credit": credit(book.based_on),
        "full_title": f"{config.title}: {config.subtitle}" if config.subtitle else config.title,
        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timeline": assets.timeline(timeline_src),
        "legend": legend(book.events),
    }
