"""The command line: options reach the library, user mistakes give one line and exit 1."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import __version__
from dossier.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"dossier, version {__version__}"


@pytest.mark.parametrize("command", ["build", "check", "scrub"])
def test_every_command_has_help_with_examples(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Examples:" in out and "PROJECT_DIR" in out


def test_options_reach_the_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = {}

    def fake_build(*args: object) -> list[object]:
        seen["args"] = args
        return []

    monkeypatch.setattr(importlib.import_module("dossier.build"), "build", fake_build)
    code, _, _ = run(
        "build",
        str(tmp_path),
        "--format",
        "pdf",
        "--edition",
        "briefing",
        "--edition",
        "print",
        "-o",
        str(tmp_path / "out"),
        "--force",
        "-q",
    )
    assert code == 0
    assert seen["args"] == (
        str(tmp_path),
        ("briefing", "print"),
        ("pdf",),
        str(tmp_path / "out"),
        True,
    )


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("build", str(tmp_path), "--format", "docx")
    assert code == 2 and "Invalid value for '--format'" in err


def test_a_folder_without_a_manifest_is_one_line_and_exit_1(tmp_path: Path) -> None:
    code, out, err = run("build", str(tmp_path))
    assert code == 1 and out == ""
    assert err == (
        f"dossier: error: no dossier.toml in '{tmp_path}': pass the project folder, "
        "or create a manifest (see the README)\n"
    )


def test_a_manifest_mistake_names_file_line_and_fix(project: Path) -> None:
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text().replace("subtitle = ", "subtitel = "))
    code, _, err = run("build", str(project))
    assert code == 1
    assert err == (
        "dossier: dossier.toml:3:1: error: unknown key 'subtitel'; did you mean 'subtitle'?\n"
    )
    assert "Traceback" not in err


def test_an_output_folder_under_a_file_is_one_line(project: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    code, _, err = run("build", str(project), "-o", str(tmp_path / "afile" / "out"))
    assert code == 1 and "Traceback" not in err
    assert err == (
        f"dossier: error: cannot write outputs to '{tmp_path / 'afile' / 'out'}': not a "
        "directory (choose another folder with --output)\n"
    )


def test_a_source_date_epoch_beyond_year_9999_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300800")
    code, _, err = run("build", "-q", str(project))
    assert code == 1
    assert err == (
        "dossier: error: SOURCE_DATE_EPOCH 253402300800 is after the year 9999 (it counts "
        "seconds since 1970)\n"
    )


def test_build_prints_numbered_steps_and_a_summary(project: Path) -> None:
    code, out, err = run("build", str(project), "--format", "pdf")
    assert code == 0
    assert "[1/3] Reading and checking the project …" in err
    assert re.search(r"\[2/3\] Rendering 1 file\(s\): \d+\.\d\d s\n", err)
    assert "[3/3] Checking and writing the outputs" in err
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(" pages)") and "KiB" in lines[0]
    assert lines[0].startswith(str(project / "build" / "sample-reader-"))
    assert list((project / "build").glob("*.epub")) == []


def test_quiet_prints_nothing_on_success(project: Path) -> None:
    code, out, err = run("build", str(project), "--format", "epub", "-q")
    assert (code, out, err) == (0, "", "")


def test_output_folder_option(project: Path, tmp_path: Path) -> None:
    code, _, _ = run("build", str(project), "--format", "epub", "-o", str(tmp_path / "elsewhere"))
    assert code == 0
    assert len(list((tmp_path / "elsewhere").glob("sample-reader-*.epub"))) == 1


def test_unknown_edition(project: Path) -> None:
    code, _, err = run("build", str(project), "--edition", "nope")
    assert code == 1
    assert err == "dossier: error: unknown edition 'nope': the manifest defines reader\n"


def test_check_is_clean_on_the_sample(project: Path) -> None:
    code, out, err = run("check", str(project))
    assert code == 0 and out == "" and err == "0 error(s), 0 warning(s)\n"


def test_a_second_build_with_nothing_changed_reuses_the_outputs(project: Path) -> None:
    code, first, _ = run("build", str(project), "--format", "epub")
    assert code == 0
    code, second, err = run("build", str(project), "--format", "epub")
    assert code == 0
    assert err == (
        "Nothing changed since the last build: 1 file(s) up to date (--force renders them again)\n"
    )
    assert second == first.replace(")\n", ", unchanged)\n")
    code, _, err = run("build", str(project), "--format", "epub", "--force")
    assert code == 0 and "Rendering 1 file(s)" in err
