"""The EPUB of the minimal sample project: package, metadata, navigation, notes, validity."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from inspect_outputs import NS, Epub, epubcheck


@pytest.fixture(scope="module")
def book(built: dict[str, Path]) -> Epub:
    return Epub(built["epub"])


def test_mimetype_is_first_and_stored(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["epub"]) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"


def test_epubcheck_reports_no_errors_and_no_warnings(built: dict[str, Path]) -> None:
    report = epubcheck(built["epub"])
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), report[
        "messages"
    ]
    assert report["exit_code"] == 0


def test_package_metadata(book: Epub) -> None:
    assert book.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert book.meta("dc:identifier")[0] == "urn:uuid:6f1c3d2a-0c8e-4b8e-9a51-3b1f2a9d7e10"
    assert book.meta("dc:title") == ["A sample dossier", "Small, complete, and checkable"]
    assert book.meta("dc:language") == ["en-GB"]
    assert book.meta("dc:creator") == ["Sample Newsroom"]
    assert book.meta("dc:contributor") == ["Test Editors"]
    assert book.meta("dc:publisher") == ["Test Publisher"]
    assert book.meta("dc:date") == ["2024-03-01"]
    assert book.meta("dc:description") == ["A small dossier used by the test suite."]
    assert book.meta("dc:subject") == ["testing", "dossier"]
    assert book.meta("dcterms:modified") == ["2024-03-01T00:00:00Z"]


def test_accessibility_metadata(book: Epub) -> None:
    assert set(book.meta("schema:accessMode")) == {"textual", "visual"}
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(
        book.meta("schema:accessibilityFeature")
    )
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0]


def test_spine_is_cover_title_contents_then_chapters(book: Epub) -> None:
    assert book.spine() == [
        "text/cover.xhtml",
        "text/title.xhtml",
        "nav.xhtml",
        "text/summary.xhtml",
        "text/story.xhtml",
        "text/chronology.xhtml",
        "text/context.xhtml",
        "text/sources.xhtml",
    ]


def test_nav_mirrors_the_chapters_and_their_sections(book: Epub) -> None:
    nav = book.nav()
    toc = nav.find(".//xhtml:nav[@epub:type='toc']", NS)
    top = [a.text for a in toc.findall("./xhtml:ol/xhtml:li/xhtml:a", NS)]
    top += [s.text for s in toc.findall("./xhtml:ol/xhtml:li/xhtml:span", NS)]
    assert sorted(top) == sorted(["Summary", "The story", "Chronology", "Context", "Sources"])
    nested = [a.text for a in toc.findall("./xhtml:ol/xhtml:li/xhtml:ol//xhtml:a", NS)]
    assert nested == ["The meeting", "Earlier history", "Recent years"]
    ncx = book.read("toc.ncx").decode()
    for title in ("Summary", "The story", "The meeting", "Sources"):
        assert f"<text>{title}</text>" in ncx


def test_landmarks_point_to_cover_contents_and_body(book: Epub) -> None:
    landmarks = book.nav().find(".//xhtml:nav[@epub:type='landmarks']", NS)
    found = {
        a.get(f"{{{NS['epub']}}}type"): a.get("href") for a in landmarks.findall(".//xhtml:a", NS)
    }
    assert found == {
        "cover": "text/cover.xhtml",
        "toc": "nav.xhtml",
        "bodymatter": "text/summary.xhtml",
    }


def test_cover_image_is_generated_and_declared(book: Epub) -> None:
    items = book.manifest()
    cover = next(i for i in items.values() if "cover-image" in i.get("properties", ""))
    assert cover["media-type"] == "image/png"
    data = book.read(cover["href"])
    assert data.startswith(b"\x89PNG")
    page = book.xhtml("text/cover.xhtml")
    img = page.find(".//xhtml:img", NS)
    assert img.get("alt").startswith("Cover: A sample dossier")


def test_fonts_and_stylesheets_are_inside_the_book(book: Epub) -> None:
    items = book.manifest().values()
    fonts = sorted(i["href"] for i in items if i["media-type"] == "font/ttf")
    assert len(fonts) == 8 and all(f.startswith("project/styles/fonts/") for f in fonts)
    css = book.read("project/styles/fonts.css").decode()
    assert "url(fonts/PTF55F.ttf)" in css
    theme = book.read("styles/dossier.css").decode()
    assert "@page" not in theme


def test_footnotes_are_epub3_notes_with_backlinks(book: Epub) -> None:
    story = book.xhtml("text/story.xhtml")
    refs = story.findall(".//xhtml:a[@epub:type='noteref']", NS)
    asides = story.findall(".//xhtml:aside[@epub:type='footnote']", NS)
    assert [r.text for r in refs] == ["1", "2"]
    assert [a.get("id") for a in asides] == ["fn-1", "fn-2"]
    for ref, aside in zip(refs, asides, strict=True):
        assert ref.get("href") == f"#{aside.get('id')}"
        back = aside.find(".//xhtml:a[@role='doc-backlink']", NS)
        assert back.get("href") == f"#{ref.get('id')}"
    assert "14 March 2023" in "".join(asides[0].itertext())


def test_citations_link_into_the_appendix_document(book: Epub) -> None:
    summary = book.xhtml("text/summary.xhtml")
    links = summary.findall(".//xhtml:a[@class='cite-ref']", NS)
    assert [a.get("href") for a in links][:2] == [
        "sources.xhtml#src-report-2023",
        "sources.xhtml#src-witness",
    ]
    sources = book.xhtml("text/sources.xhtml")
    ids = {li.get("id") for li in sources.iter(f"{{{NS['xhtml']}}}li")}
    assert {"src-report-2023", "src-witness", "src-followup-2023"} <= ids


def test_images_keep_their_alt_text(book: Epub) -> None:
    story = book.xhtml("text/story.xhtml")
    img = story.find(".//xhtml:img", NS)
    assert img.get("alt") == "A small square chart in the accent colour"
    assert book.read(img.get("src").removeprefix("../")).startswith(b"\x89PNG")


def test_tables_have_header_cells_with_scope(book: Epub) -> None:
    story = book.xhtml("text/story.xhtml")
    headers = story.findall(".//xhtml:th", NS)
    assert [h.get("scope") for h in headers] == ["col", "col"]


@pytest.mark.parametrize(
    ("inject", "found"),
    [
        ("<script>alert(1)</script>", "<script> in EPUB/text/"),
        ('<p onclick="alert(1)">x</p>', "an event handler (onclick)"),
        ('<a href="file:///etc/passwd">x</a>', "the link 'file:///etc/passwd'"),
        ('<img src="data:image/png;base64,AAAA" alt="x"/>', "the link 'data:image/png"),
    ],
)
def test_a_template_cannot_make_the_epub_active(project: Path, inject: str, found: str) -> None:
    from dossier import DossierError, build

    template = project / "templates" / "epub" / "section.xhtml"
    template.parent.mkdir(parents=True)
    shipped = REPO / "dossier" / "templates" / "epub" / "section.xhtml"
    template.write_text(shipped.read_text().replace("</header>", f"</header>{inject}"))
    with pytest.raises(DossierError, match="EPUB would contain") as error:
        build(project, formats=["epub"])
    assert found in str(error.value)
    assert not list((project / "build").glob("*.epub"))


def test_the_shipped_epub_is_inert(built: dict[str, Path]) -> None:
    from dossier.outputs.audit import active_content

    assert active_content(built["epub"].read_bytes()) == ""


def test_a_file_used_by_a_stylesheet_and_a_section_is_packed_once(project: Path) -> None:
    from dossier import build

    css = project / "styles" / "fonts.css"
    css.write_text(css.read_text() + "\nh1 { background: url(../sections/images/chart.png); }\n")
    (output,) = build(project, formats=["epub"])
    with zipfile.ZipFile(output.path) as z:
        charts = [n for n in z.namelist() if n.endswith("chart.png")]
    assert charts == ["EPUB/project/sections/images/chart.png"]
    assert epubcheck(output.path)["messages"] == []


def _text_characters(book: Epub) -> set[str]:
    """Every character a reader sees on the book's pages and in its navigation."""
    seen: set[str] = set()
    for item in book.manifest().values():
        if item["media-type"] == "application/xhtml+xml":
            page = book.xhtml(item["href"])
            seen.update("".join(page.itertext()))
            for element in page.iter():
                seen.update(element.get("alt") or "")
    return {c for c in seen if c not in "\n\t\r"}


def test_fonts_are_subset_to_the_book_with_every_character_kept(
    book: Epub, built: dict[str, Path]
) -> None:
    import io

    from fontTools.ttLib import TTFont

    source = built["root"] / "styles" / "fonts"
    needed = {ord(c) for c in _text_characters(book)}
    assert any(c > 0x7E for c in needed)  # the sample has more than ASCII
    for item in book.manifest().values():
        if item["media-type"] != "font/ttf":
            continue
        data = book.read(item["href"])
        original = (source / Path(item["href"]).name).read_bytes()
        assert len(data) < len(original) / 4
        kept = set(TTFont(io.BytesIO(data)).getBestCmap())
        full = set(TTFont(io.BytesIO(original)).getBestCmap())
        assert needed & full <= kept, sorted(chr(c) for c in (needed & full) - kept)
        assert len(kept) < len(full) / 2


def test_the_cover_is_a_palette_png_of_the_full_size(book: Epub) -> None:
    import io

    from PIL import Image

    cover = next(i for i in book.manifest().values() if "cover-image" in i.get("properties", ""))
    image = Image.open(io.BytesIO(book.read(cover["href"])))
    assert image.mode == "P" and image.size == (1600, 2400)
    assert len(image.getcolors() or []) <= 32


def test_the_epub_is_the_same_bytes_with_and_without_the_font_cache(
    built: dict[str, Path], tmp_path: Path
) -> None:
    from dossier.build import build

    cold = build(built["root"], formats=["epub"], output_dir=tmp_path)[0].path.read_bytes()
    cached = list((tmp_path / ".dossier" / "fonts").glob("*.font"))
    assert len(cached) == 9  # eight fonts and the cover
    warm = build(built["root"], formats=["epub"], output_dir=tmp_path, force=True)
    assert warm[0].path.read_bytes() == cold


def test_the_theme_fallback_fonts_are_subset_too(tmp_path: Path) -> None:
    import io

    from fontTools.ttLib import TTFont

    from dossier.build import build
    from dossier.sandbox.fonts import theme_font

    from conftest import copy_project

    root = copy_project("minimal", tmp_path / "minimal")
    section = root / "sections" / "03-context.md"
    section.write_text(section.read_text() + "\nთბილისი და ერევան: Երևան.\n")
    epub = next(o.path for o in build(root, formats=["epub"]) if o.format == "epub")
    book = Epub(epub)
    theme = [i for i in book.manifest().values() if i["href"].startswith("theme/fonts/")]
    assert theme  # Georgian and Armenian are not in the project's PT fonts
    for item in theme:
        data = book.read(item["href"])
        whole = theme_font(Path(item["href"]).name)
        assert len(data) < len(whole) / 2
        kept = set(TTFont(io.BytesIO(data)).getBestCmap())
        covered = set(TTFont(io.BytesIO(whole)).getBestCmap())
        needed = {ord(c) for c in "თბილისიდაԵրևան"}
        assert needed & covered <= kept
