"""The `dossier` command line: a thin layer over the library (`commands.py`), with the
network commands in their own group (`links.py`)."""

from dossier.cli.commands import main
from dossier.cli.links import links_group
from dossier.cli.serve import serve_command

main.add_command(links_group)
main.add_command(serve_command)

__all__ = ["main"]
