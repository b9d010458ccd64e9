"""`dossier links check | snapshot | archive` against a local web server on 127.0.0.1 that
stands in for the web and for a Wayback-style archive: nothing here leaves the machine."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from click.testing import CliRunner

from dossier import build
from dossier.cli import main
from dossier.links.http import USER_AGENT
from dossier.links.snapshot import today
from dossier.verify import verify

from conftest import copy_project

LIVE = b"<!doctype html><title>Report</title><p>The committee's report.</p>"
NEW = b"<!doctype html><title>Report</title><p>The report, edited since.</p>"
PDF = b"%PDF-1.4\n% a tiny stand-in for a PDF source\n%%EOF\n"
CAPTURE = "20261124093000"
SLOW = 1.5  # seconds the slow page waits; the tests' time-out is 0.5 s


class Web(BaseHTTPRequestHandler):
    """The stand-in web: a live page, a moved page, a dead page, a slow page, a page whose
    content changed, a PDF, and an archive's /save/ and /web/ addresses."""

    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Web.agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path.startswith("/save/"):
            self.reply(302, b"", location=f"/web/{CAPTURE}/{path[len('/save/') :]}")
        elif path.startswith("/web/") or path in ("/live", "/live/", "/new-home"):
            self.reply(200, LIVE)
        elif path == "/moved":
            self.reply(301, b"", location="/new-home")
        elif path == "/changed":
            self.reply(200, NEW)
        elif path == "/report.pdf":
            self.reply(200, PDF, "application/pdf")
        elif path == "/slow":
            time.sleep(SLOW)
            self.reply(200, LIVE)
        else:
            self.reply(404, b"not here")

    def reply(
        self, status: int, body: bytes, kind: str = "text/html; charset=utf-8", location: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        # the slow page: the client may have given up waiting
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Web)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


SOURCES = """\
# Sources of the link tests. Comments, order and quoting must survive every rewrite.
references:
  # the report, cited in the story
  - id: report-2023
    type: report
    title: Report of the committee
    author: [{{literal: "Sample Committee"}}]
    issued: {{date-parts: [[2023, 3, 14]]}}
    URL: {web}/live   # the live page
    accessed: {{date-parts: [[2024, 2, 1]]}}

  - id: followup-2023
    type: article-newspaper
    title: 'The committee''s report, revisited'
    container-title: Sample Times
    issued: {{date-parts: [[2023, 5]]}}
    URL: {web}/moved
    custom: {{original-name: Образец}}

  - id: witness
    type: interview
    title: Interview with a witness
    author: [{{literal: "A witness (anonymous)"}}]
    custom: {{protection: anonymous}}

  # pages that are not cited, kept for the checks
  - id: gone
    type: webpage
    title: A page that is gone
    URL: {web}/gone
  - id: slow
    type: webpage
    title: A slow page
    URL: {web}/slow
  - id: edited
    type: webpage
    title: A page edited since it was saved
    URL: {web}/changed
    custom:
      group: publications
      copies:
        - kind: snapshot
          file: sources/snapshots/edited.html
          captured: 2024-02-01
          sha256: {old}
  - id: pdf-report
    type: report
    title: The report as a PDF
    URL: {web}/report.pdf
    custom:
      reliability: "Read in full."   # a trailing comment
"""


def make_project(tmp_path: Path, web: str) -> Path:
    root = copy_project("minimal", tmp_path / "minimal")
    old = LIVE.replace(b"committee", b"commission")
    (root / "sources" / "snapshots").mkdir(parents=True)
    (root / "sources" / "snapshots" / "edited.html").write_bytes(old)
    sources = SOURCES.format(web=web, old=hashlib.sha256(old).hexdigest())
    (root / "sections" / "sources.yaml").write_text(sources, encoding="utf-8")
    story = root / "sections" / "03-context.md"
    story.write_text(story.read_text() + f"\nThe hearing's page [is gone]({web}/dead).\n")
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["links", *args])
    return result.exit_code, result.stdout, result.stderr


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_check_reports_dead_moved_and_changed_pages_with_file_and_line(
    tmp_path: Path, web: str
) -> None:
    root = make_project(tmp_path, web)
    sources = root / "sections" / "sources.yaml"
    started = time.monotonic()
    code, out, err = run("check", str(root), "--timeout", "0.5")
    assert time.monotonic() - started < 10
    assert code == 1, (out, err)
    found = {line.split(": ")[0] + ": " + line.split(": ")[1]: line for line in out.splitlines()}
    assert f"sections/sources.yaml:{line_of(sources, '/gone')}:5: dead" in found
    assert "HTTP 404" in found[f"sections/sources.yaml:{line_of(sources, '/gone')}:5: dead"]
    slow = found[f"sections/sources.yaml:{line_of(sources, '/slow')}:5: dead"]
    assert "no answer within 0.5 s" in slow
    moved = found[f"sections/sources.yaml:{line_of(sources, '/moved')}:5: moved"]
    assert f"HTTP 301 to {web}/new-home" in moved
    assert f"sections/sources.yaml:{line_of(sources, '/changed')}:5: changed" in found
    context = root / "sections" / "03-context.md"
    assert any(
        key.startswith(f"sections/03-context.md:{line_of(context, '/dead')}:") and "dead" in key
        for key in found
    )
    assert len(out.splitlines()) == 5  # the live page and the PDF are fine
    assert "4 dead" not in err and "3 dead, 1 moved, 1 changed" in err
    assert Web.agents and all(a == USER_AGENT and a.startswith("dossier/") for a in Web.agents)


def test_check_as_json(tmp_path: Path, web: str) -> None:
    root = make_project(tmp_path, web)
    code, out, _ = run("check", str(root), "--format", "json", "--timeout", "0.5")
    assert code == 1
    found = json.loads(out)
    kinds = sorted((f["kind"], f["url"].removeprefix(web)) for f in found)
    assert kinds == [
        ("changed", "/changed"),
        ("dead", "/dead"),
        ("dead", "/gone"),
        ("dead", "/slow"),
        ("moved", "/moved"),
    ]
    moved = next(f for f in found if f["kind"] == "moved")
    assert moved["to"] == f"{web}/new-home" and moved["source"] == "followup-2023"
    assert moved["path"] == "sections/sources.yaml" and isinstance(moved["line"], int)


def test_check_exits_0_when_nothing_is_dead(tmp_path: Path, web: str) -> None:
    root = make_project(tmp_path, web)
    sources = root / "sections" / "sources.yaml"
    text = sources.read_text()
    for page in ("/gone", "/slow"):
        text = text.replace(f"{web}{page}", f"{web}/live")
    sources.write_text(text)
    context = root / "sections" / "03-context.md"
    context.write_text(context.read_text().replace(f"{web}/dead", f"{web}/live"))
    code, out, err = run("check", str(root), "--timeout", "0.5")
    assert code == 0, out
    assert "0 dead, 1 moved, 1 changed" in err


def only_added(before: str, after: str) -> bool:
    """Whether `after` is `before` with text inserted, nothing removed or changed."""
    import difflib

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return all(op in ("equal", "insert") for op, *_ in matcher.get_opcodes())


def test_snapshot_saves_pages_and_records_them_keeping_the_file_as_it_was(
    tmp_path: Path, web: str
) -> None:
    root = make_project(tmp_path, web)
    sources = root / "sections" / "sources.yaml"
    before = sources.read_text()
    code, out, err = run("snapshot", str(root), "--timeout", "0.5")
    assert code == 1, (out, err)  # the dead and the slow page could not be saved
    assert "not saved" in out and "/gone (HTTP 404" in out and "no answer within" in out
    snapshots = root / "sources" / "snapshots"
    assert (snapshots / "report-2023.html").read_bytes() == LIVE
    assert (snapshots / "followup-2023.html").read_bytes() == LIVE  # after the redirect
    assert (snapshots / "pdf-report.pdf").read_bytes() == PDF
    assert not (snapshots / "gone.html").exists()
    after = sources.read_text()
    # nothing removed or changed: only lines added
    assert only_added(before, after)
    assert "# the report, cited in the story" in after and "# a trailing comment" in after
    assert "title: 'The committee''s report, revisited'" in after
    data = yaml.safe_load(after)
    entries = {e["id"]: e for e in data["references"]}
    copy = entries["report-2023"]["custom"]["copies"][0]
    assert copy == {
        "kind": "snapshot",
        "file": "sources/snapshots/report-2023.html",
        "captured": today(),
        "sha256": hashlib.sha256(LIVE).hexdigest(),
    }
    assert entries["followup-2023"]["custom"]["original-name"] == "Образец"
    assert entries["followup-2023"]["custom"]["copies"][0]["url"] == f"{web}/new-home"
    assert entries["pdf-report"]["custom"]["reliability"] == "Read in full."
    assert entries["pdf-report"]["custom"]["copies"][0]["file"].endswith(".pdf")
    # the one that had a snapshot was left alone
    assert entries["edited"]["custom"]["copies"][0]["captured"].isoformat() == "2024-02-01"
    check = CliRunner().invoke(main, ["check", str(root)])
    assert "snapshot" not in check.stdout and "copies" not in check.stdout, check.stdout


def test_snapshot_refuses_a_sources_file_it_cannot_parse(tmp_path: Path, web: str) -> None:
    root = make_project(tmp_path, web)
    sources = root / "sections" / "sources.yaml"
    broken = sources.read_text() + "  - id: [unclosed\n"
    sources.write_text(broken)
    code, _out, err = run("snapshot", str(root), "--timeout", "0.5")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dossier: sections/sources.yaml:")
    assert sources.read_text() == broken
    assert not (root / "sources" / "snapshots" / "report-2023.html").exists()


def test_archive_asks_the_service_and_records_each_capture(tmp_path: Path, web: str) -> None:
    root = make_project(tmp_path, web)
    sources = root / "sections" / "sources.yaml"
    before = sources.read_text()
    code, out, err = run("archive", str(root), "--endpoint", web, "--pause", "0")
    assert code == 0, (out, err)
    assert f"archived {web}/live -> {web}/web/{CAPTURE}/{web}/live (2026-11-24)" in out
    assert "6 page(s) archived, 0 not archived" in err
    after = sources.read_text()
    assert only_added(before, after)
    entries = {e["id"]: e for e in yaml.safe_load(after)["references"]}
    assert entries["report-2023"]["custom"]["copies"] == [
        {
            "kind": "archive",
            "url": f"{web}/web/{CAPTURE}/{web}/live",
            "captured": today().replace(2026, 11, 24),
        }
    ]
    edited = entries["edited"]["custom"]["copies"]
    assert [c["kind"] for c in edited] == ["snapshot", "archive"]
    assert "copies" not in entries["witness"].get("custom", {})  # no URL, nothing to archive
    # a second run finds nothing left to archive and leaves the file alone
    code, out, err = run("archive", str(root), "--endpoint", web, "--pause", "0")
    assert code == 0 and "0 page(s) archived" in err
    assert sources.read_text() == after


def test_archive_after_snapshot_extends_the_copies_already_recorded(
    tmp_path: Path, web: str
) -> None:
    root = make_project(tmp_path, web)
    sources = root / "sections" / "sources.yaml"
    run("snapshot", str(root), "--timeout", "0.5")
    code, out, err = run("archive", str(root), "--endpoint", web, "--pause", "0")
    assert code == 0, (out, err)
    entries = {e["id"]: e for e in yaml.safe_load(sources.read_text())["references"]}
    for key in ("report-2023", "followup-2023", "pdf-report", "edited"):
        kinds = [c["kind"] for c in entries[key]["custom"]["copies"]]
        assert kinds == ["snapshot", "archive"], key
    assert entries["followup-2023"]["custom"]["original-name"] == "Образец"
    assert "# a trailing comment" in sources.read_text()
    assert CliRunner().invoke(main, ["check", str(root)]).exit_code == 0


def test_archive_reports_a_service_that_names_no_capture(tmp_path: Path, web: str) -> None:
    root = make_project(tmp_path, web)
    before = (root / "sections" / "sources.yaml").read_text()
    code, out, _ = run("archive", str(root), "--endpoint", f"{web}/nowhere", "--pause", "0")
    assert code == 1
    assert "not archived" in out and "HTTP 404" in out
    assert (root / "sections" / "sources.yaml").read_text() == before


@pytest.mark.slow
def test_snapshots_are_attached_to_the_archive_edition_and_verified(
    tmp_path: Path, web: str
) -> None:
    root = make_project(tmp_path, web)
    manifest = root / "dossier.toml"
    manifest.write_text(
        manifest.read_text()
        + '\n[editions.archive]\nformats = ["pdf"]\npdf_standard = "pdf/a-3u"\n'
        "attach_sources = true\n"
    )
    assert run("snapshot", str(root), "--timeout", "0.5")[0] == 1  # two pages are dead
    outputs = build(root, editions=["archive"])
    result = verify(outputs[0].path)
    assert result.ok
    assert {
        "sources/snapshots/report-2023.html",
        "sources/snapshots/pdf-report.pdf",
        "sources/snapshots/edited.html",
    } <= set(result.matched)
