"""dossier: a folder of Markdown sections and a little structured data in, a print-quality
PDF and an accessible EPUB 3 out."""

from __future__ import annotations

from dossier.build import Output, build
from dossier.errors import DossierError
from dossier.version import __version__

__all__ = ["DossierError", "Output", "__version__", "build"]
