"""`verify()`: check an archived PDF against the manifest of its attached sources, and
optionally rebuild it from them and compare the bytes."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.build import build
from dossier.errors import VerifyError
from dossier.writers.archive import MANIFEST_NAME, engine_versions


@dataclass
class Verification:
    """What `verify()` found."""

    manifest: dict[str, Any]
    matched: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    rebuilt: bool | None = None
    rebuild_note: str = ""

    @property
    def ok(self) -> bool:
        return not (self.altered or self.missing or self.unexpected) and self.rebuilt is not False


def read_attachments(path: Path) -> dict[str, bytes]:
    """The files attached to a PDF; a damaged or foreign file is a `VerifyError`."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path), strict=True)
        found = {name: contents[0] for name, contents in reader.attachments.items()}
    except Exception as exc:  # pypdf raises many kinds of errors for damaged files
        raise VerifyError(
            f"'{path}' is not a readable PDF ({type(exc).__name__}: {exc}); "
            "the file is damaged or not a PDF"
        ) from None
    return found


def verify(path: str | Path, *, rebuild: bool = False) -> Verification:
    """Check an archived PDF: its attachments against its manifest, and optionally its own
    bytes against a rebuild from those attachments."""
    path = Path(path)
    files = read_attachments(path)
    if MANIFEST_NAME not in files:
        raise VerifyError(
            f"'{path}' has no {MANIFEST_NAME} attached: it is not an archive "
            "edition made by dossier"
        )
    try:
        manifest = json.loads(files.pop(MANIFEST_NAME))
        listed = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise VerifyError(f"the attached {MANIFEST_NAME} is damaged ({exc})") from None
    result = Verification(manifest)
    for name, digest in sorted(listed.items()):
        if name not in files:
            result.missing.append(name)
        elif hashlib.sha256(files[name]).hexdigest() == digest:
            result.matched.append(name)
        else:
            result.altered.append(name)
    result.unexpected = sorted(set(files) - set(listed))
    if rebuild and not (result.altered or result.missing):
        result.rebuilt, result.rebuild_note = _rebuild(path, manifest, files)
    return result


def _rebuild(path: Path, manifest: dict[str, Any], files: dict[str, bytes]) -> tuple[bool, str]:
    """Build the edition again from the attached sources and compare the bytes."""
    recorded = {"edition": str, "source_date_epoch": int, "tools": dict}
    for key, kind in recorded.items():
        if not isinstance(manifest.get(key), kind):
            raise VerifyError(
                f"the attached {MANIFEST_NAME} does not record '{key}': the file cannot be "
                "rebuilt (its attachments can still be checked without --rebuild)"
            )
    differences = [
        f"{tool} {manifest['tools'].get(tool)} (here {here})"
        for tool, here in engine_versions().items()
        if manifest.get("tools", {}).get(tool) != here
    ]
    with tempfile.TemporaryDirectory(prefix="dossier-verify-") as work:
        root = Path(work) / "project"
        for name, data in files.items():
            target = (root / name).resolve()
            if not target.is_relative_to(root.resolve()):
                raise VerifyError(f"attachment name '{name}' points outside the project")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(manifest["source_date_epoch"])
        try:
            outputs = build(
                root, editions=[manifest["edition"]], formats=["pdf"], output_dir=Path(work) / "out"
            )
        finally:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved
        same = outputs[0].path.read_bytes() == path.read_bytes()
    if same:
        return True, "a rebuild from the attached sources gives the same bytes"
    note = "a rebuild from the attached sources gives different bytes"
    if differences:
        note += "; the tools differ from those recorded: " + ", ".join(differences)
    else:
        note += " with the same tools: the PDF was altered after it was made"
    return False, note
