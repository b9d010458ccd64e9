"""Builds at the same time, and builds killed while rendering: outputs stay whole, no worker
survives, the next build is not blocked."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from dossier import build

from conftest import copy_project
from runner import (
    TIMEOUT,
    assert_complete_outputs,
    cli_env,
    kill_session,
    kill_while_rendering,
    long_section,
    session_processes,
    snapshot,
    start_build,
    temporary_files,
)


def test_two_builds_at_the_same_time_both_succeed(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "project")
    command = [sys.executable, "-m", "dossier", "build", str(root)]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    processes = [
        subprocess.Popen(command, cwd=tmp_path, env=cli_env(), start_new_session=True, **pipes)
        for _ in range(2)
    ]
    try:
        results = [p.communicate(timeout=TIMEOUT) for p in processes]
    finally:
        for process in processes:
            kill_session(process.pid)
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0 and b"Traceback" not in err, err.decode()
        assert out.count(b".pdf") == 1 and out.count(b".epub") == 1, out.decode()
    listed = [{line.split()[0] for line in out.splitlines()} for out, _ in results]
    assert listed[0] == listed[1]  # the same files, listed by both
    assert_complete_outputs(root / "build")


def test_a_killed_build_leaves_earlier_outputs_untouched(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "project")
    build(root)
    before = snapshot(root / "build")
    long_section(root)
    session = kill_while_rendering(root)
    try:
        assert snapshot(root / "build") == before
        assert temporary_files(root / "build") == []
    finally:
        kill_session(session)


# the long project builds in about 6 s on a quiet machine; the limit only tells a hang (the
# bug below) from a slow build on a loaded one
NEXT_BUILD_TIMEOUT = 180


def test_a_killed_build_does_not_block_the_next_one(tmp_path: Path) -> None:
    """Found by this test: the orphaned render worker once blocked for ever in send() while
    holding the output folder's lock, so every later build hung."""
    root = copy_project("minimal", tmp_path / "project")
    long_section(root)
    session = kill_while_rendering(root)
    following = None
    try:
        start = time.monotonic()
        while session_processes(session) and time.monotonic() - start < 5:
            time.sleep(0.1)
        survivors = session_processes(session)
        following = start_build(root, "-q")
        try:
            _, err = following.communicate(timeout=NEXT_BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"the next build did not finish within {NEXT_BUILD_TIMEOUT} s; processes "
                f"{survivors} of the killed build were still running 5 s after the kill"
            )
        assert following.returncode == 0, err.decode()
        assert survivors == [], "processes of the killed build were still running 5 s later"
        assert_complete_outputs(root / "build")
    finally:
        kill_session(session)
        if following is not None:
            kill_session(following.pid)


def test_a_killed_build_stops_its_render_workers(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "project")
    long_section(root, paragraphs=600)  # renders for about 8 s in one process
    manifest = root / "dossier.toml"  # an edition that is rendered in one piece
    manifest.write_text(manifest.read_text() + "\n[editions.reader]\nmirror_margins = true\n")
    session = kill_while_rendering(root)
    try:
        time.sleep(2)
        assert session_processes(session) == [], "workers still run 2 s after the build died"
    finally:
        kill_session(session)
