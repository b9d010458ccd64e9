"""Audit finished outputs before they are written: a public edition contains no internal
text anywhere (page text, notes, bookmarks, metadata, attachments, every file of the EPUB,
the HTML page), the PDF, EPUB and HTML of an edition carry the same content, and the page
budget holds (the HTML page's own checks: `html_audit`).

A failed audit raises `OutputError`; the build then writes nothing.
"""

from __future__ import annotations

import functools
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import Any

from lxml import etree

from dossier.errors import OutputError
from dossier.model import markdown as markup
from dossier.model.ids import note_id, source_id
from dossier.model.records import Book
from dossier.outputs import html_audit
from dossier.rendering.words import chapter_title, event_date_label

#: Internal strings shorter than this (letters and digits) would match inside ordinary
#: words, so they are searched as whole words instead.
MIN_NEEDLE = 6
_NOT_ALNUM = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    """Letters and digits only, case-folded: survives line breaks, hyphenation, markup."""
    # `[\W_]` is exactly "not str.isalnum()" for str patterns, and far faster than a loop
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def _words(text: str) -> str:
    """Case-folded words between spaces (" ali said "): for whole-word search."""
    found = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    return " " + " ".join(found) + " "


def _key(piece: str) -> str:
    """How a needle is searched: squeezed letters and digits, or (short) as whole words."""
    key = _norm(piece)
    return key if len(key) >= MIN_NEEDLE else _words(piece) if key else ""


def _found(key: str, squeezed: str, words: str) -> bool:
    return key in (words if key.startswith(" ") else squeezed)


def needle_key(piece: str) -> str:
    """How a piece of internal text is searched for ('' when it cannot be)."""
    return _key(piece)


def search(corpus: str, needles: dict[str, str]) -> list[str]:
    """The texts of `needles` (key -> text) found in `corpus`."""
    squeezed, words = _norm(corpus), _words(corpus)
    return [text for key, text in needles.items() if _found(key, squeezed, words)]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]


def needles(book: Book) -> dict[str, str]:
    """normalised needle -> the internal text it comes from, minus anything the public
    edition legitimately contains anyway."""
    candidates: dict[str, str] = {}
    for text in [*book.internal_texts, *_internal_dates(book)]:
        for piece in [text, *_sentences(text)]:
            key = _key(piece)
            if key:
                candidates.setdefault(key, piece)
    if not candidates:  # nothing internal: the public text need not be read
        return {}
    public = " ".join(public_texts(book))
    squeezed, words = _norm(public), _words(public)
    return {key: piece for key, piece in candidates.items() if not _found(key, squeezed, words)}


def _internal_dates(book: Book) -> list[str]:
    """The dates, as readers see them, of the rows whose date is internal and which have no
    label of their own (a label the editors wrote is among `internal_texts` already)."""
    if not book.internal_texts:  # not a public edition, or nothing is internal
        return []
    return [
        event_date_label(e)
        for e in book.dossier.events
        if not e.label and (e.internal or "label" in e.internal_fields)
    ]


def public_texts(book: Book) -> Iterable[str]:
    """The text a public edition may legitimately contain. Rows and sources are taken from
    the records as written, minus their internal fields, not from the edition's filtered
    views: a field the views fail to hide is then still searched for."""
    config = book.config
    yield from (config.title, config.subtitle, config.description, " ".join(config.keywords))
    for chapter in [*book.chapters, *([book.colophon] if book.colophon else [])]:
        yield chapter_title(chapter)
        for tokens in [chapter.tokens, *chapter.notes.values()]:
            yield from (markup.plain_text(t.children or []) for t in tokens if t.children)
    records = {e.id: e for e in book.dossier.events}
    for row in book.events:
        event = records[row.id]
        fields = ("event", "place", "note")
        yield from (getattr(event, f) for f in fields if f not in event.internal_fields)
        if "label" not in event.internal_fields:
            yield event_date_label(event)
    for shown in [*book.sources, *([book.based_on] if book.based_on else [])]:
        source = book.dossier.sources[shown.key]
        hidden = source.internal_fields
        yield from (str(v) for k, v in source.csl.items() if k not in hidden)
        yield source.original_name if "original-name" not in hidden else ""
        yield source.reliability if "reliability" not in hidden else ""


def pdf_corpus(data: bytes, text_only: bool = False) -> str:
    """Everything a reader or a tool can get out of a PDF as text; `text_only`: without
    the attachments that are not UTF-8 text (fonts, images), where short words turn up by
    chance."""
    return pdf_corpora(data)[1 if text_only else 0]


@functools.lru_cache(maxsize=4)  # an edition's PDF is searched by several audits
def pdf_corpora(data: bytes) -> tuple[str, str]:
    """`pdf_corpus` of a PDF, whole and text only, extracted once."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = pdf_page_texts(data)
    binary: list[str] = []  # attachments that are not text
    parts += [str(v) for v in (reader.metadata or {}).values()]
    root: Any = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    if metadata is not None:
        parts.append(metadata.get_object().get_data().decode("utf-8", "replace"))

    def outline(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                outline(item)
            else:
                parts.append(str(item.title))

    outline(reader.outline)
    for page in reader.pages:
        annotations: Any = page.get("/Annots", []) or []
        for annotation in annotations:
            action: Any = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                parts.append(str(action["/URI"]))
    for name, contents in reader.attachments.items():
        parts.append(name)
        for content in contents:
            try:
                parts.append(content.decode("utf-8"))
            except UnicodeDecodeError:
                binary.append(content.decode("utf-8", "replace"))
    parts += pdf_ids(data)  # anchor names come from ids and headings
    parts += _struct_texts(root.get("/StructTreeRoot"))
    text = "\n".join(parts)
    return "\n".join([text, *binary]), text


def pdf_page_texts(data: bytes) -> list[str]:
    """The text of each page of a PDF, as PDFium reads it (the engine of Chrome's viewer):
    some 25 times faster than pypdf's extraction, which cost more than the layout of a
    long edition."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for page in document:
            text = page.get_textpage()
            texts.append(text.get_text_bounded().replace("\r\n", "\n"))
            text.close()
            page.close()
        return texts
    finally:
        document.close()


def _struct_texts(node: Any) -> list[str]:
    """Alternative and actual texts in the structure tree of a tagged PDF (alt text of images
    and figures), walked without recursion so that a deep tree cannot exhaust the stack."""
    texts, stack, seen = [], [node], set()
    while stack:
        item = stack.pop()
        if hasattr(item, "idnum"):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
        item = item.get_object() if item is not None else None
        if isinstance(item, dict):
            texts += [str(item[k]) for k in ("/Alt", "/ActualText", "/T") if k in item]
            kids = item.get("/K")
            stack += kids if isinstance(kids, list) else [kids] if kids is not None else []
        elif isinstance(item, list):
            stack += item
    return texts


@functools.lru_cache(maxsize=4)  # an edition's EPUB is read by several audits: once
def epub_members(data: bytes) -> tuple[tuple[str, bytes, Any], ...]:
    """(name, bytes, root element or None) of every file in an EPUB, in order: each file
    unzipped once, and parsed once if it is XML (entities left unresolved, no network)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            try:
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                root = etree.fromstring(raw, parser)
            except etree.XMLSyntaxError:
                root = None
            members.append((name, raw, root))
    return tuple(members)


def epub_corpus(data: bytes, text_only: bool = False) -> str:
    """The text of every file in an EPUB (markup removed, attribute values kept);
    `text_only`: without the files that are not UTF-8 text (fonts, images), in which
    short words turn up by chance."""
    parts = []
    for name, raw, root in epub_members(data):
        parts.append(name)
        if root is None:
            try:
                parts.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                if not text_only:
                    parts.append(raw.decode("utf-8", "replace"))
            continue
        for element in root.iter():
            parts += [str(v) for v in element.attrib.values()]
            parts += [element.text or "", element.tail or ""]
    return html.unescape("\n".join(parts))


def check_leaks(book: Book, outputs: dict[str, bytes]) -> None:
    """Fail if a public edition's files contain any internal text."""
    if book.internal:
        return
    found = needles(book)
    if not found:  # nothing internal to look for: no output read again
        return
    for fmt, data in outputs.items():
        corpus = CORPUS[fmt](data)
        check_text_leaks(book, corpus, f"the public {book.edition.name} {fmt.upper()}", found)


def check_text_leaks(
    book: Book, corpus: str, what: str, found: dict[str, str] | None = None
) -> None:
    """Fail if `corpus` (text from the edition's output `what`) holds internal text
    (`found`: the edition's `needles`, when already computed)."""
    if book.internal:
        return
    found = needles(book) if found is None else found
    leaked = search(corpus, found) if found else []
    if leaked:
        sample = leaked[0] if len(leaked[0]) <= 60 else leaked[0][:57] + "…"
        raise OutputError(
            f"{what} would contain internal text "
            f"(“{sample}”{f' and {len(leaked) - 1} more' if len(leaked) > 1 else ''}); "
            "nothing was written: report this as a bug in dossier"
        )


CORPUS = {"pdf": pdf_corpus, "epub": epub_corpus, "html": html_audit.html_corpus}


def expected_ids(book: Book) -> dict[str, set[str]]:
    """The anchors every output of an edition must have, by kind."""
    return {
        "chapters": {c.id for c in book.chapters},
        "notes": {note_id(n) for n in book.note_numbers.values()},
        "citations": {o.id for o in book.occurrences},
        "chronology rows": {e.id for e in book.events},
        "sources": {source_id(s.key) for s in book.sources},
    }


def pdf_ids(data: bytes) -> set[str]:
    """The PDF's named destinations: every id of the HTML it was made from."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        return set(pikepdf.NameTree(dests).keys()) if dests is not None else set()


# engine-quirk: WeasyPrint 70 — a footnote can be dropped when two are pushed past a page break
def check_notes(book: Book, pdf: bytes) -> None:
    """Fail if the PDF lost a footnote: WeasyPrint can drop one when two notes are pushed
    past a page break together (the call stays, the note is gone)."""
    found = pdf_ids(pdf)
    for (chapter_id, label), n in sorted(book.note_numbers.items(), key=lambda item: item[1]):
        if note_id(n) in found:
            continue
        chapter = next((c for c in book.chapters if c.id == chapter_id), None)
        note = chapter.section.notes.get(label) if chapter and chapter.section else None
        raise OutputError(
            f"the {book.edition.name} PDF lost footnote {n} ('[^{label}]') at a page break "
            "(a fault of the PDF engine, WeasyPrint): shorten or move this note or the "
            "paragraph around it, and build again; nothing was written",
            note.where if note else None,
        )


def _epub_documents(data: bytes) -> Iterable[tuple[str, Any]]:
    """(name, root element) of every XHTML and SVG file in an EPUB."""
    for name, _, root in epub_members(data):
        if name.endswith((".xhtml", ".svg")) and root is not None:
            yield name, root


def epub_ids(data: bytes) -> set[str]:
    return {
        element.get("id")
        for name, root in _epub_documents(data)
        if name.endswith(".xhtml")
        for element in root.iter()
        if isinstance(element.tag, str) and element.get("id")
    }


#: Elements that run, embed or submit something; an EPUB of dossier's has none.
ACTIVE_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base"}
    | {"handler", "listener"}  # SVG
)
_URL_ATTRIBUTES = frozenset(["href", "src", "action", "formaction", "data", "poster"])
_SAFE_URL = re.compile(r"^(https?:|mailto:|#|[^:/?#]*([/?#]|$))", re.I)


def active_content(data: bytes) -> str:
    """The first thing in an EPUB that could run code or reach a file ('' if none): active
    elements, event-handler attributes, links with other schemes than http(s) and mailto."""
    for name, root in _epub_documents(data):
        for element in root.iter(etree.Element):  # elements: no comments, no instructions
            tag = element.tag.rpartition("}")[2]  # the local name, as lxml's QName gives it
            if tag in ACTIVE_ELEMENTS:
                return f"<{tag}> in {name}"
            for attribute, value in element.attrib.items():
                local = attribute.rpartition("}")[2].lower()
                if local.startswith("on"):
                    return f"an event handler ({local}) in {name}"
                if local in _URL_ATTRIBUTES and not _SAFE_URL.match(value.strip()):
                    return f"the link '{value}' in {name}"
    return ""


def check_inert(book: Book, outputs: dict[str, bytes]) -> None:
    """Fail if an EPUB or HTML page would carry active content or, for the page, make any
    request (only a project template can put it there: the content itself is checked before
    rendering)."""
    if "epub" in outputs and (found := active_content(outputs["epub"])):
        raise OutputError(
            f"the {book.edition.name} EPUB would contain {found}: EPUBs from dossier carry no "
            "scripts, forms, embedded content or links to files; check your templates/ folder"
        )
    if "html" in outputs and (found := html_audit.active_content(outputs["html"])):
        raise OutputError(
            f"the {book.edition.name} HTML page would contain {found}: HTML pages from dossier "
            "carry no scripts, forms or embedded content and load nothing from outside "
            "themselves; check your templates/ folder"
        )


ID_READERS = {"pdf": pdf_ids, "epub": epub_ids, "html": html_audit.html_ids}


def check_parity(book: Book, outputs: dict[str, bytes]) -> None:
    """Fail unless each output of the edition (PDF, EPUB, HTML; two or more) carries every
    chapter, note, citation, chronology row and source of the edition."""
    if len(outputs) < 2:
        return
    present = {fmt.upper(): ID_READERS[fmt](data) for fmt, data in sorted(outputs.items())}
    problems = []
    for kind, ids in expected_ids(book).items():
        for fmt, found in present.items():
            missing = sorted(ids - found)
            if missing:
                problems.append(
                    f"the {fmt} lacks {len(missing)} of {len(ids)} {kind} "
                    f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''})"
                )
    if problems:
        named = [fmt for fmt in ("PDF", "EPUB", "HTML") if fmt in present]
        formats = ", ".join(named[:-1]) + " and " + named[-1]
        raise OutputError(
            f"the {formats} of edition '{book.edition.name}' differ: "
            + "; ".join(problems)
            + "; nothing was written"
        )


def check_pages(book: Book, pages: int) -> None:
    limit = book.edition.max_pages
    if limit and pages > limit:
        raise OutputError(
            f"the {book.edition.name} PDF has {pages} pages; the edition allows {limit} "
            f"(max_pages in [editions.{book.edition.name}]): shorten its parts or raise the limit"
        )
