"""`dossier serve`: a live preview of an edition's HTML page on 127.0.0.1 that rebuilds when
an input changes and reloads the open page where it was being read."""

from dossier.serve.preview import Preview
from dossier.serve.server import serve

__all__ = ["Preview", "serve"]
