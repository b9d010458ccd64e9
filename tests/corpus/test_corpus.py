"""The corpus of broken and hostile projects (tests/corpus/NN-name/): each case is built with
the real CLI and checked by `runner.run_case` (its docstring says what each case promises)."""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pikepdf
import pytest

from dossier import build

from conftest import copy_project
from runner import (
    CORPUS,
    Case,
    corpus_params,
    epub_problems,
    leaks,
    load_case,
    pdf_problems,
    run_case,
)


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal sample built once (per worker): every case starts from a copy of it, so
    `build/` holds the good outputs of an earlier build."""
    root = copy_project("minimal", tmp_path_factory.mktemp("baseline") / "project")
    build(root)
    return root


@pytest.mark.parametrize("case", corpus_params())
def test_corpus_case(case: Case, baseline: Path, tmp_path: Path) -> None:
    run_case(case, baseline, tmp_path)


# -- the checkers themselves -------------------------------------------------------------------


def test_the_output_checks_accept_the_clean_sample(baseline: Path) -> None:
    outputs = sorted(p for p in (baseline / "build").iterdir() if p.suffix in (".pdf", ".epub"))
    assert {p.suffix for p in outputs} == {".pdf", ".epub"}
    for path in outputs:
        assert (pdf_problems(path) if path.suffix == ".pdf" else epub_problems(path)) == []
    assert leaks(baseline / "build", "Sample Committee") != []  # the scan sees the text


def test_the_output_checks_find_scripts_and_javascript(baseline: Path, tmp_path: Path) -> None:
    epub = next((baseline / "build").glob("*.epub"))
    bad_epub = tmp_path / "bad.epub"
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(bad_epub, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("context.xhtml"):
                data = data.replace(b"<h2", b'<script>x()</script><h2 onclick="x()"', 1)
                data = data.replace(b'href="#', b'href=" JavaScript:x()#', 1)
            target.writestr(info, data)
    problems = "\n".join(epub_problems(bad_epub))
    assert "<script> element" in problems
    assert "onclick= attribute on <h2>" in problems
    assert "href=' JavaScript:x()#" in problems

    bad_pdf = tmp_path / "bad.pdf"
    with pikepdf.open(next((baseline / "build").glob("*.pdf"))) as pdf:
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(action)
        pdf.save(bad_pdf)
    assert {"/OpenAction entry", "/JS entry", "/JavaScript action"} <= set(pdf_problems(bad_pdf))


def test_the_leak_scan_sees_into_compressed_pdf_attachments(tmp_path: Path) -> None:
    token = f"CANARY-{uuid.uuid4()}"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, (token * 50).encode())
    pdf.save(tmp_path / "a.pdf", compress_streams=True)
    assert token.encode() not in (tmp_path / "a.pdf").read_bytes()  # compressed: raw is blind
    assert leaks(tmp_path, token) != []


def test_the_corpus_is_large_and_distinct() -> None:
    cases = [load_case(p) for p in sorted(CORPUS.iterdir()) if p.is_dir()]
    assert len(cases) >= 32
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+", c.name) for c in cases)
    assert len({c.name[:2] for c in cases}) == len(cases), "two cases share a number"
    assert len({c.summary for c in cases}) == len(cases), "two cases share a summary"

    def content(case: Case) -> tuple[object, ...]:
        files = case.folder.rglob("*")
        found = sorted((p.relative_to(case.folder).as_posix(), p.read_bytes()) for p in files
                       if p.is_file() and p.name != "expect.toml")  # fmt: skip
        return (*found, case.generate)

    assert len({content(c) for c in cases}) == len(cases), "two cases are the same project"
