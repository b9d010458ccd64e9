"""Writing output files: atomic replacement, never a temporary file left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.outputs.files import output_name, superseded, write_atomic


def test_write_atomic_never_leaves_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    import os

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


def test_output_names_carry_project_edition_and_stamp() -> None:
    assert output_name("sample", "reader", "0123456789", "pdf") == "sample-reader-0123456789.pdf"


def test_only_other_stamps_of_the_same_edition_and_format_are_superseded(tmp_path: Path) -> None:
    names = [
        "sample-reader-0123456789.pdf",  # kept: the new one
        "sample-reader-abcdef0123.pdf",  # superseded
        "sample-reader-abcdef0123.epub",  # another format
        "sample-briefing-abcdef0123.pdf",  # another edition
        "sample-reader-notastamp0.pdf",  # not a stamp
        "sample-reader-abcdef0123.pdf.tmp",  # not an output
        "other-reader-abcdef0123.pdf",  # another project
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    keep = tmp_path / names[0]
    assert superseded(tmp_path, "sample", "reader", "pdf", keep) == [tmp_path / names[1]]


def test_a_project_name_with_regex_characters_is_matched_literally(tmp_path: Path) -> None:
    (tmp_path / "a.b-reader-0123456789.pdf").write_bytes(b"")
    (tmp_path / "axb-reader-0123456789.pdf").write_bytes(b"")
    found = superseded(tmp_path, "a.b", "reader", "pdf", tmp_path / "new.pdf")
    assert found == [tmp_path / "a.b-reader-0123456789.pdf"]


def test_write_atomic_makes_the_folder_and_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.epub"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["out.epub"]


def test_output_lock_is_exclusive(tmp_path: Path) -> None:
    import fcntl

    from dossier.outputs.files import STATE_DIR, output_lock

    with output_lock(tmp_path):
        lock = tmp_path / STATE_DIR / "lock"
        assert lock.is_file()
        with open(lock, "a") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(tmp_path / STATE_DIR / "lock", "a") as other:  # released after the block
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)


def test_an_unwritable_output_folder_is_a_user_error(tmp_path: Path) -> None:
    from dossier.errors import OutputError
    from dossier.outputs.files import output_lock

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with (
        pytest.raises(OutputError, match=r"cannot write outputs to .*choose another folder"),
        output_lock(blocker),
    ):
        pass
