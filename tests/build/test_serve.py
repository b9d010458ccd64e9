"""`dossier serve` in a real browser: headless Chromium (Debian's, driven by Playwright)
against the preview of a sample project. The page shows the text; an edit appears without a
reload by hand, at the place being read; a broken front matter shows the overlay with file
and line over the last good page, and the fix clears it; other Host headers and paths are
refused; Ctrl-C stops the server cleanly. And the built HTML edition, opened from file://,
makes no request and logs no error."""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from dossier import build

from conftest import REPO, copy_project

STORY = "sections/02-story.md"
#: axe-core, as DAISY Ace (installed by scripts/setup) carries it
AXE = REPO / ".tools/ace/lib/node_modules/@daisy/ace-cli/node_modules/@daisy/axe-core-for-ace"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TIMEOUT_MS = 30_000  # a rebuild is well under a second; a loaded machine is slower


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: run scripts/setup")
    with sync_playwright() as playwright:
        # as root, Chromium runs only without its sandbox; the pages are our own
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    root: Path
    log: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].strip("/"))

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        """A raw request: the path is sent as written (no normalising of '..')."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": host} if host is not None else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()


def start(root: Path, ignore_sigint: bool = False) -> Server:
    def inherited() -> None:  # as a shell starts a program in the background
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    process = subprocess.Popen(
        [sys.executable, "-m", "dossier", "serve", str(root), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=inherited if ignore_sigint else None,
    )
    assert process.stderr is not None
    lines: list[str] = []
    for line in process.stderr:
        lines.append(line)
        if found := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
            server = Server(process, found.group(1), root, lines)
            # keep reading its log, so that the pipe never fills
            threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True).start()
            return server
    raise AssertionError("dossier serve did not start:\n" + "".join(lines))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start(copy_project("minimal", tmp_path / "sample"))
    yield running
    if running.process.poll() is None:
        running.process.kill()


def messages(page: Page) -> list[Any]:
    found: list[Any] = []
    page.on(
        "console",
        lambda m: found.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: found.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: found.append(f"failed: {r.url} {r.failure}"))
    return found


def real(problems: list[Any]) -> list[Any]:
    """Without the event streams the page closes on purpose before it reloads."""
    return [p for p in problems if not re.match(r"failed: \S+/__dossier/events\?since=\d+ ", p)]


def test_live_preview_edit_mistake_and_fix(server: Server, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    problems = messages(page)
    page.goto(server.url)
    assert page.locator("main h1", has_text="The story").is_visible()
    assert "Its chair spoke first." in page.inner_text("main")

    # reading the chronology: after the edit, the page comes back to it
    page.evaluate("document.getElementById('chronology').scrollIntoView()")
    before = page.evaluate("document.getElementById('chronology').getBoundingClientRect().top")
    story = server.root / STORY
    good = story.read_text()
    story.write_text(good.replace("Its chair spoke first.", "Its chair spoke first, briefly."))
    page.wait_for_function(
        "() => document.body.innerText.includes('spoke first, briefly')", timeout=TIMEOUT_MS
    )
    page.wait_for_load_state("load")
    after = page.evaluate("document.getElementById('chronology').getBoundingClientRect().top")
    assert abs(after - before) < 40, (before, after)

    # a broken front matter: the overlay names the file and line; the last good page stays
    story.write_text(good.replace("title: The story", "title: [The story"))
    overlay = page.wait_for_selector(".dossier-serve-overlay", timeout=TIMEOUT_MS)
    text = overlay.inner_text()
    assert re.search(r"sections/02-story\.md:\d+", text), text
    assert "Traceback" not in page.content()
    assert "spoke first, briefly" in page.inner_text("main")

    # the fix clears it
    story.write_text(good)
    page.wait_for_selector(".dossier-serve-overlay", state="detached", timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.body.innerText.includes('spoke first, briefly')", timeout=TIMEOUT_MS
    )
    assert real(problems) == []

    # Ctrl-C stops it cleanly
    server.process.send_signal(signal.SIGINT)
    # a clean stop takes well under a second; the margin is for a loaded machine, a hang still fails
    assert server.process.wait(timeout=120) == 0
    assert "Stopped serving" in "".join(server.log)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_it_stops_on_ctrl_c_even_if_started_ignoring_it(tmp_path: Path, stop: int) -> None:
    """A shell's background job (and some test runners) start with SIGINT ignored, and
    Python then raises no KeyboardInterrupt: the server must stop on Ctrl-C all the same,
    and on SIGTERM (a service manager's stop)."""
    running = start(copy_project("minimal", tmp_path / "sample"), ignore_sigint=True)
    try:
        assert running.get("/")[0] == 200
        running.process.send_signal(stop)
        assert running.process.wait(timeout=60) == 0
        assert "Stopped serving" in "".join(running.log)
    finally:
        if running.process.poll() is None:
            running.process.kill()


def test_only_the_page_and_only_for_127_0_0_1(server: Server) -> None:
    status, body = server.get("/")
    assert status == 200 and b"A sample dossier" in body
    for path in (
        "/../dossier.toml",
        "/dossier.toml",
        "/sections/02-story.md",
        "/%2e%2e/dossier.toml",
        "//etc/passwd",
    ):
        status, body = server.get(path)
        assert status == 404 and b"identifier" not in body, path
    for host in ("evil.example", "evil.example:80", f"192.168.1.2:{server.port}", ""):
        status, body = server.get("/", host=host)
        assert status == 403 and b"A sample dossier" not in body, host


def test_the_pdf_link_renders_the_edition(server: Server, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server.url)
    href = page.get_attribute("a.dossier-serve-pdf", "href")
    assert href
    status, body = server.get(href)
    assert status == 200 and body.startswith(b"%PDF-")
    assert list((server.root / "build").glob("sample-*.pdf"))


def test_the_html_edition_from_file_makes_no_request_and_logs_no_error(
    tmp_path: Path, browser: Browser
) -> None:
    root = copy_project("minimal", tmp_path / "sample")
    with (root / "dossier.toml").open("a") as manifest:
        manifest.write('\n[editions.reader]\nformats = ["html"]\n')
    [output] = build(root)
    page = browser.new_page()
    problems = messages(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(output.path.as_uri())
    page.wait_for_load_state("networkidle")
    assert problems == []
    assert requests == [output.path.as_uri()]
    # the fonts of the page are its own, loaded from inside it
    assert page.evaluate("document.fonts.check('16px \"Dossier Text\"')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').length")
    assert loaded >= 2
    # a note called shows over the text (CSS only), and closes again
    page.click("a.noteref >> nth=0")
    note = page.locator("aside.footnote:target")
    assert note.evaluate("e => getComputedStyle(e).position") == "fixed"
    note.locator("a.fn-close").click()
    assert page.locator("aside.footnote:target").count() == 0


def test_the_html_edition_passes_axe(tmp_path: Path, browser: Browser) -> None:
    """WCAG 2.x A/AA and axe's best practices, checked by axe-core in the browser."""
    if not (AXE / "axe.min.js").exists():
        pytest.fail("axe-core (with DAISY Ace) is missing: run scripts/setup")
    root = copy_project("minimal", tmp_path / "sample")
    with (root / "dossier.toml").open("a") as manifest:
        manifest.write('\n[editions.reader]\nformats = ["html"]\n')
    [output] = build(root)
    page = browser.new_page()
    page.goto(output.path.as_uri())
    page.add_script_tag(path=str(AXE / "axe.min.js"))
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
            .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(", ")}`)""",
        AXE_TAGS,
    )
    assert violations == []
