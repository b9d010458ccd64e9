"""User-facing errors: one base class that says where the problem is and what to do.

Anything that is not a `DossierError` is a bug in dossier and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file: project-relative POSIX path, 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One diagnostic, printed compiler-style: `path:line:col: error: message`."""

    message: str
    where: Location | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        where = self.where or Location("")
        return {
            "path": where.path or None,
            "line": where.line,
            "column": where.column,
            "severity": self.severity,
            "message": self.message,
        }


class DossierError(Exception):
    """A mistake in the user's project or input, never a bug: one line per problem, exit 1."""

    def __init__(self, message: str, where: Location | None = None) -> None:
        self.problems = [Problem(message, where)]
        super().__init__(str(self))

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> DossierError:
        error = cls.__new__(cls)
        error.problems = list(problems)
        Exception.__init__(error, "\n".join(str(p) for p in error.problems))
        return error

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ConfigError(DossierError):
    """The manifest (dossier.toml) is malformed or inconsistent."""


class ContentError(DossierError):
    """A section, the chronology or the sources file has a problem."""


class OutputError(DossierError):
    """A finished output failed a check (leak scan, parity, page budget) and was not written."""


class VerifyError(DossierError):
    """An archived PDF is damaged, altered, or not a dossier archive."""


def over_limit(what: str, limit: int, setting: str) -> str:
    """The message for a project that exceeds one of the manifest's [limits]."""
    return f"{what}; the limit is {limit:,} (raise [limits] {setting} in dossier.toml)"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The hint for a misspelt name: "; did you mean 'X'?" with the closest of `choices`,
    or "" when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass
class Caught:
    """What `Problems.collect()` caught: `failed` is True if the block raised a
    `ContentError` (whose problems were collected)."""

    failed: bool = False


class Problems:
    """Collects every problem found, so that all of them are reported together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, message: str, where: Location | None = None) -> None:
        self.items.append(Problem(message, where, "error"))

    def warning(self, message: str, where: Location | None = None) -> None:
        self.items.append(Problem(message, where, "warning"))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @contextmanager
    def collect(self) -> Iterator[Caught]:
        """Run a block that may raise `ContentError`: its problems join these and the caller
        goes on (checking `caught.failed` to skip what needed the block's result).

            with problems.collect() as caught:
                data = load_yaml(project.read_text(path), path)
            if caught.failed:
                return []
        """
        caught = Caught()
        try:
            yield caught
        except ContentError as exc:
            self.extend(exc.problems)
            caught.failed = True

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        """Stable order: by file, line and column; problems without a place first."""
        return sorted(
            self.items,
            key=lambda p: (
                p.where.path if p.where else "",
                (p.where.line or 0) if p.where else 0,
                (p.where.column or 0) if p.where else 0,
            ),
        )

    def raise_errors(self, kind: type[DossierError] = ContentError) -> None:
        """Stop with every error collected so far (warnings are not fatal here)."""
        if self.errors:
            raise kind.of(p for p in self.sorted() if p.severity == "error")
