"""Golden intermediate markup: the minimal sample's PDF edition as the one HTML document given
to WeasyPrint, every XHTML document of its EPUB and its HTML edition (with each `data:` URL
shortened to its media type and size), compared with the files in tests/golden/minimal/. A change to a template, a view or the words a reader sees shows up
here as a reviewable diff, in about a second (no WeasyPrint layout).

After an intended change, rewrite the files and review them with `git diff`:

    .venv/bin/python -m pytest tests/golden --update-golden

The build time comes from a fixed SOURCE_DATE_EPOCH, and the edition stamp and the version
are fixed strings, so a code change alone (which changes the real stamp and fingerprint)
does not change these files. Page numbers are those of a first layout without hints (0).
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from pathlib import Path

import pytest

from dossier.config import load_config
from dossier.editions.assemble import assemble
from dossier.reading.project import read_project
from dossier.rendering.environment import make_environment
from dossier.rendering.formats import PageMap
from dossier.writers.epub import write_epub
from dossier.writers.html import render_html_page
from dossier.writers.jobs import edition_assets
from dossier.writers.pdf_render import render_html

from conftest import copy_project

GOLDEN = Path(__file__).parent / "minimal"
EPOCH = "1709294400"  # 2024-03-01 12:00 UTC
STAMP = "0000000000"  # in place of the edition stamp, which depends on the code fingerprint
VERSION = "0.0.0+golden"  # in place of dossier's version
PROJECT = "<project-folder>"  # in place of the temporary folder, should a path ever show


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, str]:
    """File name under tests/golden/minimal/ -> the markup rendered now."""
    root = copy_project("minimal", tmp_path_factory.mktemp("golden") / "minimal")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        config = load_config(root)
        problems, dossier, sheets = read_project(config)
        problems.raise_errors()
        assert dossier is not None and sheets is not None
        [edition] = config.default_editions
        book = assemble(dossier, config.editions[edition], STAMP, problems)
        problems.raise_errors()
        env = make_environment(config.project)
        assets = edition_assets(book)
        html = render_html(book, env, assets, VERSION, PageMap())
        epub = write_epub(book, env, sheets, assets, b"", VERSION)
        page = render_html_page(book, env, sheets, assets, VERSION)
    documents = {"pdf/book.html": html, "html/page.html": shorten_data_urls(page)}
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        for name in sorted(z.namelist()):
            if name.endswith((".xhtml", ".opf", ".ncx", ".svg")):
                documents[f"epub/{name}"] = z.read(name).decode()
    return {name: text.replace(str(root), PROJECT) for name, text in documents.items()}


def shorten_data_urls(page: str) -> str:
    """`data:font/woff2;base64,d09G…` -> `data:font/woff2;base64,…`: fonts and images are
    checked elsewhere; what matters here is where they are."""
    return re.sub(r"(data:[\w/+.-]+;base64,)[A-Za-z0-9+/=]+", r"\1…", page)


def golden_files(folder: str) -> set[str]:
    return {p.relative_to(GOLDEN).as_posix() for p in (GOLDEN / folder).rglob("*") if p.is_file()}


def compare(rendered: dict[str, str], folder: str, update: bool) -> None:
    """Compare (or with --update-golden, rewrite) the documents under `folder`; fail with a
    unified diff per changed document and the list of documents added or gone."""
    now = {name: text for name, text in rendered.items() if name.startswith(f"{folder}/")}
    assert now, f"nothing rendered under {folder}/"
    if update:
        for stale in golden_files(folder) - set(now):
            (GOLDEN / stale).unlink()
        for name, text in now.items():
            path = GOLDEN / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        return
    report = []
    for name in sorted(golden_files(folder) - set(now)):
        report.append(f"{name}: in tests/golden/minimal/ but no longer rendered")
    for name, text in sorted(now.items()):
        path = GOLDEN / name
        if not path.is_file():
            report.append(f"{name}: rendered but not in tests/golden/minimal/")
            continue
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            report.append(
                "".join(
                    difflib.unified_diff(
                        expected.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        f"golden/minimal/{name}",
                        f"rendered/{name}",
                    )
                )
            )
    if report:
        pytest.fail(
            "\n".join(report)
            + "\nIf the change is intended: pytest tests/golden --update-golden, then review "
            "the diff of tests/golden/",
            pytrace=False,
        )


def test_the_pdf_html_is_as_reviewed(rendered: dict[str, str], update_golden: bool) -> None:
    compare(rendered, "pdf", update_golden)


def test_the_epub_documents_are_as_reviewed(rendered: dict[str, str], update_golden: bool) -> None:
    compare(rendered, "epub", update_golden)


def test_the_golden_documents_are_the_whole_book(rendered: dict[str, str]) -> None:
    """The comparison covers every chapter: one EPUB document per chapter of the sample, and
    each chapter's title in the PDF's HTML; nothing of the temporary folder leaks in."""
    html = rendered["pdf/book.html"]
    texts = [name for name in rendered if name.startswith("epub/EPUB/text/")]
    assert {"epub/EPUB/text/cover.xhtml", "epub/EPUB/text/title.xhtml"} <= set(texts)
    assert len(texts) >= 5, texts
    assert "epub/EPUB/nav.xhtml" in rendered and "epub/EPUB/content.opf" in rendered
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert STAMP in html and VERSION in html
    assert all(PROJECT not in text for text in rendered.values())


def test_a_changed_document_fails_with_a_diff(
    rendered: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The comparison itself: a one-word change is reported as a unified diff."""
    monkeypatch.setattr(f"{__name__}.GOLDEN", tmp_path)
    compare(rendered, "pdf", update=True)
    changed = {
        **rendered,
        "pdf/book.html": rendered["pdf/book.html"].replace("<body", "<body x", 1),
    }
    with pytest.raises(pytest.fail.Exception) as failure:
        compare(changed, "pdf", update=False)
    message = str(failure.value)
    assert "--- golden/minimal/pdf/book.html" in message and "+++ rendered/pdf/book.html" in message
    assert "\n+<body x" in message and "\n-<body" in message


def test_the_html_page_is_as_reviewed(rendered: dict[str, str], update_golden: bool) -> None:
    compare(rendered, "html", update_golden)


def test_the_epub_is_the_same_bytes_rendered_in_one_process_or_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chapters' pages are shared with a forked helper where two CPUs are usable
    (`workers.shared_map`): which process rendered which page changes no byte, and a page's
    images (the sample's figure) are still packed."""
    from dossier.writers import workers

    root = copy_project("minimal", tmp_path / "minimal")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = load_config(root)
    problems, dossier, sheets = read_project(config)
    [edition] = config.default_editions
    book = assemble(dossier, config.editions[edition], STAMP, problems)
    env = make_environment(config.project)
    assets = edition_assets(book)
    made = {}
    for cpus in (1, 2):
        monkeypatch.setattr(workers, "usable_cpus", lambda cpus=cpus: cpus)
        made[cpus] = write_epub(book, env, sheets, assets, b"", VERSION)
    assert made[1] == made[2]
    with zipfile.ZipFile(io.BytesIO(made[2])) as z:
        assert any(n.startswith("EPUB/project/") and n.endswith(".png") for n in z.namelist())
