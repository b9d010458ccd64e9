"""Numbered copies of the bundled briefing for its (fictional) recipients: one PDF and one
EPUB per recipient and a ledger; each copy traced back to its recipient after the attacks
someone passing it on would make: metadata stripped, rewritten by qpdf and Ghostscript,
the footer cropped off, one page as a 150-dpi PNG, the EPUB's OPF metadata edited."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from lxml import etree

from dossier import build

from conftest import REPO, run_cli
from inspect_outputs import epubcheck, page_texts

EDITION = "briefing-copies"
EPOCH = "1764000000"
RECIPIENTS = [  # internal/recipients.csv
    ("r01", "Recipient A", "Example Ministry"),
    ("r02", "Recipient B", "Embassy of Exampleland"),
    ("r03", "Recipient C", "Example Donor Foundation"),
    ("r04", "Recipient D", "Example Partner Newsroom"),
    ("r05", "Recipient E", ""),
]
NOTES = [
    "hand over in person at the meeting",
    "sent through the press office",
    "the desk editor only",
    "an individual researcher",
]


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The bundled briefing-copies edition, built once."""
    out = tmp_path_factory.mktemp("copies")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        outputs = build(REPO, editions=[EDITION], output_dir=out)
    (ledger,) = out.glob("*-copies.json")
    return {
        "folder": out,
        "outputs": outputs,
        "pdf": sorted(out.glob("*-copy-*.pdf")),
        "epub": sorted(out.glob("*-copy-*.epub")),
        "ledger": ledger,
    }


def test_one_copy_per_recipient_and_format_and_no_unnumbered_file(copies: dict) -> None:
    folder: Path = copies["folder"]
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    stamp = re.fullmatch(
        r"deserters-kbr-briefing-copies-([0-9a-f]{10})-copies\.json", copies["ledger"].name
    )
    assert stamp
    expected = [
        f"deserters-kbr-briefing-copies-{stamp.group(1)}-copy-{n:03d}.{fmt}"
        for n in range(1, 6)
        for fmt in ("epub", "pdf")
    ]
    assert names == sorted([*expected, copies["ledger"].name])
    assert len(copies["outputs"]) == 10


def test_the_ledger_records_who_received_which_file(copies: dict) -> None:
    record = json.loads(copies["ledger"].read_text())
    assert record["dossier"] == "deserters-kbr"
    assert record["edition"] == EDITION
    assert record["total"] == 5
    assert record["date"] == "2025-11-24T16:00:00Z"  # SOURCE_DATE_EPOCH
    assert re.fullmatch(r"[0-9a-f]{4}", record["mark"])
    entries = record["copies"]
    assert [(e["copy"], e["recipient"], e["format"]) for e in entries] == [
        (n, rid, fmt) for n, (rid, _, _) in enumerate(RECIPIENTS, 1) for fmt in ("epub", "pdf")
    ]
    for entry in entries:
        data = (copies["folder"] / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    text = copies["ledger"].read_text()
    assert all(name not in text for _, name, _ in RECIPIENTS)  # ids only
    assert all(note not in text for note in NOTES)


def test_every_page_says_whose_copy_it_is(copies: dict) -> None:
    for number, path in enumerate(copies["pdf"], 1):
        _, name, organisation = RECIPIENTS[number - 1]
        who = f"{name}, {organisation}" if organisation else name
        texts = [" ".join(t.split()) for t in page_texts(path)]
        assert len(texts) == 4
        line = f"Copy {number} of 5 · for {who} · not for onward distribution"
        assert all(line in t for t in texts), texts[1][-300:]
        assert f"This is copy {number} of 5, made for {who}." in texts[0]
        others = [n for n, _ in enumerate(RECIPIENTS, 1) if n != number]
        assert not any(f"Copy {n} of 5" in t for n in others for t in texts)


def test_the_copy_number_and_recipient_are_in_the_metadata(copies: dict) -> None:
    for number, path in enumerate(copies["pdf"], 1):
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            assert meta["xmpMM:InstanceID"].endswith(f":{number}:{RECIPIENTS[number - 1][0]}")
            assert meta["pdfuaid:part"] == "1"
            assert f"Copy {number} of 5" in meta["dc:rights"]
    for number, path in enumerate(copies["epub"], 1):
        with zipfile.ZipFile(path) as archive:
            opf = etree.fromstring(archive.read("EPUB/content.opf"))
        ns = {"dc": "http://purl.org/dc/elements/1.1/"}
        (copy_id,) = opf.xpath("//dc:identifier[@id='copy-id']/text()", namespaces=ns)
        assert copy_id.endswith(f":{number}:{RECIPIENTS[number - 1][0]}")


def test_no_copy_names_another_recipient_or_any_note(copies: dict) -> None:
    for number, path in enumerate(copies["pdf"], 1):
        text = " ".join(" ".join(page_texts(path)).split())
        with pikepdf.open(path) as pdf:
            text += pdf.Root.Metadata.read_bytes().decode()
        for other, (_, name, _) in enumerate(RECIPIENTS, 1):
            assert (name in text) == (other == number)
        assert not any(note in text for note in NOTES)
    for number, path in enumerate(copies["epub"], 1):
        with zipfile.ZipFile(path) as archive:
            text = " ".join(
                archive.read(n).decode()
                for n in archive.namelist()
                if n.endswith((".xhtml", ".opf", ".ncx"))
            )
        for other, (_, name, _) in enumerate(RECIPIENTS, 1):
            assert (name in text) == (other == number)
        assert not any(note in text for note in NOTES)


def test_the_recipients_file_is_never_attached_or_part_of_other_editions(tmp_path: Path) -> None:
    """Built together with the archive edition: the archive does not attach it, and its
    stamp is the one it has when built alone."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        together = build(
            REPO, editions=["archive", EDITION], formats=["pdf"], output_dir=tmp_path / "a"
        )
        alone = build(REPO, editions=["archive"], output_dir=tmp_path / "b")
    archive = next(o for o in together if o.edition == "archive")
    assert archive.path.name == alone[0].path.name
    with pikepdf.open(archive.path) as pdf:
        attached = set(pdf.attachments)
        manifest = json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())
    assert attached and not any("recipients" in name for name in attached)
    assert "internal/recipients.csv" not in json.dumps(manifest)


# -- tracing, after each attack ------------------------------------------------------------
def strip_metadata(path: Path, out: Path) -> Path:
    with pikepdf.open(path) as pdf:
        del pdf.Root.Metadata
        del pdf.trailer.Info
        pdf.save(out, deterministic_id=True)
    return out


def qpdf(path: Path, out: Path) -> Path:
    subprocess.run(["qpdf", "--object-streams=disable", str(path), str(out)], check=True)
    return out


def ghostscript(path: Path, out: Path) -> Path:
    subprocess.run(
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(path)],
        check=True,
    )
    return out


def crop_footer(path: Path, out: Path) -> Path:
    """A smaller CropBox: the bottom 70 pt (the footer with the copy line) cut off."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            page.obj.CropBox = pikepdf.Array([x0, y0 + 70, x1, y1])
        pdf.save(out)
    document = pypdfium2.PdfDocument(out)
    for number in (1, 2, 3):  # the text a viewer shows (the title page keeps its statement)
        assert "onward distribution" not in document[number].get_textpage().get_text_bounded()
    document.close()
    return out


def png_page(path: Path, out: Path) -> Path:
    """Page 2 alone, rendered at 150 dpi by poppler (not the renderer dossier uses)."""
    prefix = out.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "2",
            "-l",
            "2",
            "-singlefile",
            str(path),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


ATTACKS: dict[str, Callable[[Path, Path], Path]] = {
    "as distributed": lambda path, out: path,
    "metadata stripped": strip_metadata,
    "qpdf rewrite": qpdf,
    "ghostscript rewrite": ghostscript,
    "footer cropped": crop_footer,
    "one page as 150-dpi PNG": png_page,
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_every_pdf_copy_is_traced_after(copies: dict, attack: str, tmp_path: Path) -> None:
    for number, path in enumerate(copies["pdf"], 1):
        attacked = ATTACKS[attack](path, tmp_path / f"{number}.pdf")
        code, out, err = run_cli("trace", str(attacked), "--ledger", str(copies["ledger"]))
        assert code == 0, err
        assert f": copy {number} of 5 (mark " in out
        assert f"recipient: {RECIPIENTS[number - 1][0]} " in out
        assert ("the very file distributed" in out) == (attack == "as distributed")


def edit_opf(path: Path, out: Path) -> Path:
    """The package metadata rewritten: the copy's identifier and rights removed, the
    title and the modification date changed."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                text = data.decode()
                text = re.sub(r"<dc:identifier id=\"copy-id\">[^<]*</dc:identifier>", "", text)
                text = re.sub(r"<dc:rights>[^<]*</dc:rights>", "", text)
                text = text.replace("Deserters and the nameless dead", "Forwarded")
                text = re.sub(r"(dcterms:modified\">)[^<]*", r"\g<1>2030-01-01T00:00:00Z", text)
                assert "copy-id" not in text and "Copy " not in text
                data = text.encode()
            target.writestr(info, data)
    return out


@pytest.mark.parametrize("attack", ["as distributed", "OPF metadata edited"])
def test_every_epub_copy_is_traced_after(copies: dict, attack: str, tmp_path: Path) -> None:
    for number, path in enumerate(copies["epub"], 1):
        attacked = (
            path if attack == "as distributed" else edit_opf(path, tmp_path / f"{number}.epub")
        )
        code, out, err = run_cli("trace", str(attacked), "--ledger", str(copies["ledger"]))
        assert code == 0, err
        assert f": copy {number} of 5 (mark " in out
        assert f"recipient: {RECIPIENTS[number - 1][0]} " in out


def test_a_file_without_a_mark_is_reported_and_exits_1(built: dict[str, Path]) -> None:
    for path in (built["pdf"], built["epub"]):
        code, out, err = run_cli("trace", str(path))
        assert code == 1
        assert out == ""
        assert err.startswith(f"dossier: {path}: no copy mark found")


def test_a_damaged_mark_is_unreadable_not_a_wrong_number(copies: dict, tmp_path: Path) -> None:
    """Three data rows of every block flipped: more damage than a reading accepts."""
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(copies["pdf"][2]) as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            out, top = [], None
            for operands, operator in ops:
                if str(operator) == "g" and abs(float(operands[0]) - 0.88) < 1e-6:
                    top = None
                if str(operator) == "re" and float(operands[2]) < 2:
                    y = float(operands[1])
                    top = y if top is None else max(top, y)
                    row = round((top - y) / 3.6)
                    if row in (3, 6, 10):
                        continue  # the dot goes
                out.append((operands, operator))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        pdf.save(damaged)
    code, out, err = run_cli("trace", str(damaged), "--ledger", str(copies["ledger"]))
    assert code == 1
    assert "unreadable" in err
    assert "copy 3" not in out and "recipient" not in out


def test_a_ledger_of_another_build_is_refused(copies: dict, tmp_path: Path) -> None:
    record = json.loads(copies["ledger"].read_text())
    record["mark"] = f"{(int(record['mark'], 16) + 1) % 65536:04x}"
    other = tmp_path / "other-copies.json"
    other.write_text(json.dumps(record))
    code, _, err = run_cli("trace", str(copies["pdf"][0]), "--ledger", str(other))
    assert code == 1
    assert "another build" in err


# -- the copies stay clean -----------------------------------------------------------------
def test_the_mark_is_an_artifact_and_adds_no_text(copies: dict) -> None:
    first, second = copies["pdf"][:2]
    with pikepdf.open(first) as pdf:
        for page in pdf.pages:
            depth, artifact, dots = [], False, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BMC", "BDC"):
                    depth.append(str(operands[0]))
                elif name == "EMC":
                    depth.pop()
                elif name == "re" and float(operands[2]) < 2:
                    dots += 1
                    artifact = artifact or "/Artifact" in depth
                    assert "/Artifact" in depth
            assert dots > 100 and artifact
    one, two = (" ".join(" ".join(page_texts(p)).split()) for p in (first, second))
    strip = re.compile(r"(This is copy|Copy) \d of 5[^·.]*(·[^·]*· not for onward distribution|\.)")
    assert strip.sub("", one) == strip.sub("", two)


def test_a_copy_passes_the_pdf_ua_checks(copies: dict) -> None:
    from test_accessible_pdf import check_structure, outloud

    path = copies["pdf"][0]
    assert outloud(path) == []
    check_structure(path)
    with pikepdf.open(path) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        first = document.K[0]
        assert first.S == "/P" and int(first.K) >= 0  # the statement, read first


def test_an_epub_copy_passes_epubcheck_and_reads_like_the_others(copies: dict) -> None:
    report = epubcheck(copies["epub"][0])
    assert report["messages"] == [], report["messages"][:3]

    def words(path: Path) -> dict[str, str]:
        found = {}
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".xhtml"):
                    root = etree.fromstring(archive.read(name))
                    for notice in root.xpath("//*[contains(@class, 'copy-notice')]"):
                        notice.getparent().remove(notice)
                    found[name] = " ".join("".join(root.itertext()).split())
        return found

    first, second = (words(p) for p in copies["epub"][:2])
    assert first == second
    with zipfile.ZipFile(copies["epub"][0]) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml") and "nav" not in name:
                assert b'class="copy-notice' in archive.read(name), name


def test_copies_are_reproducible(copies: dict, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        again = build(REPO, editions=[EDITION], output_dir=tmp_path, force=True)
    for output in again:
        assert output.path.read_bytes() == (copies["folder"] / output.path.name).read_bytes()
    (ledger,) = tmp_path.glob("*-copies.json")
    assert ledger.read_bytes() == copies["ledger"].read_bytes()


def test_qpdf_finds_the_copies_sound(copies: dict) -> None:
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is installed by scripts/setup")
    for path in copies["pdf"]:
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_stamped_bytes_are_a_valid_zip_for_every_epub(copies: dict) -> None:
    for path in copies["epub"]:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            assert archive.namelist()[0] == "mimetype"
            assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
            assert archive.testzip() is None


# -- copies of PDF/X and PDF/A editions -------------------------------------------------------
def test_copies_of_print_and_archive_editions_keep_their_standard(tmp_path: Path) -> None:
    """A PDF/X-4 edition with bleed and mirrored margins and a PDF/A-3a archive: each copy
    keeps the standard its edition declares, passes the PDF/UA checks and is traced."""
    from test_accessible_pdf import declared, outloud

    from conftest import editions_project

    root = editions_project(tmp_path / "project")
    (root / "internal").mkdir()
    (root / "internal" / "people.csv").write_text(
        "id,name,organisation\nx1,Recipient X,Example Office\ny2,Recipient Y,Example Office\n"
    )
    manifest = root / "dossier.toml"
    text = manifest.read_text()
    for edition in ("print", "archive"):
        text = text.replace(
            f"[editions.{edition}]\n",
            f'[editions.{edition}]\nrecipients = "internal/people.csv"\n',
        )
    manifest.write_text(text)
    outputs = build(root, editions=["print", "archive"], output_dir=tmp_path / "out")
    assert len(outputs) == 4
    for output in outputs:
        with pikepdf.open(output.path) as pdf:
            standard = declared(pdf)
            attached = set(pdf.attachments)
        if output.edition == "print":
            assert standard.get("pdfxid:GTS_PDFXVersion", "").startswith("PDF/X-4")
        else:
            assert (standard["pdfaid:part"], standard["pdfaid:conformance"]) == ("3", "A")
            assert attached and not any("people" in name for name in attached)
        assert standard["pdfuaid:part"] == "1"
        assert outloud(output.path) == []
        number = int(output.path.stem.rsplit("-", 1)[1])
        ledger = next((tmp_path / "out").glob(f"*-{output.edition}-*-copies.json"))
        code, out, err = run_cli(
            "trace", str(ghostscript(output.path, tmp_path / "gs.pdf")), "--ledger", str(ledger)
        )
        assert code == 0, err
        assert f"copy {number} of 2" in out and ("x1" if number == 1 else "y2") in out
