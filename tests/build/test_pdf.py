"""The PDF of the minimal sample project: structure, not bytes."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from inspect_outputs import fonts, metadata, outline, page_texts

A4 = (595.28, 841.89)


def test_pages_are_a4(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1


def test_outline_lists_every_chapter_at_its_first_page(built: dict[str, Path]) -> None:
    marks = outline(built["pdf"])
    top = [(title, page) for depth, title, page in marks if depth == 0]
    assert [title for title, _ in top] == [
        "Contents",
        "Summary",
        "The story",
        "Chronology",
        "Context",
        "Sources",
    ]
    reader = PdfReader(str(built["pdf"]))
    anchors = {
        "Summary": "summary",
        "The story": "story",
        "Chronology": "chronology",
        "Context": "context",
        "Sources": "sources",
        "Contents": "contents",
    }
    dests = reader.named_destinations
    for title, page in top:
        assert reader.get_destination_page_number(dests[anchors[title]]) + 1 == page
        assert title in page_texts(built["pdf"])[page - 1]
    nested = [(title, page) for depth, title, page in marks if depth == 1]
    assert ("The meeting", dict(top)["The story"]) in nested
    assert [t for t, _ in nested if t in ("Earlier history", "Recent years")] == [
        "Earlier history",
        "Recent years",
    ]


def test_contents_page_numbers_match_where_chapters_start(built: dict[str, Path]) -> None:
    texts = page_texts(built["pdf"])
    contents = next(t for t in texts if t.startswith("Contents"))
    starts = {title: page for depth, title, page in outline(built["pdf"]) if depth == 0}
    for title in ("Summary", "The story", "Chronology", "Context", "Sources"):
        match = re.search(rf"{re.escape(title)}[ .]*?(\d+)(?!\d)", contents)
        assert match, f"{title} missing from the contents"
        assert int(match.group(1)) == starts[title]


def test_contents_entries_are_links_to_the_chapters(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    contents_page = next(
        i for i, t in enumerate(page_texts(built["pdf"])) if t.startswith("Contents")
    )
    targets = [a.get_object().get("/Dest") for a in reader.pages[contents_page]["/Annots"]]
    assert {"summary", "story", "chronology", "context", "sources"} <= set(map(str, targets))


def test_footnote_text_is_on_the_page_of_its_call(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    dests = {
        name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()
    }
    notes = sorted(n for n in dests if re.fullmatch(r"fn-\d+", n))
    assert len(notes) == 3
    for note in notes:
        assert dests[note] == dests["fnref-" + note[3:]], note
    texts = page_texts(built["pdf"])
    story = next(t for t in texts if "cold morning in March" in t)
    assert "The report gives 14 March 2023" in story


def test_footers_say_page_x_of_y_except_on_the_cover(built: dict[str, Path]) -> None:
    texts = page_texts(built["pdf"])
    total = len(texts)
    assert "page 1 of" not in texts[0]
    for number, text in enumerate(texts, 1):
        if number > 4:  # cover, title page, its verso and the contents carry no footer
            assert f"page {number} of {total}" in text


def test_running_heads_name_the_dossier_and_the_chapter(built: dict[str, Path]) -> None:
    texts = page_texts(built["pdf"])
    starts = {title: page for depth, title, page in outline(built["pdf"]) if depth == 0}
    page = texts[starts["Context"] - 1]
    # in spaced capitals: a book's running heads (and no short chapter's head read as prose)
    assert page.startswith("A SAMPLE DOSSIER CONTEXT")


def test_every_font_is_embedded_and_subset_with_real_styles(built: dict[str, Path]) -> None:
    rows = fonts(built["pdf"])
    assert rows and all(r["emb"] == "yes" and r["sub"] == "yes" and r["uni"] == "yes" for r in rows)
    names = {re.sub(r"^[A-Z]{6}\+", "", r["name"]) for r in rows}
    assert {"Dossier-Text", "Dossier-Text-Italic", "Dossier-Sans-Bold"} <= names
    assert not any("Oblique" in n or "DejaVu" in n for n in names), names


def test_metadata_comes_from_the_manifest(built: dict[str, Path]) -> None:
    info = metadata(built["pdf"])
    assert info["/Title"] == "A sample dossier: Small, complete, and checkable"
    assert info["/Author"] == "Sample Newsroom"
    assert info["/Subject"] == "A small dossier used by the test suite."
    assert info["/Keywords"] == "testing, dossier"
    assert info["/CreationDate"].startswith("D:20240301")
    reader = PdfReader(str(built["pdf"]))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_cyrillic_text_survives(built: dict[str, Path]) -> None:
    assert any("Кириллица тоже работает" in t for t in page_texts(built["pdf"]))


def test_text_is_hyphenated_in_the_manifest_language(built: dict[str, Path]) -> None:
    from subprocess import run

    raw = run(
        ["pdftotext", "-layout", str(built["pdf"]), "-"], capture_output=True, text=True
    ).stdout
    broken = re.findall(r"([a-z]+)-\n\s*([a-z]+)", raw)
    assert len(broken) >= 3, "long words were not hyphenated at line ends"
    assert "\u2010" not in raw  # the fonts' own hyphen is used, not a fallback font's


def test_citations_link_to_their_appendix_entry(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    targets = {
        str(a.get_object().get("/Dest")) for page in reader.pages for a in page.get("/Annots", [])
    }
    assert {"src-report-2023", "src-witness", "src-followup-2023"} <= targets
