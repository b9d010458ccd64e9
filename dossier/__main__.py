"""`python -m dossier`."""

from .cli import main

main()
