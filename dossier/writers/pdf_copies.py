"""Numbered copies of a laid-out PDF edition: one per recipient, stamped, not re-rendered.

The edition is laid out once (with room kept for the statement on its title page, the
`copy-notice` anchor). The copies' visible lines are laid out together in one small
WeasyPrint document (`pdf/copies.html`: per copy a footer line and a title-page statement),
so that they use the edition's fonts, embedded. Each copy is then the edition's PDF plus:

- on every page, its footer line (a pagination artifact) and the invisible mark (`mark`:
  blocks of near-white dots in white areas, an artifact too);
- on the title page, the statement, tagged as a paragraph (first in reading order);
- in the XMP: `xmpMM:InstanceID` naming the copy and the recipient id, `dc:rights` and
  `xmpRights:UsageTerms` the line, `xmpRights:Marked`.
"""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pikepdf
from jinja2.environment import Environment
from pikepdf import Array, Dictionary, Name

from dossier.model.records import Book, Recipient
from dossier.rendering.context import Assets
from dossier.rendering.words import copy_line, copy_statement
from dossier.sandbox.fetcher import THEME_ORIGIN, project_url
from dossier.version import __version__
from dossier.writers import mark
from dossier.writers.pdf import write_pdf
from dossier.writers.pdf_render import NOTICE_HEIGHT, PdfOutput, Renderer

NOTICE_ANCHOR = "copy-notice"
LINE_HEIGHT = 9.0  # pt: the footer line's box
LINE_FROM_BOTTOM = 24.0  # pt from the bottom of the trimmed page to the line's box
PLACING_SCALE = 50 / 72  # the master is rendered at 50 dpi to find white areas
BLOCKS_PER_PAGE = 8
PARALLEL_FROM = 12  # copies; fewer are stamped in one process


@dataclass(frozen=True)
class Geometry:
    """Where the copies' stamps go on the laid-out edition (PDF points, y upwards)."""

    trims: list[tuple[float, float, float, float]]  # each page's trim box
    notice_page: int  # -1: the edition keeps no room for the statement
    notice_at: tuple[float, float]  # top-left of the room kept
    notice_width: float
    spots: list[list[tuple[float, float]]]  # mark blocks (top-left dot centre) per page


def copy_id(stamp: str, recipient: Recipient) -> str:
    """The copy's identifier in its metadata and in the ledger."""
    return f"urn:x-dossier-copy:{stamp}:{recipient.number}:{recipient.id}"


def geometry(master: bytes) -> Geometry:
    """Measure the laid-out edition: page boxes, the room for the statement, white areas."""
    import pypdfium2

    with pikepdf.open(io.BytesIO(master)) as pdf:
        trims = [_box(page.obj.get("/TrimBox", page.mediabox)) for page in pdf.pages]
        heights = [float(page.mediabox[3]) for page in pdf.pages]
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        notice_page, at, width = -1, (0.0, 0.0), 0.0
        names = pdf.Root.get("/Names")
        if names is not None and "/Dests" in names:
            target = pikepdf.NameTree(names.Dests).get(NOTICE_ANCHOR)
            if target is not None:
                notice_page = index.get(target[0].objgen, -1)
                x, y = float(target[2]), float(target[3])
                trim = trims[notice_page]
                at, width = (x, y), trim[2] - trim[0] - 2 * (x - trim[0])
    document = pypdfium2.PdfDocument(master)
    spots = []
    try:
        for number, trim in enumerate(trims):
            image = document[number].render(scale=PLACING_SCALE, grayscale=True).to_numpy()
            gray = image[..., 0] if image.ndim == 3 else image
            inset = 10 / 25.4 * 72  # 10 mm: clear of what a printer cannot print
            area = (trim[0] + inset, trim[1] + inset, trim[2] - inset, trim[3] - inset)
            avoid = [(trim[0], trim[1], trim[2], trim[1] + LINE_FROM_BOTTOM + LINE_HEIGHT + 6)]
            if number == notice_page:
                avoid.append((at[0], at[1] - NOTICE_HEIGHT, at[0] + width, at[1]))
            spots.append(
                mark.free_spots(gray, PLACING_SCALE, heights[number], area, avoid, BLOCKS_PER_PAGE)
            )
    finally:
        document.close()
    return Geometry(trims, notice_page, at, width, spots)


def render_lines(
    book: Book, env: Environment, renderer: Renderer, place: Geometry, total: int
) -> bytes:
    """Every copy's footer line and statement, two pages per copy, in the edition's fonts."""
    trim = place.trims[0]
    html = env.get_template("pdf/copies.html").render(
        config=book.config,
        theme_origin=THEME_ORIGIN,
        stylesheets=[project_url(path) for path in book.config.styles],
        line_width=f"{trim[2] - trim[0]:.2f}",
        line_height=LINE_HEIGHT,
        statement_width=f"{max(place.notice_width, 100):.2f}",
        statement_height=NOTICE_HEIGHT,
        copies=[
            {"line": copy_line(r, total), "statement": copy_statement(r, total)}
            for r in book.recipients
        ],
    )
    renderer.options = {}  # untagged: the stamps are tagged where they are placed
    document = renderer.render(html)
    if len(document.pages) != 2 * len(book.recipients):
        raise RuntimeError("a copy's line or statement did not fit on its stamp page")
    return bytes(document.write_pdf())


def stamp_copies(
    master: bytes, lines: bytes, place: Geometry, book: Book, tag: int, numbers: list[int]
) -> list[bytes]:
    """The numbered copies `numbers` (see `stamp_copy`), the lines document read once."""
    by_number = {r.number: r for r in book.recipients}
    with pikepdf.open(io.BytesIO(lines)) as stamps:
        return [stamp_copy(master, stamps, place, book, by_number[n], tag) for n in numbers]


def stamp_copy(
    master: bytes, stamps: pikepdf.Pdf, place: Geometry, book: Book, recipient: Recipient, tag: int
) -> bytes:
    """One numbered copy: the edition's pages with this recipient's stamps and mark."""
    total = len(book.recipients)
    with pikepdf.open(io.BytesIO(master)) as pdf:
        first = 2 * (recipient.number - 1)
        line = pdf.copy_foreign(stamps.pages[first].as_form_xobject())
        statement = pdf.copy_foreign(stamps.pages[first + 1].as_form_xobject())
        cells = mark.encode(recipient.number, tag)
        for number, page in enumerate(pdf.pages):
            trim = place.trims[number]
            # fixed names (a prefix would get random ones): same inputs, same bytes
            name = page.add_resource(line, Name.XObject, Name("/DossierCopyLine"))
            parts = [
                b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q",
                f"1 0 0 1 {trim[0]:.2f} {trim[1] + LINE_FROM_BOTTOM:.2f} cm {name} Do".encode(),
                b"Q EMC",
            ]
            if number == place.notice_page:
                parts += _statement(pdf, page, statement, place)
            if place.spots[number]:
                parts.append(b"/Artifact BMC q")
                parts += [mark.block_content(cells, x, y) for x, y in place.spots[number]]
                parts.append(b"Q EMC")
            page.contents_coalesce()
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\n".join(parts) + b"\n"))
        _metadata(pdf, book, recipient, copy_line(recipient, total))
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    return out.getvalue()


def _statement(pdf: pikepdf.Pdf, page: Any, form: Any, place: Geometry) -> list[bytes]:
    """The title page's statement: drawn in the room kept for it and, in a tagged PDF, a
    paragraph of the structure tree (the first thing read)."""
    name = page.add_resource(form, Name.XObject, Name("/DossierCopyStatement"))
    x, y = place.notice_at
    draw = f"q 1 0 0 1 {x:.2f} {y - NOTICE_HEIGHT:.2f} cm {name} Do Q".encode()
    root = pdf.Root.get("/StructTreeRoot")
    key = page.obj.get("/StructParents")
    if root is None or key is None:
        return [b"/Artifact BMC", draw, b"EMC"]
    document = root.K[0] if isinstance(root.K, Array) else root.K
    marked = _parent_entry(root, int(key))
    element = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page.obj, K=len(marked))
    )
    mcid = len(marked)
    marked.append(element)
    kids = document.K if isinstance(document.K, Array) else Array([document.K])
    kids.insert(0, element)
    document.K = kids
    return [f"/P <</MCID {mcid}>> BDC".encode(), draw, b"EMC"]


def _parent_entry(root: Any, key: int) -> Any:
    """The parent-tree array of a page (WeasyPrint writes one flat /Nums array)."""
    nums = root.ParentTree.Nums
    for i in range(0, len(nums), 2):
        if int(nums[i]) == key:
            return nums[i + 1]
    raise ValueError(f"no parent tree entry {key}")


def _metadata(pdf: pikepdf.Pdf, book: Book, recipient: Recipient, line: str) -> None:
    """The copy's number and recipient id in the XMP (standard properties only, so that
    PDF/A needs no extension schema)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["xmpMM:InstanceID"] = copy_id(book.stamp, recipient)
        meta["dc:rights"] = line
        meta["xmpRights:Marked"] = "True"
        meta["xmpRights:UsageTerms"] = line


def _box(box: Any) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def write_copies(
    book: Book,
    env: Environment,
    assets: Assets,
    hints: dict[str, int],
    attachments: Callable[[], list[Any]] | None = None,
) -> tuple[PdfOutput, list[bytes], bytes]:
    """Lay the edition out once (in one process: the room for the statement must be where
    the stamps expect it) and stamp one copy per recipient."""
    result = write_pdf(
        book,
        env,
        assets,
        __version__,
        hints=hints,
        attachments=attachments,
        max_pages=book.config.limits.max_pages,
        chunks=1,
    )
    place = geometry(result.data)
    with Renderer(book, assets) as renderer:
        lines = render_lines(book, env, renderer, place, len(book.recipients))
    tag = mark.edition_tag(book.config.name, book.edition.name, book.stamp)
    numbers = [r.number for r in book.recipients]
    if len(numbers) < PARALLEL_FROM:
        return result, stamp_copies(result.data, lines, place, book, tag, numbers), lines
    # two processes share the stamping (forked: they inherit everything; the worker that
    # runs this leads a process group, so its deadline stops them too)
    halves = [numbers[: len(numbers) // 2], numbers[len(numbers) // 2 :]]
    work = partial(stamp_copies, result.data, lines, place, book, tag)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        parts = pool.map(work, halves)
    return result, [data for part in parts for data in part], lines
