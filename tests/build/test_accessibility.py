"""EPUB Accessibility 1.1, checked by independent tools: DAISY Ace and EPUBCheck report
nothing on every EPUB the suite builds, the conformance claim is made, and the page-list
follows the PDF edition: after page-break marker N, the EPUB text begins with the first words
of PDF page N (pdftotext)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ace import assert_ace_clean
from lxml import etree
from test_parallel import sample_book

from dossier import build
from dossier.rendering.words import word
from dossier.writers.epub import CONFORMS_TO, write_epub
from dossier.writers.jobs import cover as _cover
from dossier.writers.jobs import pagination as _pagination
from dossier.writers.page_starts import letters
from dossier.writers.pdf import write_pdf

from conftest import copy_project
from inspect_outputs import epubcheck, page_texts

OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"


def opf_meta(epub: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    found: dict[str, list[str]] = {}
    for meta in opf.iter(f"{OPF}meta"):
        if meta.get("property"):
            found.setdefault(meta.get("property"), []).append(meta.text or "")
    return found


def marker_texts(epub: Path) -> tuple[list[str], dict[int, str]]:
    """The page-list's labels, and for each marker N the EPUB's letters that follow it up
    to the next marker (in spine order)."""
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        lists = [n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "page-list"]
        if not lists:
            return [], {}
        assert lists[0].findtext(f"{XHTML}h2") == word("epub.page-list")
        labels = [a.text for a in lists[0].iter(f"{XHTML}a")]
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        manifest = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
        spine = [manifest[r.get("idref")] for r in opf.iter(f"{OPF}itemref")]
        stream: list[tuple[int | None, str]] = []  # (marker, text) in reading order
        for href in spine:
            if href == "nav.xhtml":
                continue
            page = etree.fromstring(z.read(f"EPUB/{href}"))
            body = page.find(f"{XHTML}body")
            for event, element in etree.iterwalk(body, events=("start", "end")):
                if event == "start":
                    if element.get(f"{EPUB_NS}type") == "pagebreak":
                        assert element.get("role") == "doc-pagebreak"
                        assert element.get("aria-label") == element.get("id")[5:]
                        stream.append((int(element.get("aria-label")), ""))
                    stream.append((None, element.text or ""))
                else:
                    stream.append((None, element.tail or ""))
    after: dict[int, str] = {}
    current = None
    for number, text in stream:
        if number is not None:
            current = number
            after[current] = ""
        elif current is not None:
            after[current] += letters(text)
    return labels, after


def check_page_list(pdf: Path, epub: Path) -> tuple[int, int]:
    """Every PDF page has a marker; the text after each marker that has text of its own
    begins with that page's first words (past its running head). (pages, pages marked at
    their own first word)."""
    pdf_pages = [letters(t) for t in page_texts(pdf)]
    labels, after = marker_texts(epub)
    assert labels == [str(n) for n in range(1, len(pdf_pages) + 1)]
    own = 0
    for number, text in after.items():
        if not text:
            continue  # nothing before the next marker: a page whose words are not in the EPUB
        own += 1
        first = text[:24]
        where = pdf_pages[number - 1].find(first)
        # a running head (title, chapter) and a page number may come before the body text
        assert 0 <= where <= 90, (number, text[:60], pdf_pages[number - 1][:150])
    return len(pdf_pages), own


def test_bundled_epub_page_list_follows_the_reader_pdf(bundled: dict[str, Path]) -> None:
    pages, own = check_page_list(bundled["reader.pdf"], bundled["reader.epub"])
    # all but the cover (an image in the EPUB) and the contents (the EPUB's own is its nav)
    assert own >= pages - 2, (pages, own)
    meta = opf_meta(bundled["reader.epub"])
    assert meta["pageBreakSource"] == [
        f"urn:uuid:20678c9e-deab-59b1-b47f-1de08c19c374 (PDF: {bundled['reader.pdf'].name})"
    ]
    features = meta["schema:accessibilityFeature"]
    assert "pageNavigation" in features and "pageBreakMarkers" in features


def test_chunked_pdf_page_list(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    context = root / "sections" / "03-context.md"
    filler = "The committee's papers were filed, indexed and read again by the editors. " * 14
    context.write_text(context.read_text() + "\n" + "\n\n".join([filler] * 24) + "\n")
    book, env, assets = sample_book(root)
    output = write_pdf(book, env, assets, "0", chunks=3)
    assert output.chunks == 3 and len(output.starts) == output.pages
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(output.data)
    pagination = _pagination(book, "source", output.anchors, output.starts)
    sheets = sample_sheets(root)
    epub = tmp_path / "book.epub"
    epub.write_bytes(write_epub(book, env, sheets, assets, _cover(book, sheets), "0", pagination))
    pages, own = check_page_list(pdf, epub)
    assert pages > 8 and own >= pages - 3, (pages, own)
    assert epubcheck(epub)["messages"] == []
    assert_ace_clean(epub)


def sample_sheets(root: Path):  # type: ignore[no-untyped-def]
    from dossier.config import load_config
    from dossier.reading.project import read_project

    _, _, sheets = read_project(load_config(root))
    return sheets


def test_an_epub_built_without_its_pdf_says_nothing_about_pages(project: Path) -> None:
    (epub,) = [o.path for o in build(project, formats=["epub"])]
    labels, after = marker_texts(epub)
    assert labels == [] and after == {}
    meta = opf_meta(epub)
    assert "pageBreakSource" not in meta
    assert not {"pageNavigation", "pageBreakMarkers"} & set(meta["schema:accessibilityFeature"])
    with zipfile.ZipFile(epub) as z:
        assert not any(b"pagebreak" in z.read(n) for n in z.namelist() if n.endswith("html"))


def assert_conformant(epub: Path) -> None:
    meta = opf_meta(epub)
    assert meta["dcterms:conformsTo"] == [CONFORMS_TO]
    assert meta["a11y:certifiedBy"] and meta["a11y:certifiedBy"][0]
    report = epubcheck(epub)
    assert report["messages"] == [], report["messages"]
    assert_ace_clean(epub)


def test_bundled_epub_is_clean_for_ace_and_epubcheck(bundled: dict[str, Path]) -> None:
    assert_conformant(bundled["reader.epub"])


def test_minimal_epub_is_clean_for_ace_and_epubcheck(built: dict[str, Path]) -> None:
    assert_conformant(built["epub"])
    pages, own = check_page_list(built["pdf"], built["epub"])
    assert own >= pages - 3


def test_every_edition_epub_is_clean(editions: dict[str, Path]) -> None:
    epubs = [path for name, path in editions.items() if name.endswith(".epub")]
    assert epubs
    for epub in epubs:
        assert_conformant(epub)


def test_marker_ids_are_unique(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["epub"]) as z:
        ids = re.findall(rb'id="(page-\d+)"', b"".join(z.read(n) for n in z.namelist()))
    assert len(ids) == len(set(ids)) > 0
