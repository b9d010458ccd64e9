"""Run renders in child processes, several at a time, each with a memory limit and a
deadline, so that a pathological document stops with a clear error instead of hanging or
exhausting the machine, and so that independent renders use every core.

A worker is forked when its job starts and inherits the job: nothing is pickled on the way
in (a long book's Markdown tokens take about a second to pickle and unpickle). A job marked
`ahead` instead goes to a worker forked before the project was read, which has imported its
engine meanwhile (WeasyPrint: about 0.4 s), and receives the job pickled: worth it for short
books only, so the build marks PDFs of short books so. Fork is used on purpose (cheap, and the
parent is single-threaded when it forks); each worker leads its own process group, so a
deadline also stops the workers a job starts itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import math
import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, NoReturn

from dossier.errors import (
    ConfigError,
    ContentError,
    DossierError,
    OutputError,
    Problem,
    VerifyError,
)

log = logging.getLogger("dossier")

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_CGROUP_ROOT = Path("/sys/fs/cgroup")
_KINDS: dict[str, type[DossierError]] = {
    kind.__name__: kind
    for kind in (DossierError, ConfigError, ContentError, OutputError, VerifyError)
}


#: told of each render as it is queued, starts and ends: progress(job name, state)
Progress = Callable[[str, str], None]


@dataclass
class Job:
    """One render: `function(*args)` runs in a worker; both and the result must pickle."""

    name: str
    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    #: runs at a lower CPU priority (nice 10): it takes only what the other jobs leave idle
    #: (the HTML page beside a PDF's chunk workers on two cores)
    background: bool = False
    #: sent (pickled) to a worker started ahead, warm; otherwise inherited by a worker forked
    #: for it (see the module's docstring)
    ahead: bool = False


BACKGROUND_NICE = 10
#: In a worker: sends a job's early result to the parent (see `publish`)
_PUBLISH: list[Callable[[Any], None]] = []
#: (job name, what it published) -> jobs that can start now
Early = Callable[[str, Any], list["Job"]]


def publish(payload: Any) -> None:
    """In a worker, before its job is done: tell the parent something the job already knows
    (a PDF's pagination, which its EPUB's page-list follows), so that work waiting for it can
    start while the job finishes. Outside a worker: nothing."""
    for send in _PUBLISH:
        send(payload)


@dataclass(frozen=True)
class JobLimits:
    """What one render may use: seconds, memory, and how many run at once."""

    timeout: float
    memory_mb: int
    workers: int = 0  # 0: as many as this process may use (`usable_cpus`)


def memory_limit(setting_mb: int) -> int | None:
    """The address-space limit (bytes) a worker sets: the setting, or the inherited hard
    limit if that is lower (an unprivileged process cannot raise it: `ulimit -v` in a shell,
    `LimitAS=` in systemd, CI containers). None where no limit can be set at all."""
    wanted = setting_mb * 1024 * 1024
    try:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    except (OSError, ValueError):
        return None
    if hard != resource.RLIM_INFINITY and hard < wanted:
        return int(hard)
    return wanted


def usable_cpus() -> int:
    """How many CPUs this process may keep busy: those its affinity mask allows (taskset,
    cpusets), fewer if a cgroup v2 quota (`cpu.max`, e.g. `docker --cpus`) allows less."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    if quota is not None:
        count = min(count, max(1, math.ceil(quota)))
    return max(1, count)


def cgroup_cpu_quota(root: Path = _CGROUP_ROOT, membership: str | None = None) -> float | None:
    """The tightest cgroup v2 CPU quota (CPUs) on this process's cgroup and its ancestors,
    or None where there is none (no quota, cgroup v1, not Linux). `membership` is the text
    of /proc/self/cgroup (read when not given)."""
    try:
        if membership is None:
            membership = Path("/proc/self/cgroup").read_text()
    except OSError:
        return None
    path = next((line[3:] for line in membership.splitlines() if line.startswith("0::")), None)
    if path is None:
        return None
    folder = root / path.strip().lstrip("/")
    quotas = []
    while True:
        try:
            fields = (folder / "cpu.max").read_text().split()
        except OSError:
            fields = []
        if len(fields) == 2 and fields[0] != "max":
            with contextlib.suppress(ValueError, ZeroDivisionError):
                quotas.append(int(fields[0]) / int(fields[1]))
        if folder == root or not folder.is_relative_to(root):
            break
        folder = folder.parent
    return min(quotas, default=None)


@dataclass
class _Worker:
    process: Any
    connection: Connection
    job: Job | None = None
    due: float = 0.0


@dataclass
class Workers:
    """A set of forked workers; use as a context manager, `run()` the jobs inside it."""

    limits: JobLimits
    #: what a worker started ahead does while it waits for its job (imports)
    warm: Callable[[], None] | None = None
    #: how many jobs will be `ahead`: as many workers (at most `slots`) start at once
    expected: int = 0
    idle: list[_Worker] = field(default_factory=list)
    started: int = 0
    #: jobs started with `start`, collected by the next `run`
    running: list[_Worker] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = self.limits.workers or usable_cpus()
        self.memory = memory_limit(self.limits.memory_mb)
        if self.memory is None:
            log.debug("no address-space limit can be set here: renders run without one")
        elif self.memory < self.limits.memory_mb * 1024 * 1024:
            log.debug(
                "render memory limit lowered to the inherited hard limit, %d MiB (the setting "
                "is %d MiB)",
                self.memory >> 20,
                self.limits.memory_mb,
            )
        self.context = multiprocessing.get_context("fork")
        for _ in range(min(self.expected, self.slots)):
            self.idle.append(self._start())

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in [*self.idle, *self.running]:
            _kill(worker.process)
        self.idle.clear()
        self.running.clear()

    def stop_started(self) -> None:
        """Stop the jobs `start` started (their results are not needed)."""
        for worker in self.running:
            _kill(worker.process)
        self.running.clear()

    def start(self, job: Job) -> None:
        """Start a job now, before `run` (which collects its result with its own jobs'):
        a render that can begin while this process still reads the project."""
        worker = self._start(job)
        worker.due = time.monotonic() + self.limits.timeout
        self.running.append(worker)

    def _start(self, job: Job | None = None) -> _Worker:
        """A worker, forked now: warming up, then waiting for a job; or running `job`
        (inherited: it imports what it needs itself)."""
        mine, theirs = self.context.Pipe()
        warm = self.warm if job is None else None
        process = self.context.Process(
            target=_serve, args=(theirs, mine, self.memory, warm, os.getpid(), job)
        )
        process.start()
        theirs.close()
        if job is None:
            self.started += 1
        return _Worker(process, mine, job)

    def run(
        self, jobs: Sequence[Job], progress: Progress | None = None, early: Early | None = None
    ) -> dict[str, Any]:
        """Run every job, at most `slots` at once; results by job name. A `DossierError`
        in a worker is raised here unchanged; anything else is a bug. `progress(name,
        state)` hears of each job: "queued", "running", then "done". When a job `publish`es
        something, `early(name, payload)` gives the jobs that can start now (run too)."""
        pending = list(jobs)
        busy, self.running = self.running, []  # those already started count as running
        results: dict[str, Any] = {}
        tell = progress or (lambda name, state: None)
        for job in pending:
            tell(job.name, "queued")
        for worker in busy:
            assert worker.job is not None
            tell(worker.job.name, "running")
        try:
            while pending or busy:
                while pending and len(busy) < self.slots:
                    job = pending.pop(0)
                    if job.ahead and self.idle:
                        worker = self.idle.pop(0)
                        worker.job = job
                        with contextlib.suppress(OSError):  # it died warming up: its reply says
                            worker.connection.send(job)
                    else:
                        worker = self._start(job)
                    tell(job.name, "running")
                    worker.due = time.monotonic() + self.limits.timeout
                    busy.append(worker)
                deadline = min(w.due for w in busy)
                ready = wait([w.connection for w in busy], max(0.0, deadline - time.monotonic()))
                for worker in [w for w in busy if any(w.connection is r for r in ready)]:
                    assert worker.job is not None
                    message = self._receive(worker)
                    if message[0] == "early":
                        added = early(worker.job.name, message[1]) if early else []
                        for job in added:
                            tell(job.name, "queued")
                        pending += added
                        continue
                    busy.remove(worker)
                    results[worker.job.name] = self._collect(worker, message)
                    tell(worker.job.name, "done")
                free = not pending and len(busy) + len(self.idle) < self.slots
                if free and self.started < self.expected:  # a later run's worker warms up now
                    self.idle.append(self._start())
                for worker in [w for w in busy if time.monotonic() >= w.due]:
                    busy.remove(worker)
                    _kill(worker.process)
                    raise OutputError(
                        f"rendering the {worker.job.name if worker.job else 'edition'} took "
                        f"longer than {self.limits.timeout:.0f} s and was stopped (raise "
                        "[limits] render_timeout in dossier.toml)"
                    )
        finally:
            for worker in busy:
                _kill(worker.process)
        return results

    def _advice(self) -> tuple[int, str]:
        memory = (self.memory or 0) >> 20 or self.limits.memory_mb
        advice = "raise [limits] render_memory_mb in dossier.toml"
        if memory < self.limits.memory_mb:
            advice = "the limit inherited from the environment (ulimit -v) allows no more"
        return memory, advice

    def _receive(self, worker: _Worker) -> tuple[str, Any]:
        """A worker's next message: an early result, or its last (and it has exited)."""
        try:
            return worker.connection.recv()
        except EOFError:
            worker.process.join()
            memory, advice = self._advice()
            name = worker.job.name if worker.job else "edition"
            raise OutputError(
                f"the renderer of the {name} stopped unexpectedly (exit code "
                f"{worker.process.exitcode}); it may have needed more than {memory:,} MiB: "
                f"{advice}"
            ) from None

    def _collect(self, worker: _Worker, message: tuple[str, Any]) -> Any:
        name = worker.job.name if worker.job else "edition"
        memory, advice = self._advice()
        kind, payload = message
        worker.process.join()
        if kind == "ok":
            return payload
        if kind == "memory":
            raise OutputError(
                f"rendering the {name} needed more than {memory:,} MiB and was stopped ({advice})"
            )
        reraise_user_error(kind, payload)
        raise RuntimeError(f"rendering the {name} failed in a worker process:\n{payload}")


def reraise_user_error(kind: str, payload: Any) -> None:
    """Raise the user error a worker replied with (its problems), if the reply is one."""
    if kind in _KINDS:
        raise _KINDS[kind].of(payload)


def _kill(process: Any) -> None:
    """Stop a worker and everything it started (it leads its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # just forked, not yet leading a group: it started nothing
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    process.join()


def at_memory_limit() -> bool:
    """Whether this process's peak address space reached its RLIMIT_AS (Linux: /proc)."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    try:
        with open("/proc/self/status") as status:
            lines = status.read().splitlines()
    except OSError:
        return False
    peak = next((int(line.split()[1]) for line in lines if line.startswith("VmPeak:")), 0)
    return peak * 1024 >= 0.9 * limit


def _serve(
    connection: Connection,
    parents_end: Connection,
    memory: int | None,
    warm: Callable[[], None] | None,
    parent: int,
    job: Job | None = None,
) -> None:
    """A worker: warm up, bound its memory, run its one job (inherited, or sent once warm),
    reply, exit."""
    die_with(parent)
    parents_end.close()

    def work() -> Any:
        os.setpgrp()
        gc.disable()  # layout allocates many long-lived objects; collecting them costs ~15 %
        if warm is not None:
            warm()
        if memory is not None:  # the document's share, after the fixed imports
            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            # lower only the soft limit: the inherited hard one stays as it was
            with contextlib.suppress(OSError, ValueError):  # the parent said at -v why
                resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
        try:
            mine: Job = job or connection.recv()
        except EOFError:
            os._exit(0)  # the build ended without a job for this worker
        if mine.background:
            os.nice(BACKGROUND_NICE)
        _PUBLISH.append(lambda payload: connection.send(("early", payload)))
        return mine.function(*mine.args)

    reply_and_exit(connection, work)


def die_with(parent: int) -> None:
    """Have the kernel kill this worker when the process that started it dies (Linux), so
    that a killed build leaves no render running without its deadline."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's clean stop: just end
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which stops us
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def shared_map(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """[function(item) for item in items], computed by this process and, where another CPU
    is usable, one forked helper, each taking the next item neither has taken (so that both
    finish together whatever the items cost: give the costly ones first). The helper's
    results come back pickled. Each result must depend on its item only; the order of the
    results is that of `items`. A failure in the helper is raised here."""
    if len(items) < 2 or usable_cpus() < 2:
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)

    def take() -> int:
        with taken.get_lock():
            index = taken.value
            taken.value += 1
        return index

    def mine() -> dict[int, Any]:
        done = {}
        while (index := take()) < len(items):
            done[index] = function(items[index])
        return done

    receiver, sender = context.Pipe(duplex=False)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the helper
        receiver.close()
        die_with(parent)
        reply_and_exit(sender, mine)
    sender.close()
    try:
        results = mine()
        try:
            kind, theirs = receiver.recv()
        except EOFError:
            raise RuntimeError("a helper process stopped without a result") from None
        if kind != "ok":
            reraise_user_error(kind, theirs)
            if kind == "memory":
                raise MemoryError
            raise RuntimeError(f"a helper process failed:\n{theirs}")
        results.update(theirs)
    finally:
        receiver.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # gone already, unless this process failed first
        os.waitpid(pid, 0)
    return [results[index] for index in range(len(items))]


def attempt(work: Callable[[], Any]) -> tuple[str, Any]:
    """In a worker process: ("ok", what `work` returned) or what went wrong, as a message
    for the process that started it (see `reraise_user_error`)."""
    try:
        return ("ok", work())
    except MemoryError:
        return ("memory", None)
    except DossierError as exc:
        return (type(exc).__name__, list(exc.problems))
    except RecursionError:
        problem = "the document nests elements too deeply for the renderer; simplify the markup"
        return ("OutputError", [Problem(problem)])
    except BaseException:
        # Python fails in many ways when allocations fail (ImportError, SystemError, …):
        # a worker whose address space reached its limit ran out of memory.
        return ("memory", None) if at_memory_limit() else ("bug", traceback.format_exc())


def reply_and_exit(connection: Any, work: Callable[[], Any]) -> NoReturn:
    """In a worker process: run `work`, send ("ok", result) or what went wrong, and exit
    without interpreter teardown (which only costs time)."""
    message = attempt(work)
    try:
        connection.send(message)
    finally:
        connection.close()
        os._exit(0)


__all__ = [
    "Job",
    "JobLimits",
    "Problem",
    "Workers",
    "memory_limit",
    "shared_map",
    "usable_cpus",
]
