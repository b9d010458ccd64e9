"""Internal material: never in a public edition, clearly marked in an internal one, and a
public build that would leak is refused."""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from dossier import DossierError, build

from conftest import copy_project
from inspect_outputs import Epub, epubcheck, outline, page_texts

#: One distinctive phrase for each way of marking material internal.
SECRETS = {
    "internal section": "met us in Vienna on a rainy Tuesday",
    "internal section title": "Source meeting log",
    "internal block": "convoy left at dawn from the eastern depot",
    "internal heading": "Handling notes",
    "internal span": "whose first name is Zaurbek",
    "internal footnote": "Identified by a relative in a private message",
    "internal chronology row": "bakery on Station Road",
    "internal chronology field": "Location withheld by agreement",
    "internal chronology label": "the day after the Kestrel Lane call",
    "internal chronology place": "Meeting room in the Kestrel Lane annex",
    "internal source": "Handler's notebook",
    "internal source field": "private-drop-folder",
    "internal notes of a source": "drop folder maintained by Farida",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = copy_project("confidential", tmp_path_factory.mktemp("conf") / "conf")
    return {f"{o.edition}.{o.format}": o.path for o in build(root)} | {"root": root}


def everything_in(path: Path) -> str:
    """Every string a reader or a tool can pull out of the file, found independently of
    dossier's own audit: poppler's text, pikepdf's metadata, outline, links and attachments,
    or every member of the EPUB."""
    if path.suffix == ".html":
        return re.sub(r"\s+", " ", html.unescape(path.read_text()))
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist()] + z.namelist()
        return "\n".join(parts).replace("&#8217;", "’").replace("&apos;", "'")
    parts = [subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout]
    parts += [t for _, t, _ in outline(path)]
    with pikepdf.open(path) as pdf:
        parts += [str(v) for v in pdf.docinfo.values()]
        parts.append(pdf.Root.Metadata.read_bytes().decode() if "/Metadata" in pdf.Root else "")
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if "/A" in annot and "/URI" in annot.A:
                    parts.append(str(annot.A.URI))
    return re.sub(r"\s+", " ", "\n".join(parts))


@pytest.mark.parametrize("fmt", ["pdf", "epub", "html"])
@pytest.mark.parametrize("kind", list(SECRETS))
def test_public_edition_contains_no_internal_material(built: dict, fmt: str, kind: str) -> None:
    text = everything_in(built[f"public.{fmt}"])
    assert SECRETS[kind].lower() not in text.lower().replace("’", "'")
    assert "The committee met in March" in text  # the public text is there


@pytest.mark.parametrize("kind", [k for k in SECRETS if k != "internal source"])
def test_internal_edition_contains_every_internal_item(built: dict, kind: str) -> None:
    for fmt in ("pdf", "epub", "html"):
        text = everything_in(built[f"internal.{fmt}"]).replace("’", "'")
        assert SECRETS[kind].lower() in text.lower(), (fmt, kind)


def test_internal_edition_is_marked_on_every_page_and_in_metadata(built: dict) -> None:
    pdf = built["internal.pdf"]
    texts = page_texts(pdf)
    assert all("INTERNAL — not for distribution" in t for t in texts), "a page is unmarked"
    with pikepdf.open(pdf) as doc:
        assert str(doc.docinfo["/Subject"]).startswith("INTERNAL — not for distribution")
        xmp = doc.Root.Metadata.read_bytes().decode()
        assert "<xmpRights:Marked>True</xmpRights:Marked>" in xmp
        assert "INTERNAL — not for distribution</rdf:li>" in xmp
    with zipfile.ZipFile(built["internal.epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:rights>INTERNAL — not for distribution</dc:rights>" in opf
    assert 'property="dcterms:accessRights">INTERNAL — not for distribution<' in opf
    book = Epub(built["internal.epub"])
    for href in [*book.spine(), book.nav_href()]:  # every document, the cover and nav too
        assert "INTERNAL — not for distribution" in book.read(href).decode(), href
    assert epubcheck(built["internal.epub"])["messages"] == []


def test_links_to_internal_material_lose_their_target_in_a_public_edition(built: dict) -> None:
    pub = Epub(built["public.epub"])
    chapter = next(h for h in pub.spine() if b">meeting log<" in pub.read(h))
    links = {a.text: a.get("href") for a in pub.xhtml(chapter).iter("{*}a") if a.text}
    assert links["meeting log"] is None and links["desk notes"] is None
    assert epubcheck(built["public.epub"])["messages"] == []
    with pikepdf.open(built["public.pdf"]) as pdf:
        names = repr(pdf.Root.Names.Dests) if "/Names" in pdf.Root else ""
    assert "handling-notes" not in names and "/internal" not in names
    internal = Epub(built["internal.epub"])
    chapter = next(h for h in internal.spine() if b">meeting log<" in internal.read(h))
    links = {a.text: a.get("href") for a in internal.xhtml(chapter).iter("{*}a") if a.text}
    assert links["desk notes"] == "#handling-notes"
    assert links["meeting log"] == "internal.xhtml#internal"


def test_an_internal_label_gives_way_to_the_date_itself(built: dict) -> None:
    text = everything_in(built["public.pdf"])
    assert "15 March 2023" in text and "Kestrel" not in text


def test_public_edition_is_not_marked_internal(built: dict) -> None:
    # the running head shows the dossier's title in capitals ("A DOSSIER WITH INTERNAL
    # MATERIAL"): that is its title, not a mark
    head = "A DOSSIER WITH INTERNAL MATERIAL"
    texts = [t.replace(head, "") for t in page_texts(built["public.pdf"])]
    assert not any("INTERNAL" in t for t in texts)
    assert any(head in t for t in page_texts(built["public.pdf"]))


def test_a_leaking_template_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = copy_project("confidential", tmp_path / "conf")
    build(root, editions=["public"])
    before = {p.name: p.read_bytes() for p in (root / "build").glob("*") if p.is_file()}
    (root / "templates" / "shared").mkdir(parents=True)
    (root / "templates" / "shared" / "edition-facts.html").write_text(
        "<p>{{ book.internal_texts|join(' ') }}</p>\n"
    )  # a careless or hostile override
    with pytest.raises(DossierError) as caught:
        build(root, editions=["public"])
    message = str(caught.value)
    assert "the public public PDF would contain internal text" in message
    assert "nothing was written" in message
    after = {p.name: p.read_bytes() for p in (root / "build").glob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize(("facts", "leaks"), [("Thanks to Ali.", True), ("Alina's alibi.", False)])
def test_a_short_internal_name_is_searched_as_a_whole_word(
    tmp_path: Path, facts: str, leaks: bool
) -> None:
    root = copy_project("confidential", tmp_path / "conf")
    section = root / "sections" / "01-public.md"
    section.write_text(section.read_text() + "\nThe fixer, [Ali]{.internal}, drove us.\n")
    (root / "templates" / "shared").mkdir(parents=True)
    (root / "templates" / "shared" / "edition-facts.html").write_text(f"<p>{facts}</p>\n")
    if leaks:
        with pytest.raises(DossierError, match="would contain internal text"):
            build(root, editions=["public"])
    else:
        outputs = build(root, editions=["public"])
        assert "Alina" in everything_in(outputs[0].path)


def test_a_public_edition_cannot_credit_an_internal_source(tmp_path: Path) -> None:
    root = copy_project("confidential", tmp_path / "conf")
    manifest = root / "dossier.toml"
    manifest.write_text(
        manifest.read_text().replace('sources = "', 'based_on = "handler-notes"\nsources = "')
    )
    with pytest.raises(DossierError) as caught:
        build(root, editions=["public"])
    assert str(caught.value) == (
        "dossier.toml:9:1: error: public edition 'public' would credit internal source "
        "'handler-notes' on its cover: make the source public, or drop based_on"
    )
    manifest.write_text(manifest.read_text().replace('"public"\n', '"internal"\n'))
    outputs = build(root, editions=["public"])  # now an internal edition: it may credit it
    for output in outputs:
        text = everything_in(output.path).lower().replace("’", "'")
        assert SECRETS["internal source"].lower() in text


def test_public_text_citing_an_internal_source_is_an_error(tmp_path: Path) -> None:
    root = copy_project("confidential", tmp_path / "conf")
    section = root / "sections" / "01-public.md"
    section.write_text(
        section.read_text().replace(
            "announced the next day.", "announced the next day [@handler-notes]."
        )
    )
    with pytest.raises(DossierError) as caught:
        build(root, editions=["public"])
    assert str(caught.value) == (
        "sections/01-public.md:1: error: public edition 'public' cites internal source "
        "'handler-notes': mark the citing passage internal, or the source public"
    )


def test_a_public_archive_of_a_project_with_internal_material_is_refused(tmp_path: Path) -> None:
    root = copy_project("confidential", tmp_path / "conf")
    manifest = root / "dossier.toml"
    manifest.write_text(
        manifest.read_text() + '\n[editions.archive]\nformats = ["pdf"]\n'
        'pdf_standard = "pdf/a-3u"\nattach_sources = true\n'
    )
    with pytest.raises(DossierError, match="edition 'archive' is public but would attach"):
        build(root, editions=["archive"])


def test_the_pdf_audit_reads_alt_text_and_anchor_names() -> None:
    from weasyprint import HTML

    from dossier.outputs.audit import pdf_corpus

    square = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9"/></svg>'
    html = (
        '<html lang="en"><title>t</title><p id="kestrel-lane">x</p><a href="#kestrel-lane">l</a>'
        f"<img alt=\"The courier's car\" src='data:image/svg+xml,{square}'></html>"
    )
    corpus = pdf_corpus(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    assert "The courier's car" in corpus and "kestrel-lane" in corpus


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_both_editions_pass_the_accessibility_checkers(built: dict, edition: str) -> None:
    from ace import assert_ace_clean
    from test_accessible_pdf import check_structure, outloud

    pdf = built[f"{edition}.pdf"]
    assert outloud(pdf) == []
    check_structure(pdf)
    assert epubcheck(built[f"{edition}.epub"])["messages"] == []
    assert_ace_clean(built[f"{edition}.epub"])
