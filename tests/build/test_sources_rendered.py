"""The sources appendix as rendered: real page numbers, links back, protection notes, original names."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from inspect_outputs import NS, Epub, page_texts


def test_pdf_appendix_gives_the_real_pages_of_each_citation(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    dests = {
        n: reader.get_destination_page_number(d) + 1 for n, d in reader.named_destinations.items()
    }
    texts = page_texts(built["pdf"])
    appendix = " ".join(texts[dests["sources"] - 1 :])
    for key in ("report-2023", "witness", "followup-2023"):
        pages = sorted(
            {
                p
                for n, p in dests.items()
                if n.startswith("cite-") and not re.match(r"cite-ev-", n) and _cites(built, n, key)
            }
        )
        listed = re.search(rf"{'pp?'}\. ([\d, ]+)", _entry(appendix, key))
        assert listed, key
        assert [int(x) for x in listed.group(1).split(", ")] == pages


def _cites(built: dict[str, Path], anchor: str, key: str) -> bool:
    """Whether the citation anchor links to `key` (read from the EPUB of the same edition)."""
    if not _HTML:
        book = Epub(built["epub"])
        for name in book.zip.namelist():
            if name.endswith(".xhtml"):
                _HTML[name] = book.zip.read(name).decode()
    pattern = rf'href="[^"]*#src-{re.escape(key)}" id="{re.escape(anchor)}"'
    return any(re.search(pattern, html) for html in _HTML.values())


def test_epub_appendix_links_back_to_every_citing_place(built: dict[str, Path]) -> None:
    book = Epub(built["epub"])
    sources = book.xhtml("text/sources.xhtml")
    ids = {}
    for name in book.zip.namelist():
        if name.endswith(".xhtml"):
            doc = book.zip.read(name)
            for found in re.findall(rb' id="([^"]+)"', doc):
                ids[found.decode()] = name.split("/")[-1]
    entry = sources.find(".//xhtml:li[@id='src-report-2023']", NS)
    links = [a.get("href") for a in entry.findall(".//xhtml:p[@class='src-cited']/xhtml:a", NS)]
    assert links, "no back-links"
    for href in links:
        file, _, anchor = href.partition("#")
        assert ids[anchor] == file, href
    assert any(h.startswith("chronology.xhtml#ev-") for h in links)


def test_protection_notes_are_printed(built: dict[str, Path]) -> None:
    sources = Epub(built["epub"]).xhtml("text/sources.xhtml")
    witness = sources.find(".//xhtml:li[@id='src-witness']", NS)
    note = witness.find(".//xhtml:p[@class='src-protection']", NS)
    assert note is not None and "does not attempt to identify" in note.text


def test_original_language_names_are_shown(built: dict[str, Path]) -> None:
    assert any("[Образец]" in t for t in page_texts(built["pdf"]))


def _entry(appendix: str, key: str) -> str:
    marker = {
        "report-2023": "Report of the Committee",
        "witness": "Interview with a witness",
        "followup-2023": "Revisited",
    }[key]
    start = appendix.index(marker)
    return appendix[start : start + 400]


_HTML: dict[str, str] = {}
