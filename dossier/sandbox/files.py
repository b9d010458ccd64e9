"""Read files of a project, and nothing outside it.

Every file dossier reads (manifest, sections, data, styles, fonts, images) goes through
`ProjectFiles`, which refuses absolute paths, URLs, `..` escapes and symlinks that leave the
project, reads only regular files within the size limit, and remembers the SHA-256 of
everything it read: that list is the build's dependency set and the archive's contents.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from dossier.errors import ContentError, Location, over_limit

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: Files that belong to dossier itself (theme, templates) may also be read.
THEME_DIR = PACKAGE_DIR / "theme"
#: the folder of a project (and of the package) that holds templates
TEMPLATE_DIR = "templates"


@dataclass
class ProjectFiles:
    """The door to a project's files: `root` holds dossier.toml; every read goes through here."""

    root: Path
    max_file_bytes: int = 5 * 1024 * 1024
    files_read: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(os.path.realpath(self.root))

    def resolve(self, reference: str, where: Location | None = None, base: str = "") -> str:
        """Turn a reference written in a project file into a project-relative path.

        `base` is the project-relative path of the referring file: relative references are
        resolved against its folder. Raises `ContentError` (naming `where`) unless the result
        is a regular file inside the project.
        """
        ref = reference.strip()
        parts = urlsplit(ref)
        if parts.scheme in ("http", "https", "ftp") or ref.startswith("//"):
            raise ContentError(
                f"remote resource '{ref}' is not allowed: builds never use the network; "
                "save the file into the project and refer to it by a relative path",
                where,
            )
        if parts.scheme == "data":
            raise ContentError(
                "data: URLs are not allowed; save the file into the project and refer to it "
                "by a relative path",
                where,
            )
        if parts.scheme:
            raise ContentError(
                f"'{ref}' is not a project file: use a path relative to the project "
                f"({parts.scheme}: references are refused)",
                where,
            )
        if ref.startswith(("/", "\\")) or (len(ref) > 1 and ref[1] == ":"):
            raise ContentError(
                f"absolute path '{ref}' is not allowed; use a path relative to the project",
                where,
            )
        folder = PurePosixPath(base).parent if base else PurePosixPath(".")
        joined = os.path.normpath(os.path.join(self.root, folder, parts.path))
        if not Path(joined).is_relative_to(self.root):
            raise ContentError(f"'{ref}' points outside the project folder; move it inside", where)
        real = Path(os.path.realpath(joined))
        if not real.is_relative_to(self.root):
            raise ContentError(
                f"'{ref}' is a symbolic link to a file outside the project; copy the file "
                "into the project instead",
                where,
            )
        if not real.exists():
            raise ContentError(f"file '{ref}' not found", where)
        if not real.is_file():
            raise ContentError(f"'{ref}' is not a regular file", where)
        return real.relative_to(self.root).as_posix()

    def read_bytes(self, rel: str, where: Location | None = None) -> bytes:
        """Read a project file (already resolved) within the size limit; record its hash."""
        path = self.root / rel
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            raise ContentError(f"file '{rel}' not found", where) from None
        except OSError as exc:
            raise ContentError(f"cannot read '{rel}': {exc.strerror}", where) from None
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ContentError(f"'{rel}' is not a regular file", where)
            if info.st_size > self.max_file_bytes:
                raise ContentError(
                    over_limit(
                        f"'{rel}' is {info.st_size:,} bytes", self.max_file_bytes, "max_file_bytes"
                    ),
                    where,
                )
            data = f.read(self.max_file_bytes + 1)
        self.files_read[rel] = hashlib.sha256(data).hexdigest()
        return data

    def read_text(self, rel: str, where: Location | None = None, max_line: int = 0) -> str:
        """Read a UTF-8 text file; binary files and over-long lines are errors with a line."""
        data = self.read_bytes(rel, where)
        if b"\0" in data:
            line = data[: data.index(b"\0")].count(b"\n") + 1
            raise ContentError("this looks like a binary file, not UTF-8 text", Location(rel, line))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise ContentError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                Location(rel, line, column),
            ) from None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if max_line:
            for number, line_text in enumerate(text.split("\n"), 1):
                if len(line_text) > max_line:
                    raise ContentError(
                        over_limit(
                            f"line is {len(line_text):,} characters long",
                            max_line,
                            "max_line_chars",
                        ),
                        Location(rel, number),
                    )
        return text
