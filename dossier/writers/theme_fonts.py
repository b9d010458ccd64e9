"""The theme's fonts an EPUB or HTML edition carries: those its text needs. The EPUB packs
them whole (not subset) with the theme's `@font-face` rules for them, at `theme/fonts.css`
and `theme/fonts/`; the HTML edition embeds them cut down (`html_embed.font_faces`).

Reading systems and browsers have no fonts of ours, so the edition brings them along. The
theme's families back up the project's "Dossier Text" (serif stack) and "Dossier Sans"
(sans stack) in the order of `theme/fonts.css`; a theme family is carried when it draws
some character of the book's text that the project's fonts and the families before it in
its stack do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class ThemeFace:
    """One @font-face rule of the theme."""

    family: str
    file: str  # a file name in theme/fonts/
    weight: int
    italic: bool
    rule: Any = field(compare=False, repr=False)


def _faces() -> list[ThemeFace]:
    """Every @font-face rule of the theme, in order."""
    text = (THEME_DIR / FONTS_CSS).read_text(encoding="utf-8")
    faces = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if getattr(rule, "type", "") != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        values: dict[str, str] = {}
        url = ""
        for decl in tinycss2.parse_blocks_contents(rule.content or [], skip_whitespace=True):
            if getattr(decl, "type", "") != "declaration":
                continue
            values[decl.lower_name] = tinycss2.serialize(decl.value).strip().strip("\"'")
            if decl.lower_name == "src":
                url = next((t.value for t in decl.value if t.type == "url"), "")
        weight = values.get("font-weight", "400")
        faces.append(
            ThemeFace(
                values.get("font-family", ""),
                url.removeprefix("fonts/"),
                int(weight) if weight.isdigit() else 700 if weight == "bold" else 400,
                values.get("font-style") == "italic",
                rule,
            )
        )
    return faces


def needed_faces(text: str, sheets: Stylesheets, project: ProjectFiles) -> list[ThemeFace]:
    """The theme's @font-face rules whose family `text` needs: a theme family is needed when
    it draws a character of the text that the project's fonts for that role ("Dossier
    Text" or "Dossier Sans") and the families before it in the theme's stack do not."""
    faces = _faces()
    chars = {ord(c) for c in set(text) if drawn(c)}
    needed: set[str] = set()
    for role, project_family in PROJECT_FAMILIES.items():
        remaining = set(chars)
        for face in sheets.fonts:
            if face.family == project_family:
                remaining -= cmap(project.read_bytes(face.path))
        families = dict.fromkeys(f.family for f in faces if f.family.split()[2:3] == [role])
        for family in families:
            covered: set[int] = set()
            for name in {f.file for f in faces if f.family == family}:
                covered |= theme_cmap(name)
            if remaining & covered:
                needed.add(family)
                remaining -= covered
    return [face for face in faces if face.family in needed]


def theme_fonts(text: str, sheets: Stylesheets, project: ProjectFiles) -> ThemeFonts:
    """The theme's fonts (and their rules) that `text`, the book's text, needs."""
    faces = needed_faces(text, sheets, project)
    css = "\n".join(tinycss2.serialize([face.rule]) for face in faces)
    css = css or "/* the project's own fonts cover the text */"
    return ThemeFonts(f"{css}\n".encode(), sorted({face.file for face in faces}))
