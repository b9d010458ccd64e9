"""dossier: a folder of Markdown sections and a little structured data in, a print-quality
PDF and an accessible EPUB 3 out."""

from __future__ import annotations

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)

from dossier.build import Output, build
from dossier.errors import DossierError

__all__ = ["DossierError", "Output", "__version__", "build"]
