"""The command line: options reach the library, user mistakes give one line and exit 1."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from dossier import __version__

from conftest import run_cli


def test_version() -> None:
    code, out, _ = run_cli("--version")
    assert code == 0 and out.strip() == f"dossier, version {__version__}"


@pytest.mark.parametrize("command", ["build", "check", "scrub"])
def test_every_command_has_help_with_examples(command: str) -> None:
    code, out, _ = run_cli(command, "--help")
    assert code == 0 and "Examples:" in out and "PROJECT_DIR" in out


def test_options_reach_the_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = {}

    def fake_build(*args: object, **options: object) -> list[object]:
        seen["args"], seen["options"] = args, options
        return []

    monkeypatch.setattr(importlib.import_module("dossier.build"), "build", fake_build)
    code, _, _ = run_cli(
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
    assert seen["args"] == (str(tmp_path),)
    assert seen["options"] == {
        "editions": ("briefing", "print"),
        "formats": ("pdf",),
        "output_dir": str(tmp_path / "out"),
        "force": True,
        "progress": None,  # -q (and no terminal): no live display
    }


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run_cli("build", str(tmp_path), "--format", "docx")
    assert code == 2 and "Invalid value for '--format'" in err


def test_a_folder_without_a_manifest_is_one_line_and_exit_1(tmp_path: Path) -> None:
    code, out, err = run_cli("build", str(tmp_path))
    assert code == 1 and out == ""
    assert err == (
        f"dossier: error: no dossier.toml in '{tmp_path}': pass the project folder, "
        "or create a manifest (see the README)\n"
    )


def test_a_manifest_mistake_names_file_line_and_fix(project: Path) -> None:
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text().replace("subtitle = ", "subtitel = "))
    code, _, err = run_cli("build", str(project))
    assert code == 1
    assert err == (
        "dossier: dossier.toml:3:1: error: unknown key 'subtitel'; did you mean 'subtitle'?\n"
    )
    assert "Traceback" not in err


def test_an_output_folder_under_a_file_is_one_line(project: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    code, _, err = run_cli("build", str(project), "-o", str(tmp_path / "afile" / "out"))
    assert code == 1 and "Traceback" not in err
    assert err == (
        f"dossier: error: cannot write outputs to '{tmp_path / 'afile' / 'out'}': not a "
        "directory (choose another folder with --output)\n"
    )


def test_unknown_edition(project: Path) -> None:
    code, _, err = run_cli("build", str(project), "--edition", "nope")
    assert code == 1
    assert err == "dossier: error: unknown edition 'nope': the manifest defines reader\n"


def test_check_is_clean_on_the_sample(project: Path) -> None:
    code, out, err = run_cli("check", str(project))
    assert code == 0 and out == "" and err == "0 error(s), 0 warning(s)\n"
