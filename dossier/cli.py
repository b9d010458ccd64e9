"""The command line: click commands only. Each parses its options, calls the library and
turns a `DossierError` into one line per problem on stderr and exit code 1."""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from dossier.errors import DossierError
from dossier.version import __version__

EXIT_USER_ERROR = 1


@contextmanager
def user_errors() -> Iterator[None]:
    """Mistakes in the user's project: one line each, exit 1, no traceback. A termination
    signal stops the build like Ctrl-C: cleanly, removing its temporary files."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    except DossierError as exc:
        for problem in exc.problems:
            click.echo(f"dossier: {problem}", err=True)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        click.echo("dossier: interrupted", err=True)
        sys.exit(130)


def configure_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("dossier")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="dossier")
def main() -> None:
    """Turn a folder of Markdown sections, a chronology and a sources file into a
    print-quality PDF and an accessible EPUB 3.

    \b
    Examples:
      dossier build                 build the project in the current folder into build/
      dossier check path/to/project  check a project without rendering it
    """


@main.command("build")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["pdf", "epub"]),
    help="Only this format (repeatable). Default: the formats of each edition.",
)
@click.option(
    "--edition",
    "editions",
    multiple=True,
    metavar="NAME",
    help="Build this edition (repeatable). Default: the manifest's default editions.",
)
@click.option(
    "--output",
    "-o",
    "output_dir",
    type=click.Path(file_okay=False),
    help="Output folder. Default: build/ in the project.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render everything again instead of reusing outputs whose inputs did not change.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the timing of every stage.")
def build_command(
    project_dir: str,
    formats: tuple[str, ...],
    editions: tuple[str, ...],
    output_dir: str | None,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the dossier in PROJECT_DIR (default: the current folder).

    Progress goes to stderr as numbered steps with timings; the outputs are listed at the end.

    \b
    Examples:
      dossier build                          all default editions, PDF and EPUB
      dossier build --format pdf             PDFs only
      dossier build --edition briefing       one edition
      dossier build ../other -o /tmp/out     another project, another output folder
    """
    from dossier.build import build

    configure_logging(quiet, verbose)
    with user_errors():
        outputs = build(project_dir, editions, formats, output_dir, force)
    if not quiet:
        for output in outputs:
            pages = f", {output.pages} pages" if output.pages else ""
            reused = ", unchanged" if output.reused else ""
            click.echo(f"{output.path}  ({_size(output.size)}{pages}{reused})")


@main.command("check")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text: one problem per line (path:line:col: severity: message); json: a list.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check_command(project_dir: str, output_format: str, strict: bool) -> None:
    """Check the project in PROJECT_DIR without rendering it.

    Reports unknown citation keys, uncited sources, chronology rows without sources, invalid
    EDTF dates, duplicate ids, broken links, images without alt text, and manifest and
    front-matter mistakes, one per line. Exit code 1 if there are errors (or warnings, with
    --strict).

    \b
    Examples:
      dossier check
      dossier check --strict --format json > problems.json
    """
    from dossier.reading.check import check

    with user_errors():
        try:
            problems, _, _ = check(project_dir)
            found = problems.sorted()
        except DossierError as exc:  # the manifest itself is broken
            found = exc.problems
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in found], ensure_ascii=False, indent=2))
    else:
        for problem in found:
            click.echo(str(problem))
        errors = sum(p.severity == "error" for p in found)
        click.echo(f"{errors} error(s), {len(found) - errors} warning(s)", err=True)
    failed = any(p.severity == "error" or strict for p in found)
    sys.exit(EXIT_USER_ERROR if failed else 0)


@main.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--rebuild",
    is_flag=True,
    help="Also rebuild the edition from the attached sources and compare the bytes.",
)
def verify_command(file: str, rebuild: bool) -> None:
    """Check an archived PDF (an edition with attach_sources) against itself.

    Reads the attached manifest.json, checks the SHA-256 of every attached source file, and
    with --rebuild builds the edition again from those files (with the recorded
    SOURCE_DATE_EPOCH) and compares the bytes. Exit code 1 if anything does not match or the
    file is damaged.

    \b
    Examples:
      dossier verify build/deserters-kbr-archive-a79a7eeece.pdf
      dossier verify --rebuild archived.pdf
    """
    from pathlib import Path

    from dossier.verify import verify

    with user_errors():
        result = verify(Path(file), rebuild)
    manifest = result.manifest
    click.echo(
        f"{file}: {manifest.get('dossier')} {manifest.get('edition')} edition, "
        f"stamp {manifest.get('stamp')}, built {manifest.get('build_time')}"
    )
    click.echo(
        f"  {len(result.matched)} of {len(manifest['files'])} source files match manifest.json"
    )
    for label, names in (
        ("ALTERED", result.altered),
        ("MISSING", result.missing),
        ("NOT IN MANIFEST", result.unexpected),
    ):
        for name in names:
            click.echo(f"  {label}: {name}")
    if result.rebuilt is not None:
        click.echo(f"  {'OK' if result.rebuilt else 'DIFFERENT'}: {result.rebuild_note}")
    elif rebuild:
        click.echo("  not rebuilt: the attached sources do not match their manifest")
    click.echo("verified" if result.ok else "NOT verified: the file was altered or is incomplete")
    sys.exit(0 if result.ok else EXIT_USER_ERROR)


@main.group("links")
def links_group() -> None:
    """Check, save and archive the web pages a dossier cites. The only commands that use the
    network (a build never does).

    \b
    Examples:
      dossier links check                   report dead, moved and changed pages
      dossier links snapshot                save each source's page into sources/snapshots/
      dossier links archive                 ask the Wayback Machine to capture the rest
    """


def _network_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--timeout",
        type=click.FloatRange(0.1, 600),
        default=15.0,
        show_default=True,
        help="Seconds to wait for each answer.",
    )(command)
    return click.option(
        "--per-host",
        type=click.IntRange(1, 16),
        default=2,
        show_default=True,
        help="At most this many requests at a time to any one host.",
    )(command)


@links_group.command("check")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text: one finding per line (path:line:col: kind: url (detail)); json: a list.",
)
@_network_options
def links_check_command(
    project_dir: str, output_format: str, timeout: float, per_host: int
) -> None:
    """Fetch every web address in the sources file and the sections of PROJECT_DIR.

    Reports dead links (an error status, no answer, unreachable), redirects to another page
    (moved), and pages whose content no longer matches a recorded SHA-256 (changed), each
    with the file and line where the address is written. Exit code 1 if any link is dead.

    \b
    Examples:
      dossier links check
      dossier links check --format json > links.json
    """
    from dossier.links.check import check_links
    from dossier.links.http import Client

    with user_errors():
        result = check_links(project_dir, Client(timeout, per_host))
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in result.problems], ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            click.echo(str(problem))
    click.echo(
        f"{result.checked} address(es) checked in {result.places} place(s): "
        f"{result.count('dead')} dead, {result.count('moved')} moved, "
        f"{result.count('changed')} changed",
        err=True,
    )
    sys.exit(EXIT_USER_ERROR if result.count("dead") else 0)


@links_group.command("snapshot")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--refresh", is_flag=True, help="Save pages again that already have a snapshot.")
@_network_options
def links_snapshot_command(project_dir: str, refresh: bool, timeout: float, per_host: int) -> None:
    """Save the page of each source of PROJECT_DIR into sources/snapshots/<id>.<html|pdf|txt>
    and record its SHA-256 and the day in the sources file (custom.copies, kind snapshot).

    Archive editions attach the saved pages, and `dossier verify` checks them. Sources that
    already have a snapshot are skipped unless --refresh. Exit code 1 if a page could not be
    saved.

    \b
    Examples:
      dossier links snapshot
      dossier links snapshot --refresh path/to/project
    """
    from dossier.links.http import Client
    from dossier.links.snapshot import snapshot

    with user_errors():
        results = snapshot(project_dir, Client(timeout, per_host), refresh)
    failed = 0
    for saved in results:
        if saved.file:
            click.echo(f"saved {saved.file} ({_size(saved.size)}, sha256 {saved.sha256[:12]}…)")
        else:
            failed += 1
            click.echo(f"{saved.where}: not saved: {saved.url} ({saved.reason})")
    click.echo(f"{len(results) - failed} page(s) saved, {failed} not saved", err=True)
    sys.exit(EXIT_USER_ERROR if failed else 0)


@links_group.command("archive")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="A web archive with the Wayback Machine's save interface (GET URL/save/<page>). "
    "Default: $DOSSIER_ARCHIVE_ENDPOINT, else https://web.archive.org.",
)
@click.option(
    "--pause",
    type=click.FloatRange(0, 600),
    default=5.0,
    show_default=True,
    help="Seconds between two requests to the archive.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=120.0,
    show_default=True,
    help="Seconds to wait for each capture.",
)
def links_archive_command(
    project_dir: str, endpoint: str | None, pause: float, timeout: float
) -> None:
    """Ask a web archive to capture the page of each source of PROJECT_DIR that has no
    archived copy, and record each capture (address and day) in the sources file.

    Exit code 1 if a page could not be archived.

    \b
    Examples:
      dossier links archive
      dossier links archive --endpoint https://archive.example.org
    """
    import os

    from dossier.links.archive import DEFAULT_ENDPOINT, archive
    from dossier.links.http import Client

    where = endpoint or os.environ.get("DOSSIER_ARCHIVE_ENDPOINT") or DEFAULT_ENDPOINT
    with user_errors():
        results = archive(project_dir, Client(timeout, 1), where, pause)
    failed = 0
    for done in results:
        if done.capture:
            day = done.captured.isoformat() if done.captured else "undated"
            click.echo(f"archived {done.url} -> {done.capture} ({day})")
        else:
            failed += 1
            click.echo(f"{done.where}: not archived: {done.url} ({done.reason})")
    click.echo(f"{len(results) - failed} page(s) archived, {failed} not archived", err=True)
    sys.exit(EXIT_USER_ERROR if failed else 0)
