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
