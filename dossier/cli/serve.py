"""`dossier serve`: the live preview (see `dossier.serve`)."""

from __future__ import annotations

import click

from dossier.cli.commands import configure_logging, user_errors


@click.command("serve")
@click.argument("project_dir", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--edition",
    metavar="NAME",
    help="Edition to preview. Default: the first "
    "default edition that has an HTML format, else the first default edition.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@click.option("-v", "--verbose", is_flag=True, help="Also log every request.")
def serve_command(
    project_dir: str, edition: str | None, port: int, open_browser: bool, verbose: bool
) -> None:
    """Preview an edition as a web page on 127.0.0.1 that rebuilds and reloads (at the place
    being read) whenever a file of the project changes; a mistake shows over the page. A
    link in the page renders the edition's PDF. Ctrl-C stops."""
    from dossier.serve import serve

    configure_logging(quiet=False, verbose=verbose)
    with user_errors():
        serve(project_dir, edition, port, open_browser)
