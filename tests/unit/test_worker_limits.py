"""Render limits that fit the machine: the memory limit never exceeds an inherited hard
RLIMIT_AS, and the worker count follows the CPUs this process may actually use."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.writers import workers
from dossier.writers.workers import cgroup_cpu_quota, memory_limit, usable_cpus

MiB = 1024 * 1024


def test_the_setting_applies_when_the_hard_limit_is_higher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _: (resource.RLIM_INFINITY,) * 2)
    assert memory_limit(6144) == 6144 * MiB
    monkeypatch.setattr(resource, "getrlimit", lambda _: (8000 * MiB, 8000 * MiB))
    assert memory_limit(6144) == 6144 * MiB


def test_a_lower_inherited_hard_limit_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _: (1000 * MiB, 3000 * MiB))
    assert memory_limit(6144) == 3000 * MiB


def test_no_limit_where_none_can_be_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: int) -> tuple[int, int]:
        raise OSError("not supported")

    monkeypatch.setattr(resource, "getrlimit", refuse)
    assert memory_limit(6144) is None


def cgroups(tmp_path: Path, quotas: dict[str, str]) -> Path:
    for folder, text in quotas.items():
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "cpu.max").write_text(text + "\n")
    return tmp_path


def test_the_tightest_quota_on_the_path_counts(tmp_path: Path) -> None:
    root = cgroups(tmp_path, {"a": "300000 100000", "a/b": "150000 100000", "a/b/c": "max 100000"})
    assert cgroup_cpu_quota(root, "0::/a/b/c\n") == 1.5
    assert cgroup_cpu_quota(root, "0::/a\n") == 3.0


def test_no_quota_without_cpu_max_or_cgroup_v2(tmp_path: Path) -> None:
    root = cgroups(tmp_path, {"a": "max 100000"})
    assert cgroup_cpu_quota(root, "0::/a\n") is None
    assert cgroup_cpu_quota(root, "4:memory:/a\n1:cpu:/\n") is None  # cgroup v1 only


def test_workers_follow_affinity_and_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3, 4, 5})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(workers, "cgroup_cpu_quota", lambda: None)
    assert usable_cpus() == 6
    monkeypatch.setattr(workers, "cgroup_cpu_quota", lambda: 2.5)
    assert usable_cpus() == 3  # a fractional quota still keeps a third worker partly busy
    monkeypatch.setattr(workers, "cgroup_cpu_quota", lambda: 0.2)
    assert usable_cpus() == 1


def test_usable_cpus_here_is_within_affinity() -> None:
    assert 1 <= usable_cpus() <= len(os.sched_getaffinity(0))


def test_a_build_under_an_inherited_address_space_limit_succeeds(project: Path) -> None:
    """`ulimit -v 4000000` (KiB, both soft and hard) is below the default 6,144 MiB setting:
    the workers keep to it instead of failing to raise it."""
    dossier = Path(sys.executable).with_name("dossier")
    command = f"ulimit -v 4000000; exec {dossier} build -v {project}"
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "lowered to the inherited hard limit, 3906 MiB" in result.stderr
    assert len(list((project / "build").glob("*.pdf"))) == 1
    assert len(list((project / "build").glob("*.epub"))) == 1
