"""Reader-visible markup comes from template snippets (note calls, footnotes, citations,
images), rendered per format by `PdfMarkup` / `EpubMarkup`; a project's own `templates/`
overrides any of them. No WeasyPrint: the markup is parsed as XML/HTML fragments."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dossier.config import load_config
from dossier.editions.assemble import assemble
from dossier.errors import Problems
from dossier.model.records import Book, Chapter
from dossier.reading.project import read_project
from dossier.rendering.environment import make_environment
from dossier.rendering.formats import EpubMarkup, FormatMarkup, PageMap, PdfMarkup
from dossier.sandbox.fetcher import project_url

EPUB_NS = 'xmlns:epub="http://www.idpf.org/2007/ops"'


def book_of(root: Path, edition: str = "") -> Book:
    config = load_config(root)
    problems, dossier, _ = read_project(config)
    assert not problems.errors, problems.errors
    name = edition or next(iter(config.editions))
    return assemble(dossier, config.editions[name], "0000000000", Problems())


def story(book: Book) -> Chapter:
    return next(c for c in book.chapters if c.section and c.section.path.endswith("02-story.md"))


def fragment(html: str) -> ET.Element:
    return ET.fromstring(f"<div {EPUB_NS}>{html}</div>")


def test_the_two_formats_share_one_base(project: Path) -> None:
    book = book_of(project)
    env = make_environment(book.config.project)
    pdf, epub = PdfMarkup(book, env, PageMap()), EpubMarkup(book, env)
    assert isinstance(pdf, FormatMarkup) and isinstance(epub, FormatMarkup)
    assert (pdf.format, epub.format) == ("pdf", "epub")
    assert pdf.resource("sections/images/chart.png") == project_url("sections/images/chart.png")
    assert epub.resource("sections/images/chart.png") == "../project/sections/images/chart.png"


def test_epub_note_calls_citations_and_images(project: Path) -> None:
    book = book_of(project)
    markup = EpubMarkup(book, make_environment(book.config.project))
    chapter = story(book)
    markup.chapter = chapter
    body = fragment(str(markup.body(chapter)))
    calls = [a for a in body.iter("a") if a.get("class") == "noteref"]
    assert calls and all(a.get("{http://www.idpf.org/2007/ops}type") == "noteref" for a in calls)
    assert all(a.get("href") == f"#fn-{a.text}" and a.get("role") == "doc-noteref" for a in calls)
    assert [n for n, _, _ in markup.endnotes()] == [int(a.text or 0) for a in calls]
    cites = [s for s in body.iter("span") if s.get("class") == "cite"]
    assert cites
    for cite in cites:
        text = "".join(cite.itertext())
        assert text.startswith("[") and text.endswith("]")
        for link in cite.iter("a"):
            assert re.fullmatch(r"sources\.xhtml#src-[\w-]+", link.get("href", ""))
            assert re.fullmatch(r"cite-[\w-]+-\d+", link.get("id", ""))
    (image,) = body.iter("img")
    assert image.get("alt") == "A small square chart in the accent colour"
    assert image.get("src") == "../project/sections/images/chart.png"


def test_pdf_footnotes_carry_their_text_at_the_first_call(project: Path) -> None:
    book = book_of(project)
    markup = PdfMarkup(book, make_environment(book.config.project), PageMap())
    html = str(markup.body(story(book)))
    body = ET.fromstring(f"<div>{html}</div>")
    notes = [s for s in body.iter("span") if s.get("class") == "footnote"]
    assert notes
    for note in notes:
        assert note.get("id") == f"fn-{note.get('data-n')}"
        assert [p.get("class") for p in note] and all(p.get("class") == "fn-p" for p in note)
    calls = [s for s in body.iter("span") if s.get("class") == "fn-call"]
    assert [c.get("id") for c in calls] == [f"fnref-{n.get('data-n')}" for n in notes]


@pytest.mark.parametrize(
    ("template", "markup_class"),
    [("epub/noteref.xhtml", EpubMarkup), ("pdf/footnote.html", PdfMarkup)],
)
def test_a_project_template_overrides_a_snippet(
    project: Path, template: str, markup_class: type[FormatMarkup]
) -> None:
    own = project / "templates" / template
    own.parent.mkdir(parents=True)
    own.write_text('<sup class="my-call" data-note="{{ note_id(n) }}">{{ n }}</sup>')
    book = book_of(project)
    markup = markup_class(book, make_environment(book.config.project))
    html = str(markup.body(story(book)))
    calls = re.findall(r'<sup class="my-call" data-note="fn-(\d+)">(\d+)</sup>', html)
    assert calls and all(a == b for a, b in calls)
    assert "noteref" not in html if markup_class is EpubMarkup else "footnote" not in html


def test_a_project_template_restyles_citations(project: Path) -> None:
    own = project / "templates" / "shared" / "citation.html"
    own.parent.mkdir(parents=True)
    own.write_text(
        '({% for link in links %}<a href="{{ link.href }}">{{ link.number }}</a>'
        '{{ ", " if not loop.last }}{% endfor %})'
    )
    book = book_of(project)
    html = str(PdfMarkup(book, make_environment(book.config.project)).body(story(book)))
    assert '<span class="cite">' not in html
    assert re.search(r'\(<a href="#src-[\w-]+">\d+</a>', html)


def test_templates_get_the_id_makers_and_the_words(project: Path) -> None:
    env = make_environment(load_config(project).project)
    rendered = env.from_string(
        "{{ note_id(3) }} {{ noteref_id(3, 1) }} {{ cite_id('intro', 2) }} "
        "{{ source_id('report-2023') }} {{ word('internal.mark') }}"
    ).render()
    assert rendered == (
        "fn-3 fnref-3-1 cite-intro-2 src-report-2023 INTERNAL — not for distribution"
    )


def test_no_package_template_spells_an_id_or_the_internal_mark() -> None:
    templates = Path(__file__).parents[2] / "dossier" / "templates"
    for path in templates.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not re.search(r"""['"]#?(src|fn|fnref|cite)-['"{]""", text), path
            assert "not for distribution" not in text, path


@pytest.mark.parametrize("kind", [PdfMarkup, EpubMarkup])
def test_web_addresses_in_plain_text_become_links(project: Path, kind: type) -> None:
    book = book_of(project)
    markup = kind(book, make_environment(book.config.project))
    text = "Also at https://example.org/a?p=1&q=<2>. Part 2: http://example.net/b.html; not example.com"
    root = fragment(str(markup.linked(text)))
    links = root.findall("a")
    assert [a.get("href") for a in links] == [
        "https://example.org/a?p=1&q=",
        "http://example.net/b.html",
    ]
    assert [a.text for a in links] == [a.get("href") for a in links]
    # everything else stays text, escaped; an address without its scheme is left alone
    assert "".join(root.itertext()) == text
    assert "example.com" not in "".join(a.get("href") for a in links)
