"""What makes the HTML edition one self-contained file: project files as `data:` URLs
(images without their identifying metadata), the project's stylesheets with every `url()`
made a `data:` URL, and the edition's fonts cut down to the characters the page uses and
packed as WOFF2.

Nothing here reaches outside the project: every file is read through `ProjectFiles`.
"""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tinycss2
from tinycss2.ast import URLToken

from dossier.errors import Location
from dossier.reading.styles import Stylesheets
from dossier.sandbox.fetcher import media_type
from dossier.sandbox.files import ProjectFiles
from dossier.sandbox.fonts import theme_font
from dossier.sandbox.images import is_image, strip_metadata
from dossier.writers.epub_fonts import cached_bytes
from dossier.writers.theme_fonts import needed_faces


def data_url(data: bytes, media: str) -> str:
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True)
class FaceView:
    """One @font-face of the page, as html/font-faces.css prints it."""

    family: str
    weight: int
    style: str
    url: str
    format: str = "woff2"


class Embedder:
    """Project files as `data:` URLs, each file read (and stripped) once per page."""

    def __init__(self, project: ProjectFiles) -> None:
        self.project = project
        self._urls: dict[str, str] = {}

    def __call__(self, rel: str) -> str:
        if rel not in self._urls:
            data = self.project.read_bytes(rel)
            if is_image(rel):
                data = strip_metadata(data, rel)
            self._urls[rel] = data_url(data, media_type(rel))
        return self._urls[rel]


def inline_stylesheet(project: ProjectFiles, rel: str, embed: Embedder) -> str:
    """A project stylesheet for a `<style>` element: its @font-face rules dropped (the page
    declares its fonts itself, cut down: `font_faces`), its @imports dropped (the imported
    files follow it, as `Stylesheets.files` lists them) and every url() a `data:` URL."""
    text = project.read_text(rel)
    rules = tinycss2.parse_stylesheet(text, skip_comments=True)
    kept = [
        rule
        for rule in rules
        if not (
            rule.type == "at-rule" and rule.lower_at_keyword in ("font-face", "import", "charset")
        )
    ]
    for rule in kept:
        for attr in ("prelude", "content"):
            children = getattr(rule, attr, None)
            if isinstance(children, list):
                _embed_urls(children, project, rel, embed)
    return tinycss2.serialize(kept)


def _embed_urls(tokens: list[Any], project: ProjectFiles, rel: str, embed: Embedder) -> None:
    for i, token in enumerate(tokens):
        kind = getattr(token, "type", "")
        url = None
        if kind == "url":
            url = token.value
        elif kind == "function" and token.lower_name == "url":
            strings = [a for a in token.arguments if a.type == "string"]
            url = strings[0].value if strings else None
        if url is not None:
            where = Location(rel, token.source_line, token.source_column)
            target = embed(project.resolve(url, where, base=rel))
            tokens[i] = URLToken(token.source_line, token.source_column, target, f"url({target})")
            continue
        for attr in ("content", "arguments", "value"):
            children = getattr(token, attr, None)
            if isinstance(children, list):
                _embed_urls(children, project, rel, embed)


def font_faces(
    project: ProjectFiles, sheets: Stylesheets, text: str, cache: Path | None = None
) -> list[FaceView]:
    """Every @font-face of the project's stylesheets, then those of the theme's that `text`
    needs (`theme_fonts.needed_faces`), each font cut down to the characters of `text` and
    packed as WOFF2 (kept in the `cache` folder by content, as the EPUB's subsets are)."""
    characters = "".join(sorted(set(text)))
    faces = []
    for face in sheets.fonts:
        data = subset_font(project.read_bytes(face.path), characters, cache)
        faces.append(
            FaceView(
                face.family,
                face.weight,
                "italic" if face.italic else "normal",
                data_url(data, "font/woff2"),
            )
        )
    for theme in needed_faces(text, sheets, project):
        data = subset_font(theme_font(theme.file), characters, cache)
        style = "italic" if theme.italic else "normal"
        faces.append(FaceView(theme.family, theme.weight, style, data_url(data, "font/woff2")))
    return faces


def subset_font(data: bytes, characters: str, cache: Path | None = None) -> bytes:
    """The font with only the glyphs for `characters` (and what shaping them needs), WOFF2;
    kept in `cache` by content (WOFF2's compression costs more than the rest of the page)."""
    key = [b"html-woff2", data, characters.encode("utf-8")]
    return cached_bytes(cache, key, lambda: _subset_woff2(data, characters))


@functools.lru_cache(maxsize=64)  # `dossier serve` rebuilds with the same fonts and text
def _subset_woff2(data: bytes, characters: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # screens and printers of today render well without it; smaller
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names and the licence, nothing else
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()
