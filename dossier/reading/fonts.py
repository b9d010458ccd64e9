"""Every character a reader may see has a glyph in a font the project uses.

The PDF renderer sees only the theme's fonts and the project's own (`sandbox.fonts`), so a
character none of them covers would print as an empty box. `check_coverage` finds such
characters in the text files of the project, line by line, and reports the first of each
script in each file with what to do; the build stops before anything is drawn.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dossier.config.schema import MANIFEST
from dossier.errors import ContentError, Location, Problems
from dossier.model.records import Dossier
from dossier.reading.styles import Stylesheets
from dossier.sandbox.files import ProjectFiles
from dossier.sandbox.fonts import coverage

#: general categories a renderer draws no glyph for (controls, format characters such as
#: the soft hyphen or joiners, surrogates, line and paragraph separators)
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: data files (YAML, TOML) whose comment lines never reach a reader
_DATA_SUFFIXES = (".yaml", ".yml", ".toml")


@dataclass
class Uncovered:
    """The first place a script's uncovered characters appear in one file, and how many
    distinct uncovered characters of that script the file has."""

    char: str
    where: Location
    count: int = 1


def drawn(char: str) -> bool:
    """Whether a renderer needs a glyph for this character."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return False
    return unicodedata.category(char) not in _INVISIBLE


def script_of(char: str) -> str:
    """The Unicode script's English name ('Georgian'), or '' for characters shared by many
    scripts (punctuation, symbols)."""
    from fontTools import unicodedata as ucd

    code = ucd.script(char)
    return "" if code in ("Zyyy", "Zinh", "Zzzz") else str(ucd.script_name(code))


def uncovered(path: str, lines: list[str], covered: frozenset[int]) -> list[Uncovered]:
    """Per script, the first character of `lines` (a file's text) that no font covers."""
    data = path.lower().endswith(_DATA_SUFFIXES)
    distinct = set().union(*lines)  # in C: most files have no uncovered character at all
    if not any(ord(c) not in covered and drawn(c) for c in distinct):
        return []
    found: dict[str, Uncovered] = {}
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if data and line.lstrip().startswith("#"):
            continue
        for column, char in enumerate(line, 1):
            if ord(char) in covered or char in seen or not drawn(char):
                continue
            seen.add(char)
            script = script_of(char)
            if script in found:
                found[script].count += 1
            else:
                found[script] = Uncovered(char, Location(path, number, column))
    return list(found.values())


def message(item: Uncovered, script: str) -> str:
    code = f"U+{ord(item.char):04X} {item.char}"
    what = f"a font that covers {script}" if script else "a font that has it"
    more = ""
    if item.count > 1:
        kind = f"{script} " if script else ""
        more = f" (and {item.count - 1} more {kind}character(s) in this file)"
    return f"{code} is in no font{more}; add {what} to styles"


def check_coverage(
    dossier: Dossier, project: ProjectFiles, sheets: Stylesheets, problems: Problems
) -> None:
    """Report every character of the project's text that neither the theme's fonts nor the
    project's (its stylesheets' @font-face rules) can draw."""
    fonts = []
    for face in sheets.fonts:
        try:
            fonts.append(project.read_bytes(face.path))
        except ContentError:
            continue  # reported by the stylesheet check
    covered = coverage(fonts)
    texts: dict[str, list[str]] = {}
    for section in [*dossier.sections, *([dossier.colophon] if dossier.colophon else [])]:
        texts[section.path] = section.lines
    config = dossier.config
    for path in (MANIFEST, config.chronology, config.sources):
        if path and path not in texts and path in project.files_read:
            try:
                texts[path] = project.read_text(path).splitlines()
            except ContentError:
                continue
    for path, lines in texts.items():
        for item in uncovered(path, lines, covered):
            problems.error(message(item, script_of(item.char)), item.where)
