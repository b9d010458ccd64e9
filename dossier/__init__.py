"""dossier: a folder of Markdown sections and a little structured data in, a print-quality
PDF and an accessible EPUB 3 out."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dossier")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

from .build import Output, build
from .errors import DossierError

__all__ = ["DossierError", "Output", "__version__", "build"]
