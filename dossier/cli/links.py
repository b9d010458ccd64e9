"""`dossier links …`: check, save and archive the web pages a dossier cites (the only
commands that use the network)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import click

from dossier.cli.commands import EXIT_USER_ERROR, _size, user_errors


@click.group("links")
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
