"""The `dossier` command line: a thin layer over the library (`commands.py`), with the
network commands in their own group (`links.py`)."""

from dossier.cli.commands import main
from dossier.cli.links import links_group

main.add_command(links_group)

__all__ = ["main"]
