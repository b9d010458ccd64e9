"""Build progress: the workers tell of each render (queued, running, done); on a terminal
the CLI shows one live line per output with its state, and the build's numbered steps print
above them; off a terminal (or with -q) there is no live display, only the plain steps."""

from __future__ import annotations

import io
import logging
import operator
import re
from pathlib import Path

from rich.console import Console

from dossier.cli.progress import LiveOutputs
from dossier.writers.workers import Job, JobLimits, Workers

from conftest import run_cli


def test_workers_tell_each_job_s_progress_in_order() -> None:
    heard: list[tuple[str, str]] = []
    jobs = [Job(f"job {n}", operator.add, (n, 1)) for n in range(3)]
    with Workers(JobLimits(60, 512, workers=1), expected=3) as workers:
        results = workers.run(jobs, lambda name, state: heard.append((name, state)))
    assert results == {"job 0": 1, "job 1": 2, "job 2": 3}
    assert heard[:3] == [(f"job {n}", "queued") for n in range(3)]
    for n in range(3):  # one at a time (one slot): each runs, then is done, in turn
        assert heard.index((f"job {n}", "running")) < heard.index((f"job {n}", "done"))
    assert heard.index(("job 0", "done")) < heard.index(("job 1", "running"))
    assert len(heard) == 9


def test_the_live_display_has_one_line_per_output_with_its_state() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, color_system=None)
    logger = logging.getLogger("dossier")
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with LiveOutputs(console) as live:
            live("reader PDF", "queued")
            live("reader EPUB", "queued")
            live("reader PDF", "running")
            logger.info("[2/3] Rendering 2 file(s) …")
            live("reader PDF", "done")
            live("reader EPUB", "running")
            live("reader EPUB", "done")
    finally:
        logger.setLevel(level)
    text = out.getvalue()
    assert "[2/3] Rendering 2 file(s)" in text  # the step printed through the console
    assert "waiting" in text and "rendering" in text
    # what stays on the screen: one line per output, in the plan's order, each done
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    final = [line.split("\r")[-1] for line in plain.split("\n")[-3:-1]]
    assert [line.split()[:4] for line in final] == [
        ["✓", "reader", "PDF", "done"],
        ["✓", "reader", "EPUB", "done"],
    ]
    # the logger's own handlers are back after the display
    assert not any(type(h).__name__ == "RichHandler" for h in logger.handlers)


def test_off_a_terminal_the_build_prints_plain_numbered_steps(project: Path) -> None:
    code, _, err = run_cli("build", str(project), "--format", "pdf")
    assert code == 0, err
    lines = err.splitlines()
    assert lines[0] == "[1/3] Reading and checking the project …"
    assert any(line.startswith("[2/3] Rendering 1 file(s): ") for line in lines)
    assert "\x1b[" not in err and "rendering " not in err and "✓" not in err


def test_quiet_prints_no_progress(project: Path) -> None:
    code, out, err = run_cli("build", str(project), "--format", "pdf", "-q")
    assert code == 0 and err == "" and out == ""
