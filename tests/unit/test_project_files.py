"""The door to the disk (dossier.sandbox.files.Project): references resolve inside the
project or are refused with a reason; reads are bounded, recorded and decoded strictly."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from dossier.errors import ContentError, Location
from dossier.sandbox.files import ProjectFiles


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "sections" / "images").mkdir(parents=True)
    (root / "sections" / "images" / "chart.png").write_bytes(b"\x89PNG")
    (root / "sections" / "a.md").write_text("# A\n")
    (root / "styles").mkdir()
    (root / "styles" / "house.css").write_text("p {}\n")
    (tmp_path / "outside.txt").write_text("secret")
    return root


def test_references_resolve_against_the_referring_file(folder: Path) -> None:
    project = ProjectFiles(folder)
    assert project.resolve("images/chart.png", base="sections/a.md") == "sections/images/chart.png"
    assert project.resolve("../styles/house.css", base="sections/a.md") == "styles/house.css"
    assert project.resolve("styles/house.css") == "styles/house.css"
    assert project.resolve("  styles/house.css ") == "styles/house.css"


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("https://example.org/a.png", "remote resource 'https://example.org/a.png' is not allowed"),
        ("//example.org/a.png", "remote resource"),
        ("data:image/png;base64,AAAA", "data: URLs are not allowed"),
        ("file:///etc/passwd", "(file: references are refused)"),
        ("/etc/passwd", "absolute path '/etc/passwd' is not allowed"),
        ("C:/x.png", "is not a project file"),
        ("../outside.txt", "points outside the project folder"),
        ("sections/../../outside.txt", "points outside the project folder"),
        ("sections/missing.png", "file 'sections/missing.png' not found"),
        ("sections", "is not a regular file"),
    ],
)
def test_references_that_leave_the_project_or_miss_are_refused(
    folder: Path, reference: str, reason: str
) -> None:
    where = Location("sections/a.md", 4, 2)
    with pytest.raises(ContentError) as raised:
        ProjectFiles(folder).resolve(reference, where)
    [problem] = raised.value.problems
    assert reason in problem.message and problem.where == where


def test_a_symbolic_link_out_of_the_project_is_refused(folder: Path) -> None:
    (folder / "sections" / "link.png").symlink_to(folder.parent / "outside.txt")
    with pytest.raises(ContentError, match="symbolic link to a file outside the project"):
        ProjectFiles(folder).resolve("sections/link.png")


def test_a_symbolic_link_inside_the_project_resolves_to_its_target(folder: Path) -> None:
    (folder / "sections" / "same.png").symlink_to(folder / "sections" / "images" / "chart.png")
    assert ProjectFiles(folder).resolve("sections/same.png") == "sections/images/chart.png"


def test_a_project_reached_through_a_link_is_the_same_project(folder: Path) -> None:
    alias = folder.parent / "alias"
    alias.symlink_to(folder)
    project = ProjectFiles(alias)
    assert project.root == folder.resolve()
    assert project.resolve("styles/house.css") == "styles/house.css"


def test_every_read_is_recorded_with_its_hash(folder: Path) -> None:
    project = ProjectFiles(folder)
    data = project.read_bytes("styles/house.css")
    assert project.files_read == {"styles/house.css": hashlib.sha256(data).hexdigest()}


def test_a_file_over_the_size_limit_is_refused_with_the_setting(folder: Path) -> None:
    (folder / "big.md").write_bytes(b"x" * 101)
    with pytest.raises(ContentError, match=r"raise \[limits\] max_file_bytes"):
        ProjectFiles(folder, max_file_bytes=100).read_bytes("big.md")
    assert ProjectFiles(folder, max_file_bytes=101).read_bytes("big.md") == b"x" * 101


def test_read_bytes_does_not_follow_a_final_symbolic_link(folder: Path) -> None:
    (folder / "link.md").symlink_to(folder.parent / "outside.txt")
    with pytest.raises(ContentError, match=r"cannot read 'link\.md'"):
        ProjectFiles(folder).read_bytes("link.md")


def test_a_fifo_is_not_read(folder: Path) -> None:
    os.mkfifo(folder / "pipe.md")
    with pytest.raises(ContentError, match=r"'pipe\.md' is not a regular file"):
        ProjectFiles(folder).read_bytes("pipe.md")


def test_a_missing_file_is_named(folder: Path) -> None:
    with pytest.raises(ContentError, match=r"file 'gone\.md' not found"):
        ProjectFiles(folder).read_bytes("gone.md")


def test_text_is_utf8_without_bom_and_with_unix_line_ends(folder: Path) -> None:
    (folder / "t.md").write_bytes("\ufeffone\r\ntwo\rthree\n".encode())
    assert ProjectFiles(folder).read_text("t.md") == "one\ntwo\nthree\n"


def test_bad_utf8_is_reported_at_its_line_and_column(folder: Path) -> None:
    (folder / "t.md").write_bytes(b"fine\nab\xe9c\n")
    with pytest.raises(ContentError) as raised:
        ProjectFiles(folder).read_text("t.md")
    [problem] = raised.value.problems
    assert problem.where == Location("t.md", 2, 3)
    assert "not valid UTF-8 (byte 0xe9)" in problem.message


def test_a_binary_file_is_reported_at_the_line_of_its_first_nul(folder: Path) -> None:
    (folder / "t.md").write_bytes(b"one\ntwo\nth\0ree")
    with pytest.raises(ContentError) as raised:
        ProjectFiles(folder).read_text("t.md")
    assert raised.value.problems[0].where == Location("t.md", 3)


def test_an_overlong_line_is_reported_at_its_line(folder: Path) -> None:
    (folder / "t.md").write_text("short\n" + "x" * 50 + "\n")
    with pytest.raises(ContentError, match="line is 50 characters long") as raised:
        ProjectFiles(folder).read_text("t.md", max_line=40)
    assert raised.value.problems[0].where == Location("t.md", 2)
    assert ProjectFiles(folder).read_text("t.md", max_line=50).endswith("x\n")
