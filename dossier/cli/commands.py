"""The command line: click commands only. Each parses its options, calls the library and
turns a `DossierError` into one line per problem on stderr and exit code 1."""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import click

from dossier.errors import DossierError, Problem
from dossier.version import __version__

if TYPE_CHECKING:
    from dossier.build import Output
    from dossier.verify import Verification

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


def _live_outputs() -> Any:
    from dossier.cli.progress import LiveOutputs  # rich: imported only for a terminal

    return LiveOutputs()


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="dossier")
def main() -> None:
    """Turn a folder of Markdown sections, a chronology and a sources file into a
    print-quality PDF and an accessible EPUB 3.

    \b
    Examples:
      dossier new my-dossier        start a new dossier in the folder my-dossier
      dossier build                 build the project in the current folder into build/
      dossier check path/to/project  check a project without rendering it
    """


@main.command("build")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["pdf", "epub", "html"]),
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

    Progress goes to stderr as numbered steps with timings (on a terminal, also one live
    line per output); the outputs are listed at the end.

    \b
    Examples:
      dossier build                          all default editions, PDF and EPUB
      dossier build --format pdf             PDFs only
      dossier build --edition briefing       one edition
      dossier build ../other -o /tmp/out     another project, another output folder
    """
    from dossier.build import build

    configure_logging(quiet, verbose)
    live = not quiet and sys.stderr.isatty()  # one live line per output on a terminal
    with user_errors(), _live_outputs() if live else nullcontext() as shown:
        outputs = build(
            project_dir,
            editions=editions,
            formats=formats,
            output_dir=output_dir,
            force=force,
            progress=shown,
        )
    if not quiet:
        for output in outputs:
            click.echo(_describe(output))


@main.command("new")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--title", default="", help="The dossier's title (default: from the folder name).")
@click.option(
    "--language", default="en", show_default=True, help="Language of the text (BCP 47: en, ru, ka)."
)
def new_command(folder: str, title: str, language: str) -> None:
    """Start a new dossier in FOLDER (a new or empty folder): a manifest, two sections, a
    chronology and a sources file that build at once."""
    from dossier.starter import new_project

    with user_errors():
        written = new_project(folder, title, language)
    click.echo(f"Created {len(written)} files in {folder}. Next:")
    click.echo(f"  dossier check {folder}")
    click.echo(f"  dossier build {folder}")


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
    from dossier.reading.project import check

    with user_errors():
        try:
            found = check(project_dir)
        except DossierError as exc:  # the manifest itself is broken
            found = exc.problems
    _report_problems(found, output_format)
    failed = any(p.severity == "error" or strict for p in found)
    sys.exit(EXIT_USER_ERROR if failed else 0)


@main.command("scrub")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--dry-run", is_flag=True, help="Only list what would be removed; change nothing.")
def scrub_command(project_dir: str, dry_run: bool) -> None:
    """Remove identifying metadata from the images the project in PROJECT_DIR uses.

    EXIF (GPS position, camera, serial number, dates, author, maker notes, thumbnails), XMP,
    IPTC, comments and text chunks go; so do SVG <metadata> and editor attributes that hold
    file names and paths. The pixels are not re-encoded; the colour profile and the
    orientation stay. Every image named in a section, stylesheet or template is rewritten in
    place, atomically, if it carried anything; other files are not touched.

    \b
    Examples:
      dossier scrub --dry-run
      dossier scrub path/to/project
    """
    from dossier.outputs.scrub import scrub_project

    with user_errors():
        results = scrub_project(project_dir, dry_run)
    verb = "would remove" if dry_run else "removed"
    for result in results:
        if result.cleaned or dry_run:
            click.echo(
                f"{result.path}: {verb} {', '.join(result.removed)} "
                f"({_size(result.before)} -> {_size(result.after)})"
            )
        else:
            click.echo(f"{result.path}: cannot clean: {', '.join(result.removed)}", err=True)
    cleaned = sum(r.cleaned for r in results)
    summary = f"{len(results)} image(s) to clean" if dry_run else f"{cleaned} image(s) cleaned"
    click.echo(summary, err=True)
    sys.exit(0 if dry_run or all(r.cleaned for r in results) else EXIT_USER_ERROR)


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
    from dossier.verify import verify

    with user_errors():
        result = verify(file, rebuild=rebuild)
    _report_verification(file, result, rebuild)
    sys.exit(0 if result.ok else EXIT_USER_ERROR)


@main.command("trace")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--ledger",
    type=click.Path(exists=True, dir_okay=False),
    help="The build's <name>-<edition>-<stamp>-copies.json: also name the recipient.",
)
def trace_command(file: str, ledger: str | None) -> None:
    """Name the numbered copy FILE came from (a PDF, an EPUB, or an image of one page).

    Reads the invisible mark every numbered copy carries (not the metadata, not the
    visible line, which are easy to remove). Exit code 1 when there is no mark, or when a
    mark is damaged: it then says "unreadable" rather than guess a number.

    \b
    Examples:
      dossier trace leaked.pdf
      dossier trace page.png --ledger build/deserters-kbr-briefing-copies-ab807b570b-copies.json
    """
    from dossier.trace import trace

    with user_errors():
        result = trace(file, ledger)
    if result.status == "none":
        click.echo(
            f"dossier: {file}: no copy mark found: it is not a numbered copy made by dossier, "
            "or the part of the page that carries the mark is missing",
            err=True,
        )
        sys.exit(EXIT_USER_ERROR)
    if result.status == "unreadable":
        click.echo(
            f"dossier: {file}: a copy mark is there but unreadable (damaged); no copy is "
            "named rather than a wrong one",
            err=True,
        )
        sys.exit(EXIT_USER_ERROR)
    total = f" of {result.total}" if result.total else ""
    click.echo(f"{file}: copy {result.copy}{total} (mark {result.tag or 0:04x})")
    if result.recipient is not None:
        same = "; the very file distributed" if result.identical else ""
        click.echo(f"  recipient: {result.recipient} (ledger {result.ledger_file}{same})")


def _describe(output: Output) -> str:
    """One line per output file: path, size, pages, and whether it was reused."""
    pages = f", {output.pages} pages" if output.pages else ""
    reused = ", unchanged" if output.reused else ""
    return f"{output.path}  ({_size(output.size)}{pages}{reused})"


def _report_problems(found: list[Problem], output_format: str) -> None:
    """`dossier check`'s report: JSON on stdout, or one line per problem and a count."""
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in found], ensure_ascii=False, indent=2))
        return
    for problem in found:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in found)
    click.echo(f"{errors} error(s), {len(found) - errors} warning(s)", err=True)


def _report_verification(file: str, result: Verification, rebuild: bool) -> None:
    """`dossier verify`'s report: what the archive is, what matched, and the verdict."""
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
