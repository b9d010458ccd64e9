"""rendering/formats.py on the small confidential sample: where links point in each format
(and that links to material an edition leaves out are no links), which file holds each
anchor, page references from a previous layout, back-references, Robust Links attributes.
tests/unit/test_markup_templates.py has the snippets themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from markdown_it.token import Token

from dossier import load_config
from dossier.editions.assemble import assemble
from dossier.errors import Location, Problems
from dossier.model.records import Book, Dossier, SourceCopy
from dossier.reading.sections import read_dossier
from dossier.rendering.environment import make_environment
from dossier.rendering.formats import EpubMarkup, PageMap, PdfMarkup, _anchor_homes
from dossier.rendering.words import group_title

from conftest import PROJECTS

EPUB = "http://www.idpf.org/2007/ops"


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    config = load_config(PROJECTS / "confidential")
    problems = Problems()
    result = read_dossier(config, problems, config.project)
    assert problems.items == []
    return result


def book(dossier: Dossier, edition: str) -> Book:
    problems = Problems()
    result = assemble(dossier, dossier.config.editions[edition], "", problems)
    assert problems.items == []
    return result


@pytest.fixture(scope="module")
def public(dossier: Dossier) -> Book:
    return book(dossier, "public")


@pytest.fixture(scope="module")
def internal(dossier: Dossier) -> Book:
    return book(dossier, "internal")


def fragment(html: str) -> ET.Element:
    return ET.fromstring(f'<div xmlns:epub="{EPUB}">{html}</div>')


def links(html: str) -> list[tuple[str, str | None]]:
    return [("".join(a.itertext()), a.get("href")) for a in fragment(html).iter("a")]


def link_token(href: str) -> Token:
    return Token("link_open", "a", 1, attrs={"href": href})


# --- where each anchor lives -----------------------------------------------------------------


def test_anchor_homes_of_the_public_edition(public: Book) -> None:
    homes = _anchor_homes(public)
    assert homes == {
        "public": "public.xhtml",
        "chronology": "chronology.xhtml",
        "timeline": "chronology.xhtml",
        "ev-1": "chronology.xhtml",
        "ev-3": "chronology.xhtml",
        "sources": "sources.xhtml",
        "src-public-report": "sources.xhtml",
        "cite-public-1": "public.xhtml",
        "cite-public-2": "public.xhtml",
        "cite-ev-1-1": "chronology.xhtml",
        "cite-ev-3-1": "chronology.xhtml",
        "fn-1": "public.xhtml",
        "fnref-1": "public.xhtml",
    }


def test_the_internal_edition_has_the_internal_anchors(internal: Book) -> None:
    homes = _anchor_homes(internal)
    assert homes["handling-notes"] == "public.xhtml"  # the heading in ::: internal
    assert homes["internal"] == "internal.xhtml"  # the internal section
    assert homes["ev-2"] == "chronology.xhtml"
    assert homes["src-handler-notes"] == "sources.xhtml"
    assert homes["fn-2"] == homes["fnref-2"] == "public.xhtml"


# --- links ---------------------------------------------------------------------------------


def test_links_to_left_out_material_are_no_links_in_public(public: Book) -> None:
    env = make_environment(public.config.project)
    chapter = public.chapters[0]
    for markup in (EpubMarkup(public, env), PdfMarkup(public, env)):
        html = str(markup.body(chapter))
        assert ("meeting log", None) in links(html)
        assert ("desk notes", None) in links(html)
        assert "02-internal.md" not in html and "handling-notes" not in html


def test_links_inside_the_internal_edition(internal: Book) -> None:
    env = make_environment(internal.config.project)
    chapter = internal.chapters[0]
    epub = links(str(EpubMarkup(internal, env).body(chapter)))
    assert ("meeting log", "internal.xhtml#internal") in epub
    assert ("desk notes", "#handling-notes") in epub  # same file: a bare fragment
    pdf = links(str(PdfMarkup(internal, env).body(chapter)))
    assert ("meeting log", "#internal") in pdf
    assert ("desk notes", "#handling-notes") in pdf


def test_link_href_in_each_format(internal: Book) -> None:
    env = make_environment(internal.config.project)
    epub, pdf = EpubMarkup(internal, env), PdfMarkup(internal, env)
    epub.chapter = pdf.chapter = internal.chapters[0]
    for markup in (epub, pdf):
        assert markup.link_href(link_token("https://example.org/x")) == "https://example.org/x"
        assert markup.link_href(link_token("mailto:desk@example.org")) == "mailto:desk@example.org"
        assert markup.link_href(link_token("missing.md")) == ""
        assert markup.link_href(link_token("#nowhere")) == ""
    assert epub.link_href(link_token("#ev-2")) == "chronology.xhtml#ev-2"
    assert pdf.link_href(link_token("#ev-2")) == "#ev-2"
    assert epub.link_href(link_token("02-internal.md#internal")) == "internal.xhtml#internal"


def test_links_from_the_chronology_are_relative_to_its_file(internal: Book) -> None:
    env = make_environment(internal.config.project)
    epub = EpubMarkup(internal, env)
    epub.chapter = next(c for c in internal.chapters if c.kind == "chronology")
    # the chronology file is sections/chronology.yaml: section files are its neighbours
    assert epub.link_href(link_token("01-public.md")) == "public.xhtml#public"
    assert epub.link_href(link_token("#ev-1")) == "#ev-1"


def test_resources_in_each_format(public: Book) -> None:
    env = make_environment(public.config.project)
    assert EpubMarkup(public, env).resource("sections/a b.png") == "../project/sections/a%20b.png"
    assert PdfMarkup(public, env).resource("sections/a.png").endswith("sections/a.png")


# --- notes and citations -----------------------------------------------------------------------


def test_epub_notes_are_collected_per_chapter(public: Book) -> None:
    env = make_environment(public.config.project)
    epub = EpubMarkup(public, env)
    html = str(epub.body(public.chapters[0]))
    ((n, ref_id, body),) = epub.endnotes()
    assert (n, ref_id) == (1, "fnref-1")
    assert "As reported in the public record" in body
    assert links(str(body)) == [("1, p. 2", "sources.xhtml#src-public-report")]
    assert "fnref-1" in html
    epub.body(next(c for c in public.chapters if c.kind == "chronology"))
    assert epub.endnotes() == []  # the next chapter starts its own list


def test_a_citation_of_only_unknown_keys_is_left_out(public: Book) -> None:
    env = make_environment(public.config.project)
    pdf = PdfMarkup(public, env)
    token = Token("citation", "", 0, meta={"items": [], "ids": [], "numbers": []})
    assert pdf.citation(token) == ""


def test_pdf_footnote_text_sits_at_the_first_call_only(internal: Book) -> None:
    env = make_environment(internal.config.project)
    pdf = PdfMarkup(internal, env)
    pdf.chapter = internal.chapters[0]
    first = Token(
        "footnote_ref", "", 0, meta={"n": 1, "first": True, "ref_id": "fnref-1", "label": "pub"}
    )
    again = Token(
        "footnote_ref", "", 0, meta={"n": 1, "first": False, "ref_id": "fnref-1-1", "label": "pub"}
    )
    assert "As reported in the public record" in pdf.noteref(first)
    assert "As reported" not in pdf.noteref(again) and "1" in pdf.noteref(again)
    unnumbered = Token("footnote_ref", "", 0, meta={"label": "nowhere"})
    assert pdf.noteref(unnumbered) == ""


# --- page references and back-references --------------------------------------------------------


def test_page_map_records_what_was_asked() -> None:
    pages = PageMap({"a": 3}, default=88)
    assert pages("a") == 3 and pages("b") == 88
    assert pages.used == {"a", "b"}


def test_cited_pages_list_each_page_once_with_its_first_citation(public: Book) -> None:
    env = make_environment(public.config.project)
    source = public.sources[0]
    pdf = PdfMarkup(public, env, PageMap({"cite-public-1": 2, "cite-public-2": 2}))
    assert pdf.cited_pages(source) == [(2, "cite-public-1")]  # chronology rows: not pages
    pdf = PdfMarkup(public, env, PageMap({"cite-public-1": 2, "cite-public-2": 5}))
    assert pdf.cited_pages(source) == [(2, "cite-public-1"), (5, "cite-public-2")]
    assert pdf.pages.used == {"cite-public-1", "cite-public-2"}


def test_epub_back_references_by_chapter(public: Book) -> None:
    env = make_environment(public.config.project)
    epub = EpubMarkup(public, env)
    ((chapter, occurrences),) = epub.cited_in(public.sources[0])
    assert chapter.id == "public"
    assert [o.id for o in occurrences] == ["cite-public-1", "cite-public-2"]


def test_cited_rows_and_event_numbers(public: Book) -> None:
    env = make_environment(public.config.project)
    epub = EpubMarkup(public, env)
    rows = epub.cited_rows(public.sources[0])
    assert [r.id for r in rows] == ["ev-1", "ev-3"]
    assert [epub.event_number(r) for r in rows] == [1, 2]  # numbered within the edition
    assert [o.id for o in epub.sources_of(rows[1])] == ["cite-ev-3-1"]


def test_groups_and_headings(internal: Book, public: Book) -> None:
    env = make_environment(internal.config.project)
    groups = EpubMarkup(internal, env).groups()
    # in the order of GROUPS, empty groups left out
    assert [[s.key for s in sources] for _, sources in groups] == [
        ["public-report"],  # a report: publications
        ["handler-notes"],  # a personal communication: testimony
    ]
    assert [title for title, _ in groups] == [group_title("publications"), group_title("testimony")]
    chapter = internal.chapters[0]
    assert [h.id for h in EpubMarkup(internal, env).headings(chapter)] == ["handling-notes"]
    assert EpubMarkup(public, env).headings(public.chapters[0]) == []


# --- Robust Links ---------------------------------------------------------------------------


def test_links_to_a_page_with_an_archived_copy_carry_its_version(public: Book) -> None:
    source = public.sources[0]
    capture = SourceCopy(
        "archive",
        Location("sections/sources.yaml", 9),
        url="https://web.archive.org/web/2024/https://example.org/page",
        captured=dt.date(2024, 5, 1),
    )
    archived = dataclasses.replace(
        source, csl={**source.csl, "URL": "https://example.org/page"}, copies=(capture,)
    )
    edition = dataclasses.replace(public, sources=[archived])
    env = make_environment(public.config.project)
    epub = EpubMarkup(edition, env)
    assert epub.link_attributes("https://example.org/page") == (
        ' data-versionurl="https://web.archive.org/web/2024/https://example.org/page"'
        ' data-versiondate="2024-05-01"'
    )
    assert epub.link_attributes("https://example.org/other") == ""
    copies = str(epub.other_copies(archived))
    assert "https://web.archive.org/web/2024/https://example.org/page" in copies
    assert 'data-originalurl="https://example.org/page"' in copies


def test_internal_blocks_and_spans_are_marked_in_the_internal_edition(internal: Book) -> None:
    env = make_environment(internal.config.project)
    html = str(EpubMarkup(internal, env).body(internal.chapters[0]))
    root = fragment(html)
    marked = [e for e in root.iter() if e.get("class") == "internal"]
    assert [e.tag for e in marked] == ["div", "span"]
    assert "".join(marked[1].itertext()) == "whose first name is Zaurbek"


def test_inline_renders_markdown_text(public: Book) -> None:
    env = make_environment(public.config.project)
    epub = EpubMarkup(public, env)
    assert str(epub.inline("A *small* [link](https://e.org)")) == (
        'A <em>small</em> <a href="https://e.org" class="external">link</a>'
    )
    assert str(epub.inline("")) == ""
