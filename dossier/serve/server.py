"""The preview's HTTP server: 127.0.0.1 only, requests with another Host header refused, and
three addresses and nothing else: the page (with the reload script and, after a mistake,
the overlay), its event stream (server-sent events) and the edition's PDF on demand. No
path is ever mapped to a file, so no request can reach outside the build.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import signal
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from markupsafe import Markup

from dossier.config import load_config
from dossier.errors import ConfigError, DossierError
from dossier.rendering.environment import make_environment
from dossier.rendering.words import catalogue_for, speaking
from dossier.serve.preview import Preview, Shown
from dossier.serve.watch import start_watching

log = logging.getLogger("dossier")

HOST = "127.0.0.1"
PAGE, EVENTS, PDF = "/", "/__dossier/events", "/__dossier/pdf"
KEEP_ALIVE = 10.0  # seconds between comments on an idle event stream
STOP_WAIT = 20.0  # seconds Ctrl-C waits for a rebuild under way


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, preview: Preview, port: int) -> None:
        super().__init__((HOST, port), Handler)
        self.preview = preview
        self.stopping = threading.Event()
        self.hosts = {f"{HOST}:{self.server_port}", f"localhost:{self.server_port}"}
        config = load_config(preview.root)
        env = make_environment(config.project)
        self.templates = env
        self.words = catalogue_for(config.language, config.strings)  # the dossier's language
        self.script = env.get_template("serve/live.js").render()
        digest = hashlib.sha256(self.script.encode()).digest()
        # the page may load nothing from outside itself; the one script is ours, by hash
        self.policy = (
            "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{base64.b64encode(digest).decode()}'; connect-src 'self'"
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_port}/"

    def page(self, shown: Shown) -> bytes:
        """The last good page with the live part before its end (a template's markup)."""
        env = self.templates
        with speaking(self.words):
            live = env.get_template("serve/live.html").render(
                problems=shown.problems,
                failed=shown.failed,
                generation=shown.generation,
                events=EVENTS,
                pdf=PDF,
                script=Markup(self.script),
            )
        text = shown.page.decode() if shown.page else env.get_template("serve/empty.html").render()
        head, end, tail = text.rpartition("</body>")
        return (head + live + end + tail if end else text + live).encode()


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle kept-alive connection is closed, not held open for ever

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("serve: " + format, *args)

    def do_GET(self) -> None:
        if self.headers.get("Host", "") not in self.server.hosts:
            self.respond(HTTPStatus.FORBIDDEN, b"Refused: this preview answers 127.0.0.1 only.\n")
            return
        url = urlsplit(self.path)
        if url.path == PAGE and not url.query:
            page = self.server.page(self.server.preview.shown)
            self.respond(HTTPStatus.OK, page, "text/html; charset=utf-8")
        elif url.path == EVENTS:
            since = parse_qs(url.query).get("since", ["0"])[0]
            self.stream(int(since) if since.isdigit() else 0)
        elif url.path == PDF and not url.query:
            self.send_pdf()
        else:
            self.respond(HTTPStatus.NOT_FOUND, b"Not found: this preview serves its page only.\n")

    def respond(self, status: HTTPStatus, body: bytes, kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", self.server.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def stream(self, since: int) -> None:
        """Server-sent events: `reload` whenever the preview's state moves past `since`."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            while not self.server.stopping.is_set():
                shown = self.server.preview.wait(since, KEEP_ALIVE)
                if shown.generation > since:
                    since = shown.generation
                    self.wfile.write(f"event: reload\ndata: {since}\n\n".encode())
                else:
                    self.wfile.write(b": waiting\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page went away

    def send_pdf(self) -> None:
        try:
            data = self.server.preview.pdf()
        except DossierError as exc:
            body = "\n".join(str(p) for p in exc.problems).encode() + b"\n"
            self.respond(HTTPStatus.CONFLICT, body, "text/plain; charset=utf-8")
            return
        except Exception:
            log.exception("dossier serve: building the PDF failed")
            self.respond(HTTPStatus.INTERNAL_SERVER_ERROR, b"dossier failed: see its terminal\n")
            return
        self.respond(HTTPStatus.OK, data, "application/pdf")


def serve(
    project: str | Path = ".",
    edition: str | None = None,
    port: int = 8000,
    open_browser: bool = False,
    ready: threading.Event | None = None,
) -> None:
    """Serve the edition's page on 127.0.0.1:`port` until interrupted (Ctrl-C), rebuilding
    it whenever an input changes. Raises `DossierError` if the manifest cannot be read."""
    preview = Preview(Path(project), edition)
    config = load_config(preview.root)  # a broken manifest stops here, before serving
    if edition is not None and edition not in config.editions:
        raise ConfigError(
            f"unknown edition '{edition}': the manifest defines {', '.join(config.editions)}"
        )
    preview.rebuild()
    server = PreviewServer(preview, port)
    stop = server.stopping
    watcher = start_watching(preview, stop, config.root / "build")
    log.info("Serving the %s edition at %s (Ctrl-C stops)", preview.shown.edition, server.url)
    if open_browser:
        webbrowser.open(server.url)
    if ready is not None:
        ready.set()
    previous = _stop_on_signals()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        stop.set()
        preview.close()
        server.server_close()
        # a rebuild under way finishes first (it takes about a second); the bound is for a
        # rebuild stuck in a project's own files, which must not keep Ctrl-C from working
        watcher.join(timeout=STOP_WAIT)
        log.info("Stopped serving")


def _stop_on_signals() -> dict[int, Any]:
    """Ctrl-C (SIGINT) and SIGTERM stop the server, whatever the process inherited: a
    program started in the background by a shell, or by some test runners, starts with
    SIGINT ignored, and Python then never raises KeyboardInterrupt. The handlers replaced
    (none outside the main thread, where signals cannot be handled)."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def stop(number: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous: dict[int, Any] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, stop)
    return previous
