"""The theme's fonts an EPUB carries: those its text needs, whole (not subset), with the
theme's `@font-face` rules for them, at `theme/fonts.css` and `theme/fonts/`.

Reading systems have no fonts of ours, so the EPUB brings them along. The theme's families
back up the project's "Dossier Text" (serif stack) and "Dossier Sans" (sans stack) in the
order of `theme/fonts.css`; a theme family is packed when it draws some character of the
book's text that the project's fonts and the families before it in its stack do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import tinycss2

from dossier.reading.fonts import drawn
from dossier.reading.styles import Stylesheets
from dossier.sandbox.files import THEME_DIR, ProjectFiles
from dossier.sandbox.fonts import cmap, theme_cmap

FONTS_CSS = "fonts.css"
#: the project family each theme family backs up ("Dossier Theme Sans …" -> "Dossier Sans")
PROJECT_FAMILIES = {"Serif": "Dossier Text", "Sans": "Dossier Sans"}


@dataclass(frozen=True)
class ThemeFonts:
    css: bytes  # the @font-face rules of the packed families (URLs relative to theme/)
    files: list[str]  # font file names in theme/fonts/


def _faces() -> list[tuple[str, str, object]]:
    """(family, file name, rule) for every @font-face rule of the theme, in order."""
    text = (THEME_DIR / FONTS_CSS).read_text(encoding="utf-8")
    faces = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if getattr(rule, "type", "") != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        family = url = ""
        for decl in tinycss2.parse_blocks_contents(rule.content or [], skip_whitespace=True):
            if getattr(decl, "type", "") != "declaration":
                continue
            if decl.lower_name == "font-family":
                family = tinycss2.serialize(decl.value).strip().strip("\"'")
            elif decl.lower_name == "src":
                url = next((t.value for t in decl.value if t.type == "url"), "")
        faces.append((family, url.removeprefix("fonts/"), rule))
    return faces


def theme_fonts(text: str, sheets: Stylesheets, project: ProjectFiles) -> ThemeFonts:
    """The theme's fonts (and their rules) that `text`, the book's text, needs."""
    faces = _faces()
    chars = {ord(c) for c in set(text) if drawn(c)}
    needed: set[str] = set()
    for role, project_family in PROJECT_FAMILIES.items():
        remaining = set(chars)
        for face in sheets.fonts:
            if face.family == project_family:
                remaining -= cmap(project.read_bytes(face.path))
        families = dict.fromkeys(f for f, _, _ in faces if f.split()[2:3] == [role])
        for family in families:
            covered: set[int] = set()
            for name in {file for f, file, _ in faces if f == family}:
                covered |= theme_cmap(name)
            if remaining & covered:
                needed.add(family)
                remaining -= covered
    rules = [rule for family, _, rule in faces if family in needed]
    files = sorted({file for family, file, _ in faces if family in needed})
    css = "\n".join(tinycss2.serialize([rule]) for rule in rules)
    css = css or "/* the project's own fonts cover the text */"
    return ThemeFonts(f"{css}\n".encode(), files)
