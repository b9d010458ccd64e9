"""Write outputs safely: complete files appear under their final name or not at all.

Each file is written to a hidden temporary name in the output folder, flushed, and renamed
over the old one (atomic on POSIX). Builds of the same output folder hold a lock, so two
builds running at once take turns instead of interleaving.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from dossier.errors import OutputError

STATE_DIR = ".dossier"


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder's lock for the duration of a build."""
    state = folder / STATE_DIR
    try:
        state.mkdir(parents=True, exist_ok=True)
        handle = open(state / "lock", "a")  # noqa: SIM115 (closed below, after the build)
    except OSError as exc:
        raise OutputError(
            f"cannot write outputs to '{folder}': {exc.strerror.lower() if exc.strerror else exc}"
            " (choose another folder with --output)"
        ) from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; on any failure the old file is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def output_name(name: str, edition: str, stamp: str, fmt: str) -> str:
    """`<name>-<edition>-<stamp>.<format>`: the stamp ties a file to its exact inputs."""
    return f"{name}-{edition}-{stamp}.{fmt}"


def superseded(folder: Path, name: str, edition: str, fmt: str, keep: Path) -> list[Path]:
    """Earlier outputs of the same edition and format (other stamps), to remove after success."""
    pattern = re.compile(rf"{re.escape(name)}-{re.escape(edition)}-[0-9a-f]{{10}}\.{fmt}")
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name) and p != keep)


def copy_name(name: str, edition: str, stamp: str, number: int, fmt: str) -> str:
    """`<name>-<edition>-<stamp>-copy-<NNN>.<format>`: a numbered copy for one recipient."""
    return f"{name}-{edition}-{stamp}-copy-{number:03d}.{fmt}"


def ledger_name(name: str, edition: str, stamp: str) -> str:
    """`<name>-<edition>-<stamp>-copies.json`: who received which copy."""
    return f"{name}-{edition}-{stamp}-copies.json"


def superseded_copies(folder: Path, name: str, edition: str, stamp: str) -> list[Path]:
    """Numbered copies and ledgers of the same edition from other builds (other stamps)."""
    pattern = re.compile(
        rf"{re.escape(name)}-{re.escape(edition)}-([0-9a-f]{{10}})-(copy-\d{{3,}}\.\w+|copies\.json)"
    )
    return sorted(
        p
        for p in folder.iterdir()
        if (m := pattern.fullmatch(p.name)) is not None and m.group(1) != stamp
    )
