"""`dossier scrub`: remove identifying metadata from the images a project uses, in place.

The images are those a build reads: every image named in a section, a stylesheet or the
project's templates/ folder (the files `dossier check` reads). Other files in the folder
(originals kept beside the project, earlier outputs) are not touched: they reach no output.
Each image is rewritten atomically (a temporary file renamed over it, its permissions kept)
and only if it carried something; the pixels are not re-encoded (see `sandbox.images`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dossier.config import load_config
from dossier.outputs.files import write_atomic
from dossier.reading.project import read_project
from dossier.sandbox.images import DAMAGED, scrub


@dataclass(frozen=True)
class Scrubbed:
    """One image of the project and what was (or, on a dry run, would be) removed."""

    path: str
    removed: list[str]
    before: int
    after: int
    cleaned: bool  # False: a dry run, or a damaged file that could not be cleaned


def scrub_project(project_dir: str | Path = ".", dry_run: bool = False) -> list[Scrubbed]:
    """Clean every image the project uses; the images that carried metadata, by path.
    Raises `DossierError` if the manifest cannot be read."""
    config = load_config(project_dir)
    read_project(config)  # reads every file a build reads, images included
    project = config.project
    results = []
    for path in sorted(project.files_read):
        data = project.read_bytes(path)
        result = scrub(data, path)
        if not result.removed:
            continue
        damaged = result.removed == [DAMAGED]
        if not dry_run and not damaged:
            target = project.root / path
            mode = os.stat(target).st_mode & 0o7777
            write_atomic(target, result.data)
            os.chmod(target, mode)
        results.append(
            Scrubbed(path, result.removed, len(data), len(result.data), not dry_run and not damaged)
        )
    return results
