"""A source's other copies in every format: the appendix gives the archived copy and its date
after the live address, and mirrors; EPUB links carry Robust Links attributes; EPUBCheck
accepts them. No network: the copies are written into the sources file."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from dossier import build

from conftest import copy_project
from inspect_outputs import Epub, epubcheck, page_texts

XHTML = "{http://www.w3.org/1999/xhtml}"
LIVE = "https://example.org/report"
ARCHIVE = "https://web.archive.org/web/20261124093000/https://example.org/report"
MIRROR = "https://mirror.example.net/report"
COPIES = f"""\
    custom:
      copies:
        - {{kind: archive, url: "{ARCHIVE}", captured: 2026-11-24}}
        - {{kind: mirror, url: "{MIRROR}"}}
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = copy_project("minimal", tmp_path_factory.mktemp("robust") / "minimal")
    sources = root / "sections" / "sources.yaml"
    text = sources.read_text()
    anchor = "    accessed: {date-parts: [[2024, 2, 1]]}\n"
    sources.write_text(text.replace(anchor, anchor + COPIES, 1))
    context = root / "sections" / "03-context.md"
    context.write_text(context.read_text() + f"\nThe [committee's report]({LIVE}) is online.\n")
    return {o.format: o.path for o in build(root)}


def test_the_epub_appendix_links_the_archived_copy_and_the_mirror(outputs: dict) -> None:
    epub = Epub(outputs["epub"])
    appendix = next(h for h in epub.spine() if "appendix" in h or "sources" in h)
    entry = epub.xhtml(appendix).find(f".//{XHTML}li[@id='src-report-2023']")
    text = " ".join("".join(entry.itertext()).split())
    assert f"{LIVE} (archived 24 November 2026: {ARCHIVE}; mirror: {MIRROR})." in text
    links = {a.get("href"): a for a in entry.iter(f"{XHTML}a")}
    live, archived, mirror = links[LIVE], links[ARCHIVE], links[MIRROR]
    assert live.get("data-versionurl") == ARCHIVE
    assert live.get("data-versiondate") == "2026-11-24"
    assert archived.get("data-originalurl") == LIVE
    assert archived.get("data-versiondate") == "2026-11-24"
    assert not {k for k in mirror.attrib if k.startswith("data-")}


def test_links_in_the_text_carry_robust_links_attributes_too(outputs: dict) -> None:
    epub = Epub(outputs["epub"])
    found = [
        a
        for href in epub.spine()
        for a in etree.fromstring(epub.read(href)).iter(f"{XHTML}a")
        if a.get("href") == LIVE and "src-url" not in (a.get("class") or "")
    ]
    assert found and all(a.get("data-versionurl") == ARCHIVE for a in found)


@pytest.mark.slow
def test_epubcheck_accepts_the_data_attributes(outputs: dict) -> None:
    report = epubcheck(outputs["epub"])
    assert report["checker"]["nError"] == 0 and report["checker"]["nFatal"] == 0, [
        m["message"] for m in report["messages"]
    ]


def test_the_pdf_gives_both_links(outputs: dict) -> None:
    text = " ".join(" ".join(page_texts(outputs["pdf"])).split())
    assert "archived 24 November 2026" in text
    assert "web.archive.org/web/20261124093000" in text.replace("- ", "").replace(" ", "")
    assert "mirror:" in text
    from pypdf import PdfReader

    uris = {
        str(annotation.get_object()["/A"].get("/URI"))
        for page in PdfReader(outputs["pdf"]).pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    assert {LIVE, ARCHIVE, MIRROR} <= uris
