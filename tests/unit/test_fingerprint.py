"""The code fingerprint that stamps outputs: the package, its templates and the engines."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_the_fingerprint_covers_the_package_and_the_engines() -> None:
    import subprocess
    import sys

    from dossier import __version__
    from dossier.sandbox.fingerprint import ENGINES, _engine_versions, fingerprint

    assert fingerprint().startswith(f"{__version__}+")
    assert set(_engine_versions()) == ENGINES  # every engine is found installed
    again = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dossier.sandbox.fingerprint import fingerprint; print(fingerprint())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert again.stdout.strip() == fingerprint()


def test_a_changed_template_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from dossier.sandbox import fingerprint

    package = shutil.copytree(fingerprint.PACKAGE_DIR, tmp_path / "dossier")
    monkeypatch.setattr(fingerprint, "PACKAGE_DIR", package)
    fingerprint.fingerprint.cache_clear()
    try:
        before = fingerprint.fingerprint()
        (package / "__pycache__").mkdir(exist_ok=True)
        (package / "__pycache__" / "extra.pyc").write_bytes(b"compiled")  # not code we wrote
        fingerprint.fingerprint.cache_clear()
        assert fingerprint.fingerprint() == before
        template = next((package / "templates").rglob("*.html"))
        template.write_text(template.read_text() + "<!-- changed -->")
        fingerprint.fingerprint.cache_clear()
        assert fingerprint.fingerprint() != before
    finally:
        fingerprint.fingerprint.cache_clear()
