"""The command line, end to end: the build's steps, its summary, its options and its one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli


def test_a_source_date_epoch_beyond_year_9999_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300800")
    code, _, err = run_cli("build", "-q", str(project))
    assert code == 1
    assert err == (
        "dossier: error: SOURCE_DATE_EPOCH 253402300800 is after the year 9999 (it counts "
        "seconds since 1970)\n"
    )


def test_build_prints_numbered_steps_and_a_summary(project: Path) -> None:
    code, out, err = run_cli("build", str(project), "--format", "pdf")
    assert code == 0
    assert "[1/3] Reading and checking the project …" in err
    assert re.search(r"\[2/3\] Rendering 1 file\(s\): \d+\.\d\d s\n", err)
    assert "[3/3] Checking and writing the outputs" in err
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(" pages)") and "KiB" in lines[0]
    assert lines[0].startswith(str(project / "build" / "sample-reader-"))
    assert list((project / "build").glob("*.epub")) == []


def test_quiet_prints_nothing_on_success(project: Path) -> None:
    code, out, err = run_cli("build", str(project), "--format", "epub", "-q")
    assert (code, out, err) == (0, "", "")


def test_output_folder_option(project: Path, tmp_path: Path) -> None:
    code, _, _ = run_cli(
        "build", str(project), "--format", "epub", "-o", str(tmp_path / "elsewhere")
    )
    assert code == 0
    assert len(list((tmp_path / "elsewhere").glob("sample-reader-*.epub"))) == 1


def test_a_second_build_with_nothing_changed_reuses_the_outputs(project: Path) -> None:
    code, first, _ = run_cli("build", str(project), "--format", "epub")
    assert code == 0
    code, second, err = run_cli("build", str(project), "--format", "epub")
    assert code == 0
    assert err == (
        "Nothing changed since the last build: 1 file(s) up to date (--force renders them again)\n"
    )
    assert second == first.replace(")\n", ", unchanged)\n")
    code, _, err = run_cli("build", str(project), "--format", "epub", "--force")
    assert code == 0 and "Rendering 1 file(s)" in err
