"""ProjectFiles stylesheets: every `url()` and `@import` they contain, resolved inside the project
(with file, line and column for errors), and the `@font-face` rules they declare.

The PDF renderer loads the same files through the sandboxed fetcher; the EPUB writer packs
them (and what they reference) at the same relative paths, so no URL is ever rewritten.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import tinycss2

from dossier.errors import ContentError, Location, Problems
from dossier.sandbox.files import ProjectFiles
from dossier.sandbox.fonts import best_cmap

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


@dataclass(frozen=True)
class FontFace:
    family: str
    path: str
    weight: int = 400
    italic: bool = False


@dataclass
class Stylesheets:
    """The project's CSS files and everything they pull in, all project-relative."""

    files: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    fonts: list[FontFace] = field(default_factory=list)

    def font(self, family: str, weight: int = 400, italic: bool = False) -> FontFace | None:
        matches = [f for f in self.fonts if f.family == family and f.italic == italic]
        return min(matches, key=lambda f: abs(f.weight - weight), default=None)


def read_stylesheets(
    project: ProjectFiles, paths: list[tuple[str, Location]], problems: Problems
) -> Stylesheets:
    """Scan the manifest's stylesheets (each with where it is named) and their @imports,
    validating every reference."""
    sheets = Stylesheets()
    pending = list(paths)
    while pending:
        path, where = pending.pop(0)
        with problems.collect() as caught:
            rel = project.resolve(path, where)
            text = project.read_text(rel)
        if caught.failed:
            continue
        if rel in sheets.files:
            continue
        sheets.files.append(rel)
        for kind, ref, at in _references(text, rel):
            with problems.collect() as caught:
                target = project.resolve(ref, at, base=rel)
                data = project.read_bytes(target, at)
            if caught.failed:
                continue
            if target.lower().endswith(FONT_SUFFIXES) and (problem := font_problem(data)):
                problems.error(f"'{target}' is not a usable font: {problem}", at)
            if kind == "import":
                pending.append((target, at))
            elif target not in sheets.resources:
                sheets.resources.append(target)
        sheets.fonts += _font_faces(project, text, rel)
    return sheets


@functools.lru_cache(maxsize=64)  # `dossier serve` reads the same fonts on every rebuild
def font_problem(data: bytes) -> str:
    """Why these bytes are not a usable TrueType/OpenType/WOFF font, or ''."""
    import io

    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        font["head"], font["name"]
        if best_cmap(font) is None:
            return "it has no character map"
    except Exception as exc:  # fontTools raises many kinds for damaged files
        return str(exc) or type(exc).__name__
    return ""


def _references(text: str, path: str) -> list[tuple[str, str, Location]]:
    """(kind, url, location) for every url() and @import in a stylesheet."""
    found: list[tuple[str, str, Location]] = []

    def visit(tokens: list[object]) -> None:
        for token in tokens:
            kind = getattr(token, "type", "")
            where = Location(
                path, getattr(token, "source_line", None), getattr(token, "source_column", None)
            )
            if kind in ("url", "function") and (url := _url_of(token)) is not None:
                found.append(("url", url, where))
            elif kind == "at-rule" and token.lower_at_keyword == "import":  # type: ignore[attr-defined]
                # `@import "a.css"`, `@import url(a.css)` and `@import url("a.css")` (a
                # function token, not a url token, when quoted)
                for part in token.prelude:  # type: ignore[attr-defined]
                    url = part.value if part.type == "string" else _url_of(part)
                    if url is not None:
                        at = Location(path, part.source_line, part.source_column)
                        found.append(("import", url, at))
                        break
                continue
            for attr in ("prelude", "content", "arguments", "value"):
                children = getattr(token, attr, None)
                if isinstance(children, list):
                    visit(children)

    visit(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return found


def _url_of(token: object) -> str | None:
    """The address in a `url(x)` or `url("x")` token (any case), else None."""
    kind = getattr(token, "type", "")
    if kind == "url":
        return str(token.value)  # type: ignore[attr-defined]
    if kind == "function" and token.lower_name == "url":  # type: ignore[attr-defined]
        args = [a for a in token.arguments if a.type == "string"]  # type: ignore[attr-defined]
        return str(args[0].value) if args else None
    return None


def _font_faces(project: ProjectFiles, text: str, path: str) -> list[FontFace]:
    faces = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if getattr(rule, "type", "") != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        props: dict[str, str] = {}
        src = ""
        for decl in tinycss2.parse_blocks_contents(
            rule.content or [], skip_whitespace=True, skip_comments=True
        ):
            if getattr(decl, "type", "") != "declaration":
                continue
            if decl.lower_name == "src":
                # url(x) and url("x") (a function token when quoted) alike
                src = next((u for t in decl.value if (u := _url_of(t)) is not None), "")
            props[decl.lower_name] = tinycss2.serialize(decl.value).strip().strip("\"'")
        if not src or "font-family" not in props:
            continue
        try:
            target = project.resolve(src, base=path)
        except ContentError:
            continue  # already reported by the reference scan
        weight = props.get("font-weight", "400")
        faces.append(
            FontFace(
                props["font-family"],
                target,
                700 if weight == "bold" else int(weight) if weight.isdigit() else 400,
                props.get("font-style", "normal") in ("italic", "oblique"),
            )
        )
    return faces
