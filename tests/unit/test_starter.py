"""`dossier new`: the starter project is written from the package's templates, with the
title, language and a fresh identifier filled in; a folder that holds anything is refused
with one line and exit code 1, and nothing in it is touched."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
import yaml

from dossier.errors import DossierError
from dossier.starter import STARTER, new_project, project_name

from conftest import run_cli

FILES = {
    ".gitignore",
    "dossier.toml",
    "sections/01-introduction.md",
    "sections/02-findings.md",
    "sections/chronology.yaml",
    "sections/sources.yaml",
    "sections/images/chart.png",
}


def test_it_writes_the_starter_files(tmp_path: Path) -> None:
    written = new_project(tmp_path / "first", today=dt.date(2026, 1, 2))
    assert {p.relative_to(tmp_path / "first").as_posix() for p in written} == FILES
    assert (tmp_path / "first" / ".gitignore").read_text().splitlines()[-1] == "build/"
    manifest = tomllib.loads((tmp_path / "first" / "dossier.toml").read_text())
    assert manifest["name"] == "first" and manifest["title"] == "First"
    assert manifest["language"] == "en" and manifest["date"] == dt.date(2026, 1, 2)
    assert manifest["identifier"].startswith("urn:uuid:")
    # the templates are files of the package, and the manifest explains itself
    assert (STARTER / "gitignore").is_file() and (STARTER / "dossier.toml").is_file()
    assert sum(line.startswith("#") for line in (tmp_path / "first/dossier.toml").open()) > 10


def test_title_and_language_are_filled_in_as_written(tmp_path: Path) -> None:
    new_project(tmp_path / "p", title='Ქართული "dossier"', language="ka")
    manifest = tomllib.loads((tmp_path / "p" / "dossier.toml").read_text())
    assert manifest["title"] == 'Ქართული "dossier"' and manifest["language"] == "ka"


def test_two_projects_get_different_identifiers(tmp_path: Path) -> None:
    ids = set()
    for name in ("a", "b"):
        new_project(tmp_path / name)
        ids.add(tomllib.loads((tmp_path / name / "dossier.toml").read_text())["identifier"])
    assert len(ids) == 2


def test_the_chronology_shows_four_kinds_of_date(tmp_path: Path) -> None:
    new_project(tmp_path / "p")
    dates = [
        e["date"]
        for e in yaml.safe_load((tmp_path / "p/sections/chronology.yaml").read_text())["events"]
    ]
    assert any(d.endswith("~") for d in dates) and any(d.endswith("?") for d in dates)
    assert any("/" in d for d in dates) and any(len(d) == 10 and d[4] == "-" for d in dates)
    refs = yaml.safe_load((tmp_path / "p/sections/sources.yaml").read_text())["references"]
    assert len(refs) == 2


@pytest.mark.parametrize(
    "name, stem", [("My Dossier", "my-dossier"), ("Досье", "dossier"), ("a_b.2", "a-b-2")]
)
def test_the_output_name_comes_from_the_folder(name: str, stem: str) -> None:
    assert project_name(Path(name)) == stem


def test_a_folder_with_anything_in_it_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(DossierError, match="is not an empty folder"):
        new_project(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    code, out, err = run_cli("new", str(tmp_path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "is not an empty folder" in err


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    code, out, _ = run_cli("new", str(tmp_path), "--title", "Mine", "--language", "ru")
    assert code == 0 and f"dossier build {tmp_path}" in out
    assert tomllib.loads((tmp_path / "dossier.toml").read_text())["language"] == "ru"


def test_a_wrong_language_tag_is_refused(tmp_path: Path) -> None:
    code, _, err = run_cli("new", str(tmp_path / "p"), "--language", "english language")
    assert code == 1 and "not a language tag" in err
    assert not (tmp_path / "p").exists()
