"""`dossier verify`: an archived PDF checks out; an altered or damaged one does not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from dossier.cli import main


def verify(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["verify", *args, str(path)])
    return result.exit_code, result.stdout, result.stderr


def with_attachment_changed(
    archive: Path, copy: Path, name: str, change: Callable[[bytes], bytes]
) -> Path:
    """A copy of the archive whose attachment `name` has been rewritten by `change`."""
    with pikepdf.open(archive) as pdf:
        names = pdf.Root.Names.EmbeddedFiles.Names
        for i in range(0, len(names), 2):
            if str(names[i]) == name:
                stream = names[i + 1].EF.F
                stream.write(change(stream.read_bytes()))
        pdf.save(copy)
    return copy


def test_an_intact_archive_verifies_and_rebuilds_to_the_same_bytes(editions: dict) -> None:
    code, out, _ = verify(editions["archive.pdf"], "--rebuild")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[1] == "  18 of 18 source files match manifest.json"
    assert lines[2] == "  OK: a rebuild from the attached sources gives the same bytes"
    assert lines[-1] == "verified"


def test_an_altered_attachment_is_reported(editions: dict, tmp_path: Path) -> None:
    copy = with_attachment_changed(
        editions["archive.pdf"],
        tmp_path / "altered.pdf",
        "sections/02-story.md",
        lambda data: data.replace(b"cold morning", b"warm morning"),
    )
    code, out, err = verify(copy, "--rebuild")
    assert code == 1 and err == ""
    assert "  ALTERED: sections/02-story.md" in out.splitlines()
    assert "  not rebuilt: the attached sources do not match their manifest" in out
    assert out.splitlines()[-1] == "NOT verified: the file was altered or is incomplete"


def test_altered_pages_are_caught_by_the_rebuild(editions: dict, tmp_path: Path) -> None:
    copy = tmp_path / "pages.pdf"
    with pikepdf.open(editions["archive.pdf"]) as pdf:
        pdf.docinfo["/Title"] = "A different title"
        pdf.save(copy, static_id=True)
    code, out, _ = verify(copy)
    assert code == 0  # the attachments alone are intact…
    code, out, _ = verify(copy, "--rebuild")
    assert code == 1  # …but the document is not what its sources make
    assert (
        "  DIFFERENT: a rebuild from the attached sources gives different bytes with the "
        "same tools: the PDF was altered after it was made"
    ) in out


def test_a_truncated_file_is_reported_without_a_traceback(editions: dict, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    data = editions["archive.pdf"].read_bytes()
    damaged.write_bytes(data[: len(data) // 3])
    code, out, err = verify(damaged)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith(f"dossier: error: '{damaged}' is not a readable PDF (")
    assert err.rstrip().endswith("the file is damaged or not a PDF")


def test_a_pdf_without_a_manifest_is_not_an_archive(editions: dict) -> None:
    code, _, err = verify(editions["reader.pdf"])
    assert code == 1
    assert err == (
        f"dossier: error: '{editions['reader.pdf']}' has no manifest.json attached: "
        "it is not an archive edition made by dossier\n"
    )


def test_a_missing_attachment_is_reported(editions: dict, tmp_path: Path) -> None:
    copy = tmp_path / "missing.pdf"
    with pikepdf.open(editions["archive.pdf"]) as pdf:
        names = pdf.Root.Names.EmbeddedFiles.Names
        kept = pikepdf.Array()
        for i in range(0, len(names), 2):
            if str(names[i]) != "styles/fonts.css":
                kept.append(names[i])
                kept.append(names[i + 1])
        pdf.Root.Names.EmbeddedFiles.Names = kept
        pdf.save(copy)
    code, out, _ = verify(copy)
    assert code == 1 and "  MISSING: styles/fonts.css" in out


@pytest.mark.parametrize("key", ["edition", "source_date_epoch", "tools"])
def test_a_manifest_without_what_a_rebuild_needs_is_reported(
    editions: dict, tmp_path: Path, key: str
) -> None:
    def without_key(data: bytes) -> bytes:
        manifest = json.loads(data)
        del manifest[key]
        return json.dumps(manifest).encode()

    copy = with_attachment_changed(
        editions["archive.pdf"], tmp_path / "manifest.pdf", "manifest.json", without_key
    )
    assert verify(copy)[0] == 0  # the attachments still match the listed hashes
    code, _, err = verify(copy, "--rebuild")
    assert code == 1 and "Traceback" not in err
    assert err == (
        f"dossier: error: the attached manifest.json does not record '{key}': the file cannot "
        "be rebuilt (its attachments can still be checked without --rebuild)\n"
    )


@pytest.fixture
def not_a_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "notes.pdf"
    path.write_text("these are not the bytes of a PDF")
    return path


def test_not_a_pdf_at_all(not_a_pdf: Path) -> None:
    code, _, err = verify(not_a_pdf)
    assert code == 1 and "is not a readable PDF" in err and "Traceback" not in err
