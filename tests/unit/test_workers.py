"""writers/workers.py with trivial jobs: results by name, user errors passed through as they
are, bugs with their traceback, and the deadline and memory limit enforced on the job and
everything it started."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dossier.errors import (
    ConfigError,
    ContentError,
    DossierError,
    Location,
    OutputError,
    Problem,
    VerifyError,
)
from dossier.writers import workers
from dossier.writers.workers import Job, JobLimits, Workers, reraise_user_error

LIMITS = JobLimits(timeout=60, memory_mb=16_384, workers=2)

# --- jobs: module-level, so that they pickle by name into the forked workers ----------------


def add(a: int, b: int) -> int:
    return a + b


def whoami() -> int:
    return os.getpid()


def user_error() -> None:
    raise ContentError("a broken section", Location("sections/a.md", 3, 1))


def bug() -> None:
    raise ValueError("something dossier did not expect")


def recurse(n: int = 0) -> int:
    return recurse(n + 1) + 1


def sleep_forever(pidfile: str) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    Path(pidfile).write_text(str(child.pid))
    time.sleep(120)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def read_warm() -> str:
    return os.environ.get("DOSSIER_TEST_WARM", "")


def warm_up() -> None:
    os.environ["DOSSIER_TEST_WARM"] = "warmed"


def gone(pid: int) -> bool:
    """True once `pid` is not a live process (a zombie waiting for its parent counts)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


# --- results ---------------------------------------------------------------------------


def test_results_come_back_by_job_name() -> None:
    jobs = [Job("pdf", add, (1, 2)), Job("epub", add, (40, 2)), Job("third", add, (0, 0))]
    with Workers(LIMITS) as pool:
        assert pool.run(jobs) == {"pdf": 3, "epub": 42, "third": 0}


def test_each_job_runs_in_its_own_process() -> None:
    with Workers(LIMITS) as pool:
        pids = pool.run([Job("a", whoami), Job("b", whoami)])
    assert len(set(pids.values())) == 2
    assert os.getpid() not in pids.values()


def test_the_warm_up_runs_in_a_worker_started_ahead_before_its_job() -> None:
    os.environ.pop("DOSSIER_TEST_WARM", None)
    with Workers(LIMITS, warm=warm_up, expected=1) as pool:
        assert pool.run([Job("a", read_warm, ahead=True)]) == {"a": "warmed"}
    assert "DOSSIER_TEST_WARM" not in os.environ  # not in this process


def test_a_job_not_sent_ahead_runs_in_a_worker_forked_for_it_without_the_warm_up() -> None:
    os.environ.pop("DOSSIER_TEST_WARM", None)
    with Workers(LIMITS, warm=warm_up, expected=1) as pool:
        waiting = pool.idle[0].process.pid
        found = pool.run([Job("a", read_warm), Job("b", whoami)])
    assert found["a"] == "" and found["b"] != waiting


def call(function: object) -> object:
    assert callable(function)
    return function()


def test_a_job_not_sent_ahead_is_inherited_not_pickled() -> None:
    """A long book takes a second to pickle: a job forked with its worker is not pickled
    (a local function cannot be), one sent ahead is (and a local function then fails)."""
    answer = 42

    def local() -> int:
        return answer

    with Workers(LIMITS, expected=1) as pool:
        assert pool.run([Job("inherited", call, (local,))]) == {"inherited": 42}
        with pytest.raises(AttributeError, match="local"):
            pool.run([Job("sent", call, (local,), ahead=True)])


def test_expected_workers_are_started_ahead_and_stopped_at_the_end() -> None:
    with Workers(LIMITS, expected=2) as pool:
        started = [w.process for w in pool.idle]
        assert len(started) == 2 and all(p.is_alive() for p in started)
    assert pool.idle == []
    assert all(not p.is_alive() for p in started)


def test_workers_that_have_not_yet_led_a_group_are_stopped_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build that fails while the workers are still starting (a broken manifest found at
    once, a loaded machine) must not wait for them: a worker that has not yet made its own
    process group is stopped by itself. The forked workers inherit the patched setpgrp."""
    monkeypatch.setattr(os, "setpgrp", lambda: None)

    def too_long(signum: int, frame: object) -> None:
        for child in multiprocessing.active_children():  # so that the suite can go on
            os.kill(child.pid, signal.SIGKILL)
        raise AssertionError("stopping the workers hung")  # not an OSError: join swallows those

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(20)
    try:
        with Workers(LIMITS, expected=2) as pool:
            started = [w.process for w in pool.idle]
        assert all(p.exitcode == -signal.SIGKILL for p in started)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def slow_whoami() -> int:
    time.sleep(1.0)
    return os.getpid()


def test_a_worker_for_a_later_run_warms_up_while_the_first_run_ends() -> None:
    """Once a slot is free and nothing else is pending, the worker for a job sent ahead in a
    later run (more PDFs than slots) is started, so that it is warm when its job comes."""
    with Workers(LIMITS, expected=3) as pool:
        first = pool.run([Job("pdf", slow_whoami, ahead=True), Job("html", whoami, ahead=True)])
        assert pool.started == 3 and len(pool.idle) == 1
        waiting = pool.idle[0].process.pid
        assert waiting not in first.values()
        assert pool.run([Job("epub", whoami, ahead=True)]) == {"epub": waiting}
        assert pool.started == 3  # no worker beyond those expected


def paginate_then_write(pages: int) -> str:
    workers.publish({"pages": pages})
    time.sleep(0.5)  # "writing": the job that waited for the pagination runs meanwhile
    return "written"


def test_a_published_early_result_starts_the_work_that_waits_for_it() -> None:
    heard: list[tuple[str, object]] = []

    def early(name: str, payload: object) -> list[Job]:
        heard.append((name, payload))
        return [Job("epub", whoami)]

    with Workers(LIMITS) as pool:
        found = pool.run([Job("pdf", paginate_then_write, (12,))], early=early)
    assert heard == [("pdf", {"pages": 12})]
    assert found["pdf"] == "written" and isinstance(found["epub"], int)


def test_publishing_outside_a_worker_does_nothing() -> None:
    workers.publish("nobody listens")  # no error, no message


def niceness() -> int:
    return os.nice(0)


def test_a_background_job_runs_at_a_lower_priority() -> None:
    jobs = [Job("pdf", niceness), Job("html", niceness, background=True)]
    with Workers(LIMITS) as pool:
        found = pool.run(jobs)
    assert found["html"] == found["pdf"] + workers.BACKGROUND_NICE
    assert os.nice(0) == found["pdf"]  # this process keeps its own


def test_no_more_workers_than_slots_are_started_ahead() -> None:
    with Workers(JobLimits(timeout=60, memory_mb=16_384, workers=1), expected=5) as pool:
        assert pool.slots == 1 and len(pool.idle) == 1
        assert pool.run([Job("a", add, (1, 1)), Job("b", add, (2, 2))]) == {"a": 2, "b": 4}


# --- errors ----------------------------------------------------------------------------


def test_a_user_error_is_raised_unchanged() -> None:
    with Workers(LIMITS) as pool, pytest.raises(ContentError) as caught:
        pool.run([Job("pdf", user_error)])
    assert caught.value.problems == [
        Problem("a broken section", Location("sections/a.md", 3, 1), "error")
    ]


def test_a_bug_keeps_its_traceback() -> None:
    with Workers(LIMITS) as pool, pytest.raises(RuntimeError) as caught:
        pool.run([Job("epub", bug)])
    message = str(caught.value)
    assert message.startswith("rendering the epub failed in a worker process:\n")
    assert "ValueError: something dossier did not expect" in message
    assert "Traceback" in message


def test_too_deep_a_document_is_a_user_error() -> None:
    with Workers(LIMITS) as pool, pytest.raises(OutputError, match="nests elements too deeply"):
        pool.run([Job("pdf", recurse)])


def test_a_worker_that_dies_is_reported() -> None:
    with Workers(LIMITS) as pool, pytest.raises(OutputError) as caught:
        pool.run([Job("print edition", die)])
    assert "the renderer of the print edition stopped unexpectedly (exit code -9)" in str(
        caught.value
    )
    assert "raise [limits] render_memory_mb in dossier.toml" in str(caught.value)


def test_a_job_past_its_deadline_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    limits = JobLimits(timeout=2, memory_mb=16_384, workers=1)
    started = time.monotonic()
    with Workers(limits) as pool, pytest.raises(OutputError) as caught:
        pool.run([Job("reader PDF", sleep_forever, (str(pidfile),))])
    assert time.monotonic() - started < 30
    assert str(caught.value) == (
        "error: rendering the reader PDF took longer than 2 s and was stopped "
        "(raise [limits] render_timeout in dossier.toml)"
    )
    for _ in range(50):  # the kill is sent; the child is reaped by init shortly
        if pidfile.exists() and gone(int(pidfile.read_text())):
            break
        time.sleep(0.1)
    assert pidfile.exists() and gone(int(pidfile.read_text()))


def vm_size_mb() -> int:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmSize:")) >> 10


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_job_over_the_memory_limit_is_stopped() -> None:
    if resource.getrlimit(resource.RLIMIT_AS)[1] != resource.RLIM_INFINITY:
        pytest.skip("an inherited address-space limit changes the message")
    limit = vm_size_mb() + 256
    limits = JobLimits(timeout=60, memory_mb=limit, workers=1)
    with Workers(limits) as pool:
        assert pool.run([Job("small", allocate, (16,))]) == {"small": 16 * 1024 * 1024}
        with pytest.raises(OutputError) as caught:
            pool.run([Job("reader PDF", allocate, (limit + 1024,))])
    assert str(caught.value) == (
        f"error: rendering the reader PDF needed more than {limit:,} MiB and was stopped "
        "(raise [limits] render_memory_mb in dossier.toml)"
    )


@pytest.mark.parametrize(
    "kind", [DossierError, ConfigError, ContentError, OutputError, VerifyError]
)
def test_reraise_user_error_keeps_the_kind(kind: type[DossierError]) -> None:
    problems = [Problem("one", Location("a.md", 1)), Problem("two", None, "warning")]
    with pytest.raises(kind) as caught:
        reraise_user_error(kind.__name__, problems)
    assert type(caught.value) is kind
    assert caught.value.problems == problems


@pytest.mark.parametrize("kind", ["ok", "bug", "memory", "ValueError"])
def test_reraise_user_error_ignores_other_replies(kind: str) -> None:
    assert reraise_user_error(kind, "payload") is None


def test_at_memory_limit_without_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _: (resource.RLIM_INFINITY,) * 2)
    assert workers.at_memory_limit() is False


def test_at_memory_limit_compares_the_peak(monkeypatch: pytest.MonkeyPatch) -> None:
    peak_kb = next(
        int(line.split()[1])
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmPeak:")
    )
    monkeypatch.setattr(resource, "getrlimit", lambda _: (peak_kb * 1024, peak_kb * 1024))
    assert workers.at_memory_limit() is True
    monkeypatch.setattr(resource, "getrlimit", lambda _: (peak_kb * 1024 * 4,) * 2)
    assert workers.at_memory_limit() is False


# --- shared_map: one job's items, this process and a forked helper ----------------------


def square_and_pid(n: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough that both processes take items
    return n * n, os.getpid()


def test_shared_map_gives_the_results_in_order_from_two_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    found = workers.shared_map(square_and_pid, list(range(12)))
    assert [value for value, _ in found] == [n * n for n in range(12)]
    pids = {pid for _, pid in found}
    assert os.getpid() in pids and len(pids) == 2  # the helper took some items


def test_shared_map_stays_in_this_process_with_one_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "usable_cpus", lambda: 1)
    found = workers.shared_map(square_and_pid, [1, 2, 3])
    assert found == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


def user_error_in_helper(parent: int) -> int:
    time.sleep(0.05)
    if os.getpid() != parent:
        raise ContentError("a broken section", Location("sections/a.md", 3, 1))
    return 1


def bug_in_helper(parent: int) -> int:
    time.sleep(0.05)
    if os.getpid() != parent:
        raise ValueError("something dossier did not expect")
    return 1


def test_shared_map_raises_the_helper_s_failures_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    items = [os.getpid()] * 8
    with pytest.raises(ContentError) as caught:
        workers.shared_map(user_error_in_helper, items)
    assert caught.value.problems[0].message == "a broken section"
    with pytest.raises(RuntimeError, match="ValueError: something dossier did not expect"):
        workers.shared_map(bug_in_helper, items)


def test_shared_map_leaves_no_helper_behind_when_this_process_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    before = set(Path("/proc").glob("[0-9]*"))

    parent = os.getpid()

    def fail_here(n: int) -> int:
        time.sleep(0.05)
        if os.getpid() == parent:
            raise KeyError("here")
        return n

    with pytest.raises(KeyError):
        workers.shared_map(fail_here, list(range(6)))
    children = [p for p in set(Path("/proc").glob("[0-9]*")) - before if (p / "stat").exists()]
    ours = [p for p in children if (p / "stat").read_text().split()[3] == str(os.getpid())]
    assert ours == []


def test_a_job_started_early_is_collected_by_the_next_run() -> None:
    heard: list[tuple[str, str]] = []
    with Workers(LIMITS) as pool:
        pool.start(Job("epub", add, (40, 2)))
        found = pool.run([Job("pdf", add, (1, 2))], lambda name, state: heard.append((name, state)))
    assert found == {"epub": 42, "pdf": 3}
    assert ("epub", "running") in heard and ("epub", "done") in heard


def test_a_job_started_early_and_not_needed_is_stopped() -> None:
    with Workers(LIMITS) as pool:
        pool.start(Job("epub", time.sleep, (60,)))
        [worker] = pool.running
        pool.stop_started()
        assert pool.run([]) == {}
    assert worker.process.exitcode == -signal.SIGKILL


def test_leaving_the_pool_stops_a_job_started_early() -> None:
    with Workers(LIMITS) as pool:
        pool.start(Job("epub", time.sleep, (60,)))
        [worker] = pool.running
    assert worker.process.exitcode == -signal.SIGKILL
