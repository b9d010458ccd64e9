"""Run renders in forked child processes, several at a time, each with a memory limit and a
deadline, so that a pathological document stops with a clear error instead of hanging or
exhausting the machine, and so that independent renders use every core.

Fork (not spawn) is used on purpose: a child inherits the parsed dossier and the imported
modules, so starting one costs milliseconds. The parent is single-threaded when it forks.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .errors import ConfigError, ContentError, DossierError, OutputError, Problem, VerifyError

_KINDS: dict[str, type[DossierError]] = {
    kind.__name__: kind
    for kind in (DossierError, ConfigError, ContentError, OutputError, VerifyError)
}


@dataclass
class Job:
    """One render: `run()` is called in a child; its result must be picklable."""

    name: str
    run: Callable[[], Any]


@dataclass(frozen=True)
class Limits:
    timeout: float
    memory_mb: int
    workers: int = 0  # 0: as many as there are cores


def run_jobs(jobs: Sequence[Job], limits: Limits) -> dict[str, Any]:
    """Run every job in its own child, at most `workers` at once; results by job name.
    A `DossierError` in a child is raised here unchanged; anything else is a bug."""
    context = multiprocessing.get_context("fork")
    slots = limits.workers or os.cpu_count() or 1
    pending = list(jobs)
    running: dict[Connection, tuple[Job, Any, float]] = {}
    results: dict[str, Any] = {}
    try:
        while pending or running:
            while pending and len(running) < slots:
                job = pending.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(job, sender, limits.memory_mb))
                process.start()
                sender.close()
                running[receiver] = (job, process, time.monotonic() + limits.timeout)
            deadline = min(d for _, _, d in running.values())
            ready = wait(list(running), timeout=max(0.0, deadline - time.monotonic()))
            for ready_one in ready:
                receiver = running_key(running, ready_one)
                job, process, _ = running.pop(receiver)
                results[job.name] = _collect(job, receiver, process, limits)
            for receiver, (job, process, due) in list(running.items()):
                if time.monotonic() >= due:
                    _kill(process)
                    del running[receiver]
                    raise OutputError(
                        f"rendering the {job.name} took longer than {limits.timeout:.0f} s and was "
                        "stopped (raise [limits] render_timeout in dossier.toml)"
                    )
    finally:
        for _job, process, _ in running.values():
            _kill(process)
    return results


def _kill(process: Any) -> None:
    """Stop a job and everything it started (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.join()


def running_key(running: dict[Connection, Any], ready: object) -> Connection:
    """`wait()` returns the same objects it was given, typed loosely."""
    return next(key for key in running if key is ready)


def _collect(job: Job, receiver: Connection, process: Any, limits: Limits) -> Any:
    try:
        kind, payload = receiver.recv()
    except EOFError:
        process.join()
        raise OutputError(
            f"the renderer of the {job.name} stopped unexpectedly (exit code {process.exitcode}); "
            f"it may have needed more than {limits.memory_mb:,} MiB: raise [limits] "
            "render_memory_mb in dossier.toml"
        ) from None
    process.join()
    if kind == "ok":
        return payload
    if kind == "memory":
        raise OutputError(
            f"rendering the {job.name} needed more than {limits.memory_mb:,} MiB "
            "and was stopped (raise [limits] render_memory_mb in dossier.toml)"
        )
    if kind in _KINDS:
        raise _KINDS[kind].of(payload)
    raise RuntimeError(f"rendering the {job.name} failed in a worker process:\n{payload}")


def _child(job: Job, sender: Connection, memory_mb: int) -> None:
    """The child: bound its memory, run the job, send the outcome, exit without teardown."""
    message: tuple[str, Any]
    try:
        os.setpgrp()  # a deadline then stops the job's own workers too
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        gc.disable()  # layout allocates many long-lived objects; collecting them costs ~15 %
        message = ("ok", job.run())
    except MemoryError:
        message = ("memory", None)
    except DossierError as exc:
        message = (type(exc).__name__, list(exc.problems))
    except BaseException:
        message = ("bug", traceback.format_exc())
    try:
        sender.send(message)
    finally:
        sender.close()
        os._exit(0)


__all__ = ["Job", "Limits", "Problem", "run_jobs"]
