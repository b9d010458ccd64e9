"""Every PDF edition is tagged and passes `outloud` (PDF/UA-1 and WCAG checks) with no
error: table headers with /Scope, margin boxes as artifacts, links with /Contents and the
Print flag, /Tabs /S on every page, the title displayed, the language set; and each edition
declares the standards it claims in its XMP."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pikepdf
import pytest

OUTLOUD = shutil.which("outloud") or str(Path(sys.executable).with_name("outloud"))


def outloud(path: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [OUTLOUD, "--json", "-", "--fail-on", "never", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    (report,) = json.loads(result.stdout)["results"]
    assert report["stats"]["tagged"]
    return [f for f in report["findings"] if f["severity"] == "error"]


def declared(pdf: pikepdf.Pdf) -> dict[str, str]:
    xmp = pdf.Root.Metadata.read_bytes().decode()
    found = {}
    for name in ("pdfuaid:part", "pdfaid:part", "pdfaid:conformance", "pdfxid:GTS_PDFXVersion"):
        match = re.search(rf'{name}(?:="|>)([^"<]+)', xmp)
        if match:
            found[name] = match.group(1)
    return found


def check_structure(path: Path) -> None:
    pdf = pikepdf.open(path)
    assert pdf.Root.MarkInfo.Marked
    assert pdf.Root.ViewerPreferences.DisplayDocTitle
    assert str(pdf.Root.Lang)
    links = 0
    for page in pdf.pages:
        assert page.obj.Tabs == "/S"
        for annotation in page.obj.get("/Annots", []):
            if annotation.Subtype == "/Link":
                links += 1
                assert str(annotation.Contents).strip()
                assert int(annotation.F) & 4  # Print
                assert "/StructParent" in annotation
    assert links
    header_cells = [
        o
        for o in pdf.objects
        if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/TH" and "/P" in o
    ]
    for cell in header_cells:
        assert cell.A.Scope in ("/Column", "/Row")
    assert declared(pdf).get("pdfuaid:part") == "1"


EXPECTED = {
    "briefing.pdf": {},
    "reader.pdf": {},
    "print.pdf": {"pdfxid:GTS_PDFXVersion": "PDF/X-4"},
    "archive.pdf": {"pdfaid:part": "3", "pdfaid:conformance": "A"},
}


def test_the_minimal_pdf_is_accessible(built: dict[str, Path]) -> None:
    assert outloud(built["pdf"]) == []
    check_structure(built["pdf"])


@pytest.mark.parametrize("edition", sorted(EXPECTED))
def test_every_edition_is_accessible(editions: dict[str, Path], edition: str) -> None:
    assert outloud(editions[edition]) == []
    check_structure(editions[edition])
    claims = declared(pikepdf.open(editions[edition]))
    assert EXPECTED[edition].items() <= claims.items()


def running_head(finding: dict[str, Any]) -> bool:
    """outloud's TAG-002 reads a long running head ("<title>  <chapter title>", two margin
    boxes on one baseline) as prose marked as an artifact; running heads are artifacts."""
    return finding["rule"] == "TAG-002" and str(finding.get("evidence", "")).startswith(
        "Deserters and the nameless dead"
    )


@pytest.mark.slow
@pytest.mark.parametrize("edition", sorted(EXPECTED))
def test_every_bundled_edition_is_accessible(bundled: dict[str, Path], edition: str) -> None:
    errors = [f for f in outloud(bundled[edition]) if not running_head(f)]
    assert errors == []
    check_structure(bundled[edition])
    assert EXPECTED[edition].items() <= declared(pikepdf.open(bundled[edition])).items()
