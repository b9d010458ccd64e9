"""The build cache, kept in the output folder (`.dossier/`): what the last build read and
wrote, so that a build whose inputs did not change only re-hashes them (no parsing, no
rendering), and the page-number hints of each edition's last layout.

Outputs are content-addressed by their file name (the edition stamp is a hash of the
inputs), so an output whose file exists with the recorded SHA-256 is reused as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.outputs.files import STATE_DIR, write_atomic
from dossier.sandbox.fingerprint import fingerprint

RECORD = "last-build.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def template_listing(root: Path) -> list[str]:
    """Project template files: a new one changes the build even before it is read."""
    folder = root / "templates"
    return (
        sorted(p.relative_to(root).as_posix() for p in folder.rglob("*")) if folder.is_dir() else []
    )


@dataclass
class Cache:
    folder: Path

    @property
    def state(self) -> Path:
        return self.folder / STATE_DIR

    def _read(self, name: str) -> Any:
        try:
            return json.loads((self.state / name).read_text())
        except (OSError, ValueError):
            return None

    def _write(self, name: str, value: Any) -> None:
        write_atomic(self.state / name, json.dumps(value, indent=1, sort_keys=True).encode())

    def unchanged(self, request: dict[str, Any], root: Path) -> list[dict[str, Any]] | None:
        """The last build's outputs if nothing it depended on has changed, else None."""
        record = self._read(RECORD)
        if not isinstance(record, dict) or record.get("request") != request:
            return None
        if record.get("templates") != template_listing(root):
            return None
        for rel, digest in record.get("inputs", {}).items():
            path = root / rel
            if path.is_symlink() or not path.is_file() or sha256_file(path) != digest:
                return None
        for output in record.get("outputs", []):
            path = self.folder / output["file"]
            if (
                not path.is_file()
                or path.stat().st_size != output["size"]
                or sha256_file(path) != output["sha256"]
            ):
                return None
        return list(record.get("outputs", []))

    def output(self, name: str) -> dict[str, Any] | None:
        """The record of an output written earlier, if its file is still intact."""
        record = self._read(RECORD) or {}
        for output in record.get("outputs", []):
            path = self.folder / output["file"]
            if output["file"] == name and path.is_file() and sha256_file(path) == output["sha256"]:
                return dict(output)
        return None

    def remember(
        self,
        request: dict[str, Any],
        root: Path,
        inputs: dict[str, str],
        outputs: list[dict[str, Any]],
    ) -> None:
        """Record this build; outputs of other editions written earlier stay known while
        their files exist (a later build of those editions can reuse them)."""
        written = {o["file"] for o in outputs}
        earlier = (self._read(RECORD) or {}).get("outputs", [])
        kept = [
            o for o in earlier if o["file"] not in written and (self.folder / o["file"]).is_file()
        ]
        self._write(
            RECORD,
            {
                "request": request,
                "inputs": inputs,
                "templates": template_listing(root),
                "outputs": outputs + kept,
            },
        )

    def load_memos(self) -> None:
        """Intermediate results of earlier builds: parsed EDTF dates and formatted source
        lists (valid for this code fingerprint only: dossier and engine versions)."""
        from dossier.model import dates as chronology
        from dossier.rendering import bibliography as sources

        saved = self._read("memos.json")
        if not isinstance(saved, dict) or saved.get("fingerprint") != fingerprint():
            return
        chronology.dates_from_json(saved.get("dates"))
        formatted = saved.get("sources")
        if isinstance(formatted, dict):
            sources.MEMO.update(
                (k, v)
                for k, v in formatted.items()
                if isinstance(v, dict) and all(isinstance(h, str) for h in v.values())
            )

    def save_memos(self) -> None:
        """Keep what this build used (so the memos do not grow without bound)."""
        from dossier.model import dates as chronology
        from dossier.rendering import bibliography as sources

        used = {k: sources.MEMO[k] for k in sorted(sources.USED) if k in sources.MEMO}
        self._write(
            "memos.json",
            {"fingerprint": fingerprint(), "dates": chronology.dates_to_json(), "sources": used},
        )

    def hints(self, edition: str) -> dict[str, int]:
        """Where each anchor landed in the edition's last layout (a guess to start from)."""
        value = self._read(f"pages-{edition}.json")
        return value if isinstance(value, dict) else {}

    def save_hints(self, edition: str, anchors: dict[str, int]) -> None:
        self._write(f"pages-{edition}.json", anchors)


def request_key(config: Any, plan: list[tuple[Any, list[str]]], version: str) -> dict[str, Any]:
    """Everything besides the input files that decides what a build writes."""
    return {
        "version": version,
        "editions": [[edition.name, formats] for edition, formats in plan],
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
