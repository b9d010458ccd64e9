"""Numbered copies of an EPUB edition: the edition's EPUB, written once, with per copy

- the line "Copy 7 of 25 · for …" at the end of every document (the title page: the full
  statement), from the template `epub/copy-notice.xhtml`;
- the copy in the package metadata (a second `dc:identifier`, `dc:rights`);
- a mark spread through the documents that does not depend on that metadata: the
  codeword of `writers.mark` (copy number, edition tag, Reed–Solomon bytes) as a tab, or
  none, at the start of each run of whitespace between elements of the body. Whitespace
  between elements is collapsed by every reading system, so neither the look nor what a
  screen reader reads changes; `<pre>` and `<textarea>` are left alone. Each document
  starts at its own place in the codeword (from its file name), and the bits of all
  documents are voted on, so a copy whose OPF was edited, or that lost documents, is read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from jinja2.environment import Environment
from lxml import etree

from dossier.model.records import Book, Recipient
from dossier.rendering.words import copy_line, copy_statement

XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
TITLE_DOCUMENT = "text/title.xhtml"
NAV_DOCUMENT = "nav.xhtml"
_VERBATIM = {f"{{{XHTML}}}pre", f"{{{XHTML}}}textarea", f"{{{XHTML}}}script", f"{{{XHTML}}}style"}


def _bits(copy: int, tag: int) -> list[int]:
    from dossier.writers.mark import DATA_COLS, DATA_ROWS, encode

    cells = encode(copy, tag)
    rows, cols = range(1, DATA_ROWS + 1), range(1, DATA_COLS + 1)
    return [int(cells[row][col]) for row in rows for col in cols]


def _runs(root: Any) -> list[tuple[Any, str]]:
    """(element, 'text' or 'tail') of every whitespace-only run between elements of the
    body, in document order, outside verbatim elements."""
    body = root.find(f"{{{XHTML}}}body")
    if body is None:
        return []
    found = []
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if any(a.tag in _VERBATIM for a in [element, *element.iterancestors()]):
            continue
        if len(element) and element.text and not element.text.strip():
            found.append((element, "text"))
        if element is not body and element.tail and not element.tail.strip():
            parent = element.getparent()
            if parent is not None and parent.tag not in _VERBATIM:
                found.append((element, "tail"))
    return found


def _offset(name: str, size: int) -> int:
    return zlib.crc32(name.encode()) % size


def _parse(data: str | bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.fromstring(data, parser)


def _serialise(root: Any) -> bytes:
    return bytes(etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True))


def stamp_epub(
    master: bytes, book: Book, env: Environment, recipient: Recipient, tag: int, copy_id: str
) -> bytes:
    """One numbered copy of the edition's EPUB (same zip order, names and times)."""
    total = len(book.recipients)
    line, statement = copy_line(recipient, total), copy_statement(recipient, total)
    bits = _bits(recipient.number, tag)
    template = env.get_template("epub/copy-notice.xhtml")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(master)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            name = info.filename.removeprefix("EPUB/")
            if name.endswith(".xhtml"):
                root = _parse(data)
                if name != NAV_DOCUMENT:
                    text = statement if name == TITLE_DOCUMENT else line
                    notice = _parse(template.render(text=text, statement=name == TITLE_DOCUMENT))
                    body = root.find(f"{{{XHTML}}}body")
                    if body is not None and len(body):
                        notice.tail = body[-1].tail
                        body[-1].tail = "\n"
                    if body is not None:
                        body.append(notice)
                _write_bits(root, bits, _offset(name, len(bits)))
                data = _serialise(root)
            elif name.endswith(".opf"):
                data = _opf(data, line, copy_id)
            target.writestr(_same(info), data)
    return out.getvalue()


def _same(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    return copy


def _write_bits(root: Any, bits: list[int], offset: int) -> None:
    for i, (element, where) in enumerate(_runs(root)):
        run = getattr(element, where).lstrip("\t")
        setattr(element, where, ("\t" if bits[(offset + i) % len(bits)] else "") + run)


def _opf(data: bytes, line: str, copy_id: str) -> bytes:
    """The copy in the package metadata: a second identifier and the rights line."""
    root = _parse(data)
    metadata = root.find(f"{{{OPF}}}metadata")
    if metadata is not None:
        identifier = etree.SubElement(metadata, f"{{{DC}}}identifier", id="copy-id")
        identifier.text = copy_id
        rights = etree.SubElement(metadata, f"{{{DC}}}rights")
        rights.text = line
    return _serialise(root)


def read_epub_mark(archive: zipfile.ZipFile) -> tuple[str, tuple[int, int] | None, int]:
    """('found', (copy, tag), documents) | ('unreadable', None, n) | ('none', None, 0):
    the bits of every document voted on, then decoded with the missing ones as erasures."""
    from dossier.writers.mark import DATA_COLS, DATA_ROWS, decode_bits

    size = DATA_ROWS * DATA_COLS
    votes = [[0, 0] for _ in range(size)]
    documents = 0
    for info in archive.infolist():
        if not info.filename.endswith(".xhtml"):
            continue
        name = info.filename.split("EPUB/", 1)[-1]
        try:
            root = _parse(archive.read(info))
        except etree.XMLSyntaxError:
            continue
        runs = _runs(root)
        if any(getattr(e, w).startswith("\t") for e, w in runs):
            documents += 1
        offset = _offset(name, size)
        for i, (element, where) in enumerate(runs):
            votes[(offset + i) % size][int(getattr(element, where).startswith("\t"))] += 1
    if not documents:
        return "none", None, 0
    bits = [None if one == zero else int(one > zero) for zero, one in votes]
    found = decode_bits(bits)
    return ("found", found, documents) if found else ("unreadable", None, documents)
