"""Writing output files: atomic replacement, never a temporary file left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.outputs.files import write_atomic


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
