"""Editions for the three uses: briefing, reader, print, archive; stamps; reproducibility."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import editions_project
from inspect_outputs import Epub, drawing_operators, named_pages, page_texts, text_positions

MM = 72 / 25.4


def test_file_names_carry_edition_and_stamp(editions: dict[str, Path]) -> None:
    names = sorted(p.name for k, p in editions.items() if k != "root")
    assert [re.sub(r"[0-9a-f]{10}", "STAMP", n) for n in names] == [
        "sample-archive-STAMP.pdf",
        "sample-briefing-STAMP.pdf",
        "sample-print-STAMP.pdf",
        "sample-reader-STAMP.epub",
        "sample-reader-STAMP.pdf",
    ]
    stamps = {n.split("-")[2].split(".")[0] for n in names}
    assert len(stamps) == 4  # each edition has its own stamp


def stamp_of(path: Path) -> str:
    return path.name.rsplit("-", 1)[1].split(".")[0]


def test_the_stamp_is_in_xmp_epub_verso_and_print_footers(editions: dict[str, Path]) -> None:
    for key in ("reader.pdf", "print.pdf", "archive.pdf", "briefing.pdf"):
        with pikepdf.open(editions[key]) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode()
        assert f"<xmpMM:VersionID>{stamp_of(editions[key])}</xmpMM:VersionID>" in xmp, key
    assert Epub(editions["reader.epub"]).meta("schema:version") == [
        stamp_of(editions["reader.epub"])
    ]
    reader = page_texts(editions["reader.pdf"])
    assert any(
        f"reader · 1 March 2024 · {stamp_of(editions['reader.pdf'])}" in t for t in reader[:4]
    )
    for key in ("print.pdf", "archive.pdf"):
        texts = page_texts(editions[key])
        stamp = f"Edition {key.split('.')[0]} · 1 March 2024 · {stamp_of(editions[key])}"
        numbered = [t for t in texts if re.search(r"page \d+ of \d+", t)]
        assert numbered and all(stamp in t for t in numbered), key


def test_briefing_is_short_and_tagged(editions: dict[str, Path]) -> None:
    path = editions["briefing.pdf"]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) <= 2
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
    text = " ".join(page_texts(path))
    assert "Summary" in text and "Chronology" in text and "Sources" in text
    assert "The story" not in text and "Contents" not in text


def test_the_page_budget_of_an_edition_is_enforced(tmp_path: Path) -> None:
    from dossier import DossierError, build

    root = editions_project(tmp_path / "p")
    manifest = root / "dossier.toml"
    manifest.write_text(
        manifest.read_text().replace("[editions.reader]\n", "[editions.reader]\nmax_pages = 3\n")
    )
    with pytest.raises(
        DossierError,
        match=r"the reader PDF has 11 pages; the edition allows 3 "
        r"\(max_pages in \[editions.reader\]\)",
    ):
        build(root, editions=["reader"])
    assert not [p for p in (root / "build").glob("*") if p.is_file()]


def test_one_refused_edition_leaves_every_earlier_output_in_place(tmp_path: Path) -> None:
    from dossier import DossierError, build

    root = editions_project(tmp_path / "p")
    build(root, editions=["briefing", "reader"], formats=["pdf"])
    before = {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()}
    summary = root / "sections" / "01-summary.md"
    summary.write_text(summary.read_text() + "\nA new closing line.\n")  # new stamps for both
    manifest = root / "dossier.toml"
    manifest.write_text(
        manifest.read_text().replace("[editions.reader]\n", "[editions.reader]\nmax_pages = 3\n")
    )
    with pytest.raises(DossierError, match="the reader PDF has"):
        build(root, editions=["briefing", "reader"], formats=["pdf"])
    after = {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()}
    assert after == before  # the briefing passed its checks but was not written either


def test_reader_is_fully_offline(editions: dict[str, Path]) -> None:
    book = Epub(editions["reader.epub"])
    for item in book.manifest().values():
        assert not item["href"].startswith(("http:", "https:"))
        assert "remote-resources" not in item.get("properties", "")
    with zipfile.ZipFile(editions["reader.epub"]) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            assert not re.search(r'(src|xlink:href)="https?:', text), name
            assert not re.search(r"url\(\s*['\"]?https?:", text), name
            assert not re.search(r'<link[^>]+href="https?:', text), name


def test_print_edition_geometry(editions: dict[str, Path]) -> None:
    path = editions["print.pdf"]
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        media = [float(v) for v in page.MediaBox]
        assert trim == pytest.approx([0, 0, 595.28, 841.89], abs=0.1)
        assert media == pytest.approx([-3 * MM, -3 * MM, 595.28 + 3 * MM, 841.89 + 3 * MM], abs=0.1)
        assert [float(v) for v in page.BleedBox] == pytest.approx(media, abs=0.1)
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.N == 4
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "PDF/X-4" in xmp and "xmp.did:" not in xmp  # no random uuid4 ids
    starts = named_pages(path)
    for chapter in (
        "summary",
        "story",
        "chronology",
        "context",
        "sources",
        "title-page",
        "contents",
    ):
        assert starts[chapter] % 2 == 1, f"{chapter} starts on page {starts[chapter]}, a verso"
    texts = page_texts(path)
    blanks = [n for n, t in enumerate(texts, 1) if not t]
    assert blanks, "chapters on rectos should have produced blank versos"
    drawing = {"Tj", "TJ", "'", '"', "Do", "sh", "BI"}  # text, images, shadings
    with pikepdf.open(path) as pdf:
        for n in blanks:
            ops = drawing_operators(pdf.pages[n - 1])
            assert not ops & drawing, f"page {n} is not blank: {sorted(ops & drawing)}"


def _body_left_edge(path: Path, page: int) -> float:
    runs = [x for x, y, _ in text_positions(path, page) if 150 < y < 700]
    return min(runs)


def test_print_margins_are_mirrored_with_recto_and_verso_heads(editions: dict[str, Path]) -> None:
    path = editions["print.pdf"]
    starts = named_pages(path)
    recto = starts["story"]
    texts = page_texts(path)
    versos = [
        n
        for n in range(starts["summary"], len(texts) + 1)
        if n % 2 == 0 and len(texts[n - 1]) > 200
    ]
    assert versos, "no verso page with text"
    verso = versos[0]
    assert _body_left_edge(path, verso) - _body_left_edge(path, recto) == pytest.approx(
        10 * MM, abs=1
    )
    assert texts[recto - 1].startswith("THE STORY")  # recto head: the chapter
    assert texts[verso - 1].startswith("A SAMPLE DOSSIER")  # verso head: the dossier


def test_archive_is_pdfa3_with_its_sources_attached(editions: dict[str, Path]) -> None:
    path = editions["archive.pdf"]
    root = editions["root"]
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "A")
        assert meta.get("pdfuaid:part") == "1"
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        names = pdf.Root.Names.EmbeddedFiles.Names
        files = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert len(pdf.Root.AF) == len(files)
        for image in (
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ):
            assert image.get("/Interpolate") is not True
        manifest = json.loads(files["manifest.json"].EF.F.read_bytes())
        attached = {n: f.EF.F.read_bytes() for n, f in files.items() if n != "manifest.json"}
        assert str(files["manifest.json"].AFRelationship) == "/Data"
        assert all(
            str(f.AFRelationship) == "/Source" for n, f in files.items() if n != "manifest.json"
        )
    expected = {
        "dossier.toml",
        "sections/01-summary.md",
        "sections/02-story.md",
        "sections/03-context.md",
        "sections/chronology.yaml",
        "sections/sources.yaml",
        "sections/colophon.md",
        "sections/images/chart.png",
        "styles/fonts.css",
        "styles/print/coated-fogra39.icc",
        *(f"styles/fonts/{f.name}" for f in (root / "styles" / "fonts").glob("*.ttf")),
    }
    assert set(attached) == expected
    for name, data in attached.items():
        assert data == (root / name).read_bytes()
        assert manifest["files"][name] == hashlib.sha256(data).hexdigest()
    assert set(manifest["tools"]) == {"dossier", "weasyprint", "ebooklib", "pango"}
    assert manifest["tools"]["weasyprint"] == "70.0"
    project_fonts = [f for f in manifest["fonts"] if not f["file"].startswith("dossier:")]
    assert {f["family"] for f in project_fonts} == {"PT Serif", "PT Sans"}
    theme = {f["file"] for f in manifest["fonts"]} - {f["file"] for f in project_fonts}
    assert "dossier:theme/fonts/NotoSerifGeorgian-Regular.ttf" in theme
    assert manifest["stamp"] == stamp_of(path) and manifest["edition"] == "archive"


def build_in_subprocess(root: Path, epoch: str) -> dict[str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    subprocess.run([sys.executable, "-m", "dossier", "build", str(root), "-q"], env=env, check=True)
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "build").glob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_same_inputs_give_the_same_bytes_from_other_paths_and_processes(tmp_path: Path) -> None:
    first = build_in_subprocess(editions_project(tmp_path / "checkout-one"), "1700000000")
    second = build_in_subprocess(editions_project(tmp_path / "elsewhere" / "two"), "1700000000")
    assert len(first) == 5 and first == second
    third = build_in_subprocess(editions_project(tmp_path / "three"), "1700086400")
    assert set(third.values()).isdisjoint(first.values())  # another edition date, other bytes
