"""outputs/audit.py on crafted bytes: a public edition that leaks internal text, an EPUB with
active content, a PDF and EPUB that differ, a PDF that lost a note, a page budget."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pikepdf
import pytest

from dossier import load_config
from dossier.editions.assemble import assemble
from dossier.errors import OutputError, Problems
from dossier.model.records import Book
from dossier.outputs import audit
from dossier.reading.sections import read_dossier

from conftest import PROJECTS


def books() -> dict[str, Book]:
    config = load_config(PROJECTS / "confidential")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    result = {name: assemble(dossier, e, "", problems) for name, e in config.editions.items()}
    assert problems.items == []
    return result


@pytest.fixture(scope="module")
def public() -> Book:
    return books()["public"]


@pytest.fixture(scope="module")
def internal() -> Book:
    return books()["internal"]


XHTML = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
    "<head><title>t</title></head><body>{}</body></html>"
)


def epub(*bodies: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip with one XHTML file per body (enough for the audit, which reads every file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        for i, body in enumerate(bodies):
            archive.writestr(f"EPUB/c{i}.xhtml", XHTML.format(body))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pdf(
    text: str = "",
    ids: tuple[str, ...] = (),
    title: str = "",
    bookmark: str = "",
    attachment: bytes = b"",
    link: str = "",
) -> bytes:
    """A one-page PDF made with pikepdf: page text in Helvetica, named destinations,
    a document title, a bookmark, an attached file, a link annotation."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(300, 300))
    page = document.pages[0]
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=document.make_indirect(font)))
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    page.Contents = document.make_stream(f"BT /F1 10 Tf 10 150 Td ({escaped}) Tj ET".encode())
    if title:
        document.docinfo["/Title"] = title
    if bookmark:
        with document.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem(bookmark, 0))
    if attachment:
        document.attachments["sources.yaml"] = pikepdf.AttachedFileSpec(document, attachment)
    if link:
        action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(link))
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], A=action
        )
        page.Annots = document.make_indirect(pikepdf.Array([annotation]))
    if ids:
        tree = pikepdf.NameTree.new(document)
        for anchor in ids:
            tree[anchor] = pikepdf.Array([page.obj, pikepdf.Name.Fit])
        names = document.Root.get("/Names") or pikepdf.Dictionary()
        names.Dests = tree.obj
        document.Root.Names = names
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- what is searched for ------------------------------------------------------------------


def test_needles_are_the_internal_texts_squeezed(public: Book) -> None:
    found = audit.needles(public)
    assert found["whosefirstnameiszaurbek"] == "whose first name is Zaurbek"
    assert found["meetingroominthekestrellaneannex"] == "Meeting room in the Kestrel Lane annex"
    assert found["httpsexampleorgprivatedropfolderreportpdf"].startswith("https://example.org/")
    # the readable date of a wholly internal row (it has no label of its own)
    assert found["20march2023"] == "20 March 2023"


def test_sentences_of_internal_texts_are_searched_apart() -> None:
    assert audit._sentences("One thing. Another!  A third? Last; end") == [
        "One thing.",
        "Another!",
        "A third?",
        "Last;",
        "end",
    ]


def test_an_internal_text_the_public_edition_also_shows_is_not_a_needle(public: Book) -> None:
    """An editor may mark internal a phrase that the public text says anyway."""
    book = dataclasses.replace(public, internal_texts=["What we can publish", "Zaurbek Tsarev"])
    found = audit.needles(book)
    assert "whatwecanpublish" not in found
    assert "zaurbektsarev" in found


def test_short_needles_are_whole_words() -> None:
    key = audit._key("Ali")
    assert key == " ali "
    assert audit._found(key, audit._norm("Ali said so"), audit._words("Ali said so"))
    assert not audit._found(key, audit._norm("an alibi"), audit._words("an alibi"))
    long = audit._key("Zaurbek")
    assert long == "zaurbek"
    split = "Zaur-\nbek"  # hyphenated across a line in the PDF text
    assert audit._found(long, audit._norm(split), audit._words(split))
    assert audit._key("—!?") == ""


def test_normalisation_folds_case_and_compatibility_forms() -> None:
    assert audit._norm("ＫＥＳＴＲＥＬ Lane") == "kestrellane"
    assert audit._norm("Straße") == audit._norm("STRASSE")


def test_public_texts_take_rows_from_the_records(public: Book) -> None:
    texts = list(audit.public_texts(public))
    assert "The decision is announced." in texts
    assert "Meeting room in the Kestrel Lane annex" not in texts  # internal: [place]
    assert "Location withheld by agreement with the venue owner." not in texts
    assert "Public report of the committee" in texts
    assert not any("private-drop-folder" in t for t in texts)  # internal: [URL]


# --- leaks --------------------------------------------------------------------------------


def test_a_clean_public_epub_and_pdf_pass(public: Book) -> None:
    outputs = {
        "epub": epub("<p>The committee met in March.</p>"),
        "pdf": pdf("The committee met in March.", title="A dossier"),
    }
    audit.check_leaks(public, outputs)
    assert "committee met" in audit.pdf_corpus(outputs["pdf"])


@pytest.mark.parametrize(
    "body",
    [
        "<p>The driver, whose first name is Zaurbek, declined.</p>",
        '<p><img src="x.png" alt="Meeting room in the Kestrel Lane annex"/></p>',
        "<p>whose first name is <span>Zaur</span>&#xAD;bek</p>",
        "<p>See https://example.org/private-drop-folder/report.pdf</p>",
        "<p>On 20 March 2023 the courier came.</p>",
    ],
)
def test_a_leak_in_an_epub_is_caught(public: Book, body: str) -> None:
    with pytest.raises(OutputError) as caught:
        audit.check_leaks(public, {"epub": epub(body)})
    message = str(caught.value)
    assert message.startswith("error: the public public EPUB would contain internal text (“")
    assert message.endswith("nothing was written: report this as a bug in dossier")


def test_a_leak_in_any_file_of_the_epub_is_caught(public: Book) -> None:
    opf = b"<package><metadata><dc>Obtained through the drop folder maintained by Farida.</dc>"
    opf += b"</metadata></package>"
    with pytest.raises(OutputError, match="Farida"):
        audit.check_leaks(public, {"epub": epub("<p>ok</p>", extra={"EPUB/package.opf": opf})})
    css = b"/* Handler's notebook, pages about the courier */"  # not XML: read as text
    with pytest.raises(OutputError, match="notebook"):
        audit.check_leaks(public, {"epub": epub("<p>ok</p>", extra={"EPUB/a.css": css})})


def test_several_leaks_are_counted(public: Book) -> None:
    body = "<p>whose first name is Zaurbek</p><p>Source meeting log</p><p>Handling notes</p>"
    with pytest.raises(OutputError, match=r"\(“.*” and 2 more\)"):
        audit.check_leaks(public, {"epub": epub(body)})


@pytest.mark.parametrize(
    "where",
    [
        {"text": "The driver, whose first name is Zaurbek"},
        {"title": "Courier hands over the ledger at the bakery on Station Road."},
        {"bookmark": "Handling notes"},
        {
            "attachment": b"custom: {internal-notes: Obtained through the drop folder maintained by Farida.}"
        },
        {"link": "https://example.org/private-drop-folder/report.pdf"},
        {"ids": ("handling-notes",)},
    ],
)
def test_a_leak_anywhere_in_a_pdf_is_caught(public: Book, where: dict) -> None:
    with pytest.raises(OutputError, match="the public public PDF would contain internal text"):
        audit.check_leaks(public, {"pdf": pdf(**where)})


def test_internal_editions_are_not_scanned(internal: Book) -> None:
    audit.check_leaks(internal, {"epub": epub("<p>whose first name is Zaurbek</p>")})
    assert audit.needles(internal) == {}  # nothing is internal to an internal audience


def test_a_long_leak_is_shortened_in_the_message(public: Book) -> None:
    text = "Unpublished: the convoy left at dawn from the eastern depot and more words here."
    book = dataclasses.replace(public, internal_texts=[text])
    with pytest.raises(OutputError) as caught:
        audit.check_leaks(book, {"epub": epub(f"<p>{text}</p>")})
    assert f"(“{text[:57]}…”)" in str(caught.value)


# --- the structure tree of a tagged PDF ----------------------------------------------------


def test_alt_texts_in_the_structure_tree_are_searched() -> None:
    document = pikepdf.new()
    document.add_blank_page()
    figure = document.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, Alt="Secret alt")
    )
    span = pikepdf.Dictionary(S=pikepdf.Name.Span, ActualText="Actual words", K=[figure])
    root = document.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=[span, figure])
    )
    figure.P = root  # a cycle: walked once
    document.Root.StructTreeRoot = root
    out = io.BytesIO()
    document.save(out)
    corpus = audit.pdf_corpus(out.getvalue())
    assert "Secret alt" in corpus and "Actual words" in corpus
    assert corpus.count("Secret alt") == 1


# --- active content in an EPUB -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("<script>alert(1)</script>", "<script> in EPUB/c0.xhtml"),
        ('<p onclick="x()">a</p>', "an event handler (onclick) in EPUB/c0.xhtml"),
        ('<a href="javascript:alert(1)">a</a>', "the link 'javascript:alert(1)' in EPUB/c0.xhtml"),
        (
            '<img src="file:///etc/passwd" alt=""/>',
            "the link 'file:///etc/passwd' in EPUB/c0.xhtml",
        ),
        ('<a href=" data:text/html,x">a</a>', "the link ' data:text/html,x' in EPUB/c0.xhtml"),
        ('<iframe src="a.xhtml"></iframe>', "<iframe> in EPUB/c0.xhtml"),
        ('<form action="https://x.org"></form>', "<form> in EPUB/c0.xhtml"),
    ],
)
def test_active_content_is_found(body: str, found: str) -> None:
    assert audit.active_content(epub(body)) == found


@pytest.mark.parametrize(
    "body",
    [
        '<a href="https://example.org/a?b=c">web</a>',
        '<a href="mailto:desk@example.org">mail</a>',
        '<a href="#fn-1">note</a>',
        '<a href="c1.xhtml#story">chapter</a>',
        '<img src="images/chart.png" alt="chart"/>',
        '<a href="HTTPS://EXAMPLE.ORG">caps</a>',
    ],
)
def test_ordinary_links_are_not_active(body: str) -> None:
    assert audit.active_content(epub(body)) == ""


def test_an_svg_with_a_script_is_active() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    data = epub("<p>a</p>", extra={"EPUB/images/a.svg": svg})
    assert audit.active_content(data) == "<script> in EPUB/images/a.svg"


def test_check_inert_names_the_edition(public: Book) -> None:
    with pytest.raises(OutputError, match="the public EPUB would contain <script> in"):
        audit.check_inert(public, {"epub": epub("<script>x</script>")})
    audit.check_inert(public, {"pdf": b"not looked at"})


# --- parity, notes, pages ------------------------------------------------------------------


def all_ids(book: Book) -> set[str]:
    return set().union(*audit.expected_ids(book).values())


def test_expected_ids_of_the_public_edition(public: Book) -> None:
    assert audit.expected_ids(public) == {
        "chapters": {"public", "chronology", "sources"},
        "notes": {"fn-1"},
        "citations": {"cite-public-1", "cite-public-2", "cite-ev-1-1", "cite-ev-3-1"},
        "chronology rows": {"ev-1", "ev-3"},
        "sources": {"src-public-report"},
    }


def test_parity_holds_when_both_carry_every_anchor(public: Book) -> None:
    ids = sorted(all_ids(public))
    body = "".join(f'<span id="{i}"/>' for i in ids)
    outputs = {"pdf": pdf(ids=tuple(ids)), "epub": epub(body)}
    audit.check_parity(public, outputs)
    assert audit.epub_ids(outputs["epub"]) == set(ids)
    assert audit.pdf_ids(outputs["pdf"]) == set(ids)


def test_parity_names_what_each_output_lacks(public: Book) -> None:
    ids = sorted(all_ids(public))
    body = "".join(f'<span id="{i}"/>' for i in ids if i != "fn-1")
    pdf_ids = tuple(i for i in ids if not i.startswith("cite-"))
    with pytest.raises(OutputError) as caught:
        audit.check_parity(public, {"pdf": pdf(ids=pdf_ids), "epub": epub(body)})
    message = str(caught.value)
    assert "the PDF and EPUB of edition 'public' differ" in message
    assert "the EPUB lacks 1 of 1 notes (fn-1)" in message
    assert "the PDF lacks 4 of 4 citations (cite-ev-1-1, cite-ev-3-1, cite-public-1, …)" in message


def test_parity_needs_both_formats(public: Book) -> None:
    audit.check_parity(public, {"pdf": b"unread"})
    audit.check_parity(public, {"epub": b"unread"})


def test_a_lost_footnote_is_reported_at_its_definition(public: Book) -> None:
    with pytest.raises(OutputError) as caught:
        audit.check_notes(public, pdf(ids=("public",)))
    assert str(caught.value).startswith(
        "sections/01-public.md:16: error: the public PDF lost footnote 1 ('[^pub]')"
    )
    audit.check_notes(public, pdf(ids=("fn-1",)))


def test_the_page_budget(public: Book) -> None:
    limited = dataclasses.replace(public, edition=dataclasses.replace(public.edition, max_pages=2))
    audit.check_pages(limited, 2)
    with pytest.raises(OutputError, match="has 3 pages; the edition allows 2"):
        audit.check_pages(limited, 3)
    audit.check_pages(public, 500)  # no limit set


def test_a_leak_in_a_file_name_of_the_epub_is_caught(public: Book) -> None:
    data = epub("<p>ok</p>", extra={"EPUB/handling-notes.xhtml": XHTML.format("").encode()})
    with pytest.raises(OutputError, match="Handling notes"):
        audit.check_leaks(public, {"epub": data})
