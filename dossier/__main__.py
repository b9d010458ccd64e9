"""`python -m dossier`."""

from dossier.cli import main

main()
