"""The HTML edition end to end: one self-contained, accessible page with the same anchors as
the EPUB, notes that link both ways, fonts cut to the page and packed inside it, nothing that
runs or fetches; a project template that adds a script is refused."""

from __future__ import annotations

import base64
import io
import itertools
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import html

from dossier import DossierError, build
from dossier.outputs.audit import epub_ids
from dossier.outputs.html_audit import active_content, html_ids

from conftest import copy_project

EDITION = '\n[editions.reader]\nformats = ["epub", "html"]\n'


def sample(root: Path) -> Path:
    copy_project("minimal", root)
    with (root / "dossier.toml").open("a") as manifest:
        manifest.write(EDITION)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = sample(tmp_path_factory.mktemp("html") / "sample")
    return {o.format: o.path for o in build(root)}


@pytest.fixture(scope="module")
def page(built: dict[str, Path]) -> html.HtmlElement:
    return html.document_fromstring(built["html"].read_bytes())


def test_one_file_with_language_title_and_landmarks(built: dict, page: html.HtmlElement) -> None:
    assert built["html"].suffix == ".html"
    assert sorted(p.suffix for p in built["html"].parent.glob("sample-*")) == [".epub", ".html"]
    assert page.get("lang") == "en-GB"
    assert page.findtext(".//title") == "A sample dossier: Small, complete, and checkable"
    body = page.body
    assert [e.tag for e in body if e.tag in ("header", "nav", "main", "footer")] == [
        "header",
        "nav",
        "main",
        "footer",
    ]
    skip = body.find("a")
    assert skip.get("href") == "#main" and page.get_element_by_id("main").tag == "main"
    headings = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4")]
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))


def test_the_same_anchors_as_the_epub(built: dict) -> None:
    """Chapters, notes, note calls, citations, chronology rows and sources: the EPUB's ids
    (but its page markers, which follow a PDF) are all in the page."""
    epub = {i for i in epub_ids(built["epub"].read_bytes()) if not i.startswith("page-")} - {"id"}
    assert len(epub) > 20
    assert epub - html_ids(built["html"].read_bytes()) == set()


def test_the_contents_link_to_every_chapter(page: html.HtmlElement) -> None:
    toc = page.get_element_by_id("contents")
    targets = [a.get("href")[1:] for a in toc.iter("a")]
    chapters = [
        s.get("id") for s in page.find(".//main").iter("section") if "chapter" in s.get("class", "")
    ]
    assert chapters and set(chapters) <= set(targets)
    assert all(page.get_element_by_id(t) is not None for t in targets)


def test_notes_link_to_their_call_and_back(page: html.HtmlElement) -> None:
    calls = page.xpath('//a[@role="doc-noteref"]')
    assert calls
    for call in calls:
        note = page.get_element_by_id(call.get("href")[1:])
        assert note.get("role") == "doc-footnote"
        back = note.xpath('.//a[@role="doc-backlink"]')[0]
        assert page.get_element_by_id(back.get("href")[1:]).get("role") == "doc-noteref"


def test_nothing_runs_and_nothing_is_fetched(built: dict, page: html.HtmlElement) -> None:
    assert active_content(built["html"].read_bytes()) == ""
    images = list(page.iter("img"))
    assert images and all(i.get("src").startswith("data:image/") and i.get("alt") for i in images)
    assert page.get_element_by_id("timeline").find(".//svg") is not None


def test_fonts_are_inside_cut_to_the_page(page: html.HtmlElement) -> None:
    css = "".join(s.text or "" for s in page.iter("style"))
    fonts = re.findall(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", css)
    assert len(fonts) == 8
    regular = TTFont(io.BytesIO(base64.b64decode(fonts[0])))
    covered = {chr(c) for c in regular.getBestCmap()}
    text = {c for c in page.body.text_content() if not c.isspace()}
    assert text - covered == set()
    assert len(covered) < 250  # cut: the whole font has about 700


@pytest.mark.parametrize(
    ("markup", "found"),
    [
        ('<script>fetch("https://example.org")</script>', "a <script> element"),
        ('<img src="https://example.org/pixel.png" alt="">', "the resource 'https://example.org"),
        ('<link rel="stylesheet" href="theme.css">', "a <link> element"),
        ('<a href="#main" onmouseover="go()">x</a>', "an event handler (onmouseover)"),
        (
            '<p style="background: url(//example.org/x.png)">x</p>',
            "the stylesheet resource '//example.org/x.png'",
        ),
    ],
)
def test_a_template_that_runs_or_fetches_is_refused(
    tmp_path: Path, markup: str, found: str
) -> None:
    root = sample(tmp_path / "sample")
    (root / "templates" / "html").mkdir(parents=True)
    (root / "templates" / "html" / "contents.html").write_text(f'<nav id="contents">{markup}</nav>')
    with pytest.raises(DossierError, match=re.escape(f"HTML page would contain {found}")):
        build(root, formats=["html"])
    assert not (root / "build").exists() or not list((root / "build").glob("*.html"))


def test_the_same_inputs_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709294400")
    pages = []
    for name in ("one", "two"):  # two checkouts at different paths
        root = sample(tmp_path / name)
        [output] = build(root, formats=["html"])
        pages.append(output.path.read_bytes())
    assert pages[0] == pages[1]
