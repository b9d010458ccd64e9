"""The Markdown converter: pandoc citations, notes, ids, and raw HTML kept out."""

from __future__ import annotations

import pytest

from dossier.model import markdown as markup
from dossier.model.markdown import CiteItem


def citations(text: str) -> list[list[CiteItem]]:
    return [t.meta["items"] for t in markup.walk(markup.parse(text)) if t.type == "citation"]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("[@key]", [CiteItem("key")]),
        ("[@key, p. 4]", [CiteItem("key", "p. 4")]),
        ("[@a; @b]", [CiteItem("a"), CiteItem("b")]),
        ("[see @key, pp. 3-5]", [CiteItem("key", "pp. 3-5", "see")]),
        ("[-@key]", [CiteItem("key")]),
        ("[@doe:2020.x]", [CiteItem("doe:2020.x")]),
        ("[@key.]", [CiteItem("key", ".")]),
        (
            "[see @a, para. 2; also @b-c, p. 9]",
            [CiteItem("a", "para. 2", "see"), CiteItem("b-c", "p. 9", "also")],
        ),
    ],
)
def test_pandoc_citation_forms(text: str, items: list[CiteItem]) -> None:
    assert citations(f"Text {text} end.") == [items]


@pytest.mark.parametrize(
    "text",
    [
        "[not a citation]",
        "[email me@example.org]",
        "@bare handle",
        "[@key](https://x.org)",
        "[sent]",
        "\\[@escaped]",
        "`[@in code]`",
    ],
)
def test_things_that_are_not_citations(text: str) -> None:
    assert citations(text) == []


def test_raw_html_is_shown_as_text() -> None:
    html = markup.render(markup.parse("<script>alert(1)</script> <b onclick=x>hi</b>"), _Plain())
    assert "<script" not in html and "&lt;script&gt;" in html and "<b" not in html


def test_slugs_are_xml_ids() -> None:
    assert markup.slugify("The meeting") == "the-meeting"
    assert markup.slugify("1920s–1940s wave") == "s-1920s1940s-wave"
    assert markup.slugify("Марко Вовчок") == "марко-вовчок"
    assert markup.slugify("!!!") == "section"


def test_inline_tokens_know_their_line() -> None:
    tokens = markup.parse("---\ntitle: x\n---\n\nOne\ntwo [@k] three\n")
    cite = next(t for t in markup.walk(tokens) if t.type == "citation")
    assert cite.map == [5, 6]


class _Plain:
    def citation(self, token: object) -> str:
        return ""

    def noteref(self, token: object) -> str:
        return ""

    def link_href(self, token: object) -> str:
        return ""

    def image(self, token: object, alt: str) -> str:
        return ""

    def internal_open(self, block: bool) -> str:
        return ""

    def internal_close(self, block: bool) -> str:
        return ""
