"""dossier: a folder of Markdown sections and a little structured data in, a print-quality
PDF and an accessible EPUB 3 out.

The public API (see dossier/README.md for which folder holds what):

    load_config(folder) -> Config           read and validate dossier.toml
    check(folder_or_config) -> [Problem]    read and check a project, render nothing
    build(folder_or_config, *, editions=..., formats=..., output_dir=..., force=...) -> [Output]
    verify(pdf, *, rebuild=False) -> Verification   check an archived PDF

Mistakes in a project raise `DossierError` (one `Problem` per mistake, each with its file
and line); anything else is a bug.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# `build` and `verify` share their name with their module, so they are bound now (a later
# `import dossier.build` must not shadow the function).
from dossier.build import Output, build
from dossier.config import Config, load_config
from dossier.errors import DossierError, Problem
from dossier.verify import Verification, verify
from dossier.version import __version__

if TYPE_CHECKING:
    from dossier.reading.project import check

# Imported on first use, so that `dossier --version` or a build with nothing to do does not
# pay for reading every kind of input (markdown-it, EDTF, citeproc) (PEP 562).
_LAZY = {"check": "dossier.reading.project"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dossier' has no attribute {name!r}")


__all__ = [
    "Config",
    "DossierError",
    "Output",
    "Problem",
    "Verification",
    "__version__",
    "build",
    "check",
    "load_config",
    "verify",
]
