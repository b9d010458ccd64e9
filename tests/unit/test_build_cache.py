"""outputs/cache.py: a build whose inputs, templates, request and outputs are unchanged is
reused; any change to one of them (or a damaged record) means a new build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from dossier.config.schema import Edition
from dossier.outputs import cache as cache_module
from dossier.outputs.cache import RECORD, Cache, request_key, sha256_file, template_listing
from dossier.outputs.files import STATE_DIR
from dossier.rendering import bibliography

REQUEST = {"version": "1", "editions": [["reader", ["pdf"]]], "source_date_epoch": ""}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Cache, Path, dict[str, str], list[dict[str, Any]]]:
    """A project with one input, an output folder with one output, and the build recorded."""
    root = tmp_path / "project"
    (root / "sections").mkdir(parents=True)
    (root / "sections" / "a.md").write_text("# A\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "x-reader-0123456789.pdf").write_bytes(b"%PDF-1.7 output")
    inputs = {"sections/a.md": digest(b"# A\n")}
    outputs = [
        {
            "file": "x-reader-0123456789.pdf",
            "size": len(b"%PDF-1.7 output"),
            "sha256": digest(b"%PDF-1.7 output"),
        }
    ]
    cache = Cache(out)
    cache.remember(REQUEST, root, inputs, outputs)
    return cache, root, inputs, outputs


def test_sha256_file_reads_in_blocks(tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000  # more than one 1 MiB block
    (tmp_path / "f").write_bytes(data)
    assert sha256_file(tmp_path / "f") == digest(data)


def test_template_listing(tmp_path: Path) -> None:
    assert template_listing(tmp_path) == []
    (tmp_path / "templates" / "pdf").mkdir(parents=True)
    (tmp_path / "templates" / "pdf" / "note.html").write_text("")
    (tmp_path / "templates" / "a.html").write_text("")
    assert template_listing(tmp_path) == [
        "templates/a.html",
        "templates/pdf",
        "templates/pdf/note.html",
    ]


def test_the_record_is_json_in_the_state_folder(setup: Any) -> None:
    cache, _, inputs, outputs = setup
    record = json.loads((cache.folder / STATE_DIR / RECORD).read_text())
    assert record == {"request": REQUEST, "inputs": inputs, "templates": [], "outputs": outputs}
    assert cache.state == cache.folder / STATE_DIR


def test_nothing_changed_means_the_outputs_are_reused(setup: Any) -> None:
    cache, root, _, outputs = setup
    assert cache.unchanged(REQUEST, root) == outputs


def test_no_record_means_no_reuse(tmp_path: Path) -> None:
    assert Cache(tmp_path).unchanged(REQUEST, tmp_path) is None
    assert Cache(tmp_path).output("anything.pdf") is None
    assert Cache(tmp_path).hints("reader") == {}


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '"a string"', ""])
def test_a_damaged_record_means_no_reuse(setup: Any, content: str) -> None:
    cache, root, _, _ = setup
    (cache.state / RECORD).write_text(content)
    assert cache.unchanged(REQUEST, root) is None


def test_another_request_means_no_reuse(setup: Any) -> None:
    cache, root, _, _ = setup
    assert cache.unchanged({**REQUEST, "source_date_epoch": "1700000000"}, root) is None
    assert cache.unchanged({**REQUEST, "editions": [["reader", ["epub"]]]}, root) is None


def test_a_changed_input_means_no_reuse(setup: Any) -> None:
    cache, root, _, _ = setup
    (root / "sections" / "a.md").write_text("# A, edited\n")
    assert cache.unchanged(REQUEST, root) is None


def test_a_removed_input_means_no_reuse(setup: Any) -> None:
    cache, root, _, _ = setup
    (root / "sections" / "a.md").unlink()
    assert cache.unchanged(REQUEST, root) is None


def test_an_input_replaced_by_a_symlink_means_no_reuse(setup: Any, tmp_path: Path) -> None:
    """Same bytes through a link: the build would refuse the link, so it must run again."""
    cache, root, _, _ = setup
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("# A\n")
    (root / "sections" / "a.md").unlink()
    (root / "sections" / "a.md").symlink_to(elsewhere)
    assert cache.unchanged(REQUEST, root) is None


def test_a_new_template_means_no_reuse(setup: Any) -> None:
    cache, root, _, _ = setup
    (root / "templates").mkdir()
    (root / "templates" / "cover.html").write_text("")
    assert cache.unchanged(REQUEST, root) is None


@pytest.mark.parametrize("damage", ["delete", "same-size", "truncate"])
def test_a_damaged_output_means_no_reuse(setup: Any, damage: str) -> None:
    cache, root, _, outputs = setup
    path = cache.folder / outputs[0]["file"]
    if damage == "delete":
        path.unlink()
    elif damage == "same-size":
        path.write_bytes(b"%PDF-1.7 OUTPUT")
    else:
        path.write_bytes(b"%PDF")
    assert cache.unchanged(REQUEST, root) is None
    assert cache.output(outputs[0]["file"]) is None


def test_output_finds_an_intact_output_by_name(setup: Any) -> None:
    cache, _, _, outputs = setup
    found = cache.output("x-reader-0123456789.pdf")
    assert found == outputs[0]
    found["size"] = -1  # a copy: the caller may change it
    assert cache.output("x-reader-0123456789.pdf") == outputs[0]
    assert cache.output("x-reader-9999999999.pdf") is None


def test_remember_keeps_earlier_outputs_that_still_exist(setup: Any) -> None:
    cache, root, inputs, outputs = setup
    (cache.folder / "x-briefing-0123456789.pdf").write_bytes(b"b")
    briefing = {"file": "x-briefing-0123456789.pdf", "size": 1, "sha256": digest(b"b")}
    cache.remember(REQUEST, root, inputs, [briefing])
    assert cache.output("x-reader-0123456789.pdf") == outputs[0]  # still known
    assert cache.output("x-briefing-0123456789.pdf") == briefing
    record = json.loads((cache.state / RECORD).read_text())
    assert [o["file"] for o in record["outputs"]] == [briefing["file"], outputs[0]["file"]]
    # an earlier output whose file is gone is forgotten
    (cache.folder / "x-reader-0123456789.pdf").unlink()
    cache.remember(REQUEST, root, inputs, [briefing])
    record = json.loads((cache.state / RECORD).read_text())
    assert [o["file"] for o in record["outputs"]] == [briefing["file"]]


def test_rewriting_an_output_replaces_its_record(setup: Any) -> None:
    cache, root, inputs, outputs = setup
    path = cache.folder / outputs[0]["file"]
    path.write_bytes(b"new bytes")
    new = {**outputs[0], "size": 9, "sha256": digest(b"new bytes")}
    cache.remember(REQUEST, root, inputs, [new])
    record = json.loads((cache.state / RECORD).read_text())
    assert record["outputs"] == [new]


def test_page_hints_round_trip(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.save_hints("reader", {"fn-1": 3, "story": 2})
    assert cache.hints("reader") == {"fn-1": 3, "story": 2}
    assert cache.hints("briefing") == {}
    (cache.state / "pages-reader.json").write_text("[3]")
    assert cache.hints("reader") == {}


def test_memos_round_trip_for_the_same_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bibliography, "MEMO", {"k1": {"a": "<i>A</i>"}, "k2": {"b": "B"}})
    monkeypatch.setattr(bibliography, "USED", {"k1"})
    cache = Cache(tmp_path)
    cache.save_memos()
    saved = json.loads((cache.state / "memos.json").read_text())
    assert saved["sources"] == {"k1": {"a": "<i>A</i>"}}  # only what this build used
    monkeypatch.setattr(bibliography, "MEMO", {})
    cache.load_memos()
    assert bibliography.MEMO == {"k1": {"a": "<i>A</i>"}}


def test_memos_of_another_code_version_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path)
    cache._write("memos.json", {"fingerprint": "other", "dates": {}, "sources": {"k": {"a": "A"}}})
    monkeypatch.setattr(bibliography, "MEMO", {})
    cache.load_memos()
    assert bibliography.MEMO == {}


def test_malformed_memo_entries_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path)
    sources = {"good": {"a": "A"}, "list": ["x"], "number": {"a": 1}}
    cache._write(
        "memos.json",
        {"fingerprint": cache_module.fingerprint(), "dates": None, "sources": sources},
    )
    monkeypatch.setattr(bibliography, "MEMO", {})
    cache.load_memos()
    assert bibliography.MEMO == {"good": {"a": "A"}}


def test_request_key(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = [(Edition(name="reader"), ["pdf", "epub"]), (Edition(name="briefing"), ["pdf"])]
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    key = request_key(None, plan, "1.2")
    assert key == {
        "version": "1.2",
        "editions": [["reader", ["pdf", "epub"]], ["briefing", ["pdf"]]],
        "source_date_epoch": "",
    }
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert request_key(None, plan, "1.2")["source_date_epoch"] == "1700000000"
