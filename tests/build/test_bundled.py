"""The bundled dossier: the article intact, the project clean, the outputs valid."""

from __future__ import annotations

import re
from pathlib import Path

from dossier import check
from dossier.config import load_config
from dossier.errors import Problems
from dossier.model import markdown as markup
from dossier.reading.sections import read_section

from conftest import REPO, TESTS
from inspect_outputs import Epub, epubcheck, fonts, outline, page_texts

ARTICLE = TESTS / "data" / "source-article.txt"  # the article as received


def article_paragraphs() -> list[str]:
    """The article's paragraphs from the bundled sections, with note references removed."""
    config = load_config(REPO)
    paragraphs = []
    for path in config.section_files():
        section = read_section((REPO / path).read_text(), path, Problems())
        assert section is not None
        if section.part != "article":
            continue
        for token in section.tokens:
            if token.type == "inline":
                text = "".join(
                    c.content if c.type == "text" else "\n" if c.type == "softbreak" else ""
                    for c in token.children or []
                    if c.type != "footnote_ref"
                )
                paragraphs.append(text)
    return paragraphs


def test_the_article_is_complete_and_verbatim() -> None:
    lines = ARTICLE.read_text(encoding="utf-8").split("\n")
    expected = [line for line in lines[2:] if line.strip()]  # lines 1-2 are a stray teaser
    assert article_paragraphs() == expected
    assert "Azerbaijan" not in "".join(article_paragraphs())


def test_the_article_sections_carry_no_citations_inside_the_text() -> None:
    for path in load_config(REPO).section_files():
        section = read_section((REPO / path).read_text(), path, Problems())
        if section and section.part == "article":
            assert not any(t.type == "citation" for t in markup.walk(section.tokens))


def test_the_bundled_project_checks_clean_without_warnings() -> None:
    assert [str(p) for p in check(REPO)] == []


def test_the_bundled_reader_edition(bundled: dict[str, Path]) -> None:
    pdf, epub = bundled["reader.pdf"], bundled["reader.epub"]
    chapters = [title for depth, title, _ in outline(pdf) if depth == 0]
    assert chapters[:2] == ["Contents", "Key points"]
    assert "Chronology" in chapters and "Historical background" in chapters
    assert chapters[-1] == "Sources"
    assert all(row["emb"] == "yes" for row in fonts(pdf))
    text = " ".join(page_texts(pdf))
    assert "Deserters and the nameless dead" in text and "OC Media" in text
    assert (
        "https://oc-media.org/features/deserters-and-the-nameless-dead-kabardino-balkaria"
        in re.sub(r"\s", "", text)
    )
    report = epubcheck(epub)
    assert (report["checker"]["nError"], report["checker"]["nWarning"]) == (0, 0)
    assert Epub(epub).meta("dc:title")[0] == "Deserters and the nameless dead"


def test_the_bundled_reader_html_is_one_small_inert_page(bundled: dict[str, Path]) -> None:
    from lxml import html

    from dossier.outputs.html_audit import active_content

    page = bundled["reader.html"]
    data = page.read_bytes()
    assert len(data) < 1.5 * 1024 * 1024
    assert active_content(data) == ""
    text = " ".join(html.document_fromstring(data).body.text_content().split())
    for paragraph in article_paragraphs()[:5]:
        assert " ".join(paragraph.replace("*", "").split())[:60] in text
