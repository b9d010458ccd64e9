"""Cross-checks of a dossier that was read: citations, notes, links, images and nesting.

`read_project()` (reading/project.py) reads the images with the other files (`read_images`),
then runs these, which read no new file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping

from lxml import etree
from markdown_it.token import Token

from dossier.errors import Location, Problems, did_you_mean
from dossier.model import markdown as markup
from dossier.model.ids import source_id
from dossier.model.records import Dossier, Section
from dossier.sandbox.files import ProjectFiles
from dossier.sandbox.images import DAMAGED, identifying_metadata
from dossier.sandbox.inert_xml import parse_xml

MAX_NESTING = 40
NOT_ALLOWED = "not allowed: links may point to http(s), mailto, or #ids in the dossier"
# markdown-it leaves links with these schemes as text; they are refused all the same
_BAD_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|data|file):[^\s)>]*)", re.I)
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
SVG_FORBIDDEN = {
    "script",
    "foreignObject",
    "iframe",
    "object",
    "embed",
    "style",
    "audio",
    "video",
    "handler",
    "listener",
    "set",
    "animate",
    "animateMotion",
    "animateTransform",
}


def check_dossier(dossier: Dossier, problems: Problems) -> None:
    """Cross-references between files (the per-file checks happen while reading). A file that
    could not be read is reported once: references into it are not reported again."""
    sources = dossier.sources
    keys_known = "sources" not in dossier.incomplete
    cited: set[str] = set()
    ids: set[str] | None = None  # None: targets may be in a file that could not be read
    if not {"sections", "chronology"} & dossier.incomplete:
        ids = set(markup.RESERVED_IDS) | {s.id for s in dossier.sections}
        ids |= {h.id for s in dossier.sections for h in s.headings}
        ids |= {e.id for e in dossier.events} | {source_id(k) for k in sources}
    sections = dossier.sections + ([dossier.colophon] if dossier.colophon else [])
    for section in sections:
        _check_notes(section, problems)
        _check_nesting(section, problems)
        for token in _section_inline(section):
            where = section.locate(token)
            if token.type == "citation":
                for item in token.meta["items"]:
                    cited.add(item.key)
                    if item.key not in sources and keys_known:
                        problems.error(
                            _unknown_key(item.key, sources), section.locate(token, "@" + item.key)
                        )
            elif token.type == "link_open":
                href = markup.attr(token, "href")
                problem = _link_problem(href, ids, dossier, section.path)
                if problem:
                    problems.error(problem, section.locate(token, href))
            elif token.type == "image" and not markup.plain_text(token.children or []).strip():
                src = markup.attr(token, "src")
                problems.error(
                    f"image '{src}' has no alt text: describe it in ![…](…)",
                    section.locate(token, src),
                )
            elif token.type == "span_open" and not markup.is_internal_span(token):
                problems.error("only {.internal} may follow a bracketed span", where)
            elif token.type == "text" and (bad := _BAD_LINK.search(token.content)):
                problems.error(f"link target '{bad[1]}' {NOT_ALLOWED}", where)
    for event in dossier.events:
        for ref in event.sources:
            cited.add(ref.key)
            if ref.key not in sources and keys_known:
                problems.error(_unknown_key(ref.key, sources), ref.where)
        for text in (event.event, event.note, event.place, event.label):
            tokens = markup.parse_inline(text)
            if any(t.level > MAX_NESTING for t in tokens):
                problems.error(f"markup nested more than {MAX_NESTING} levels deep", event.where)
            for token in markup.walk(tokens):
                if token.type == "link_open":
                    href = markup.attr(token, "href")
                    problem = _link_problem(href, ids, dossier, dossier.config.chronology)
                    if problem:
                        problems.error(problem, event.where)
                elif token.type == "text" and (bad := _BAD_LINK.search(token.content)):
                    problems.error(f"link target '{bad[1]}' {NOT_ALLOWED}", event.where)
                elif token.type == "image":
                    problems.error("images are not allowed in chronology events", event.where)
    based_on = dossier.config.based_on
    if based_on and based_on not in sources and keys_known:
        problems.error(_unknown_key(based_on, sources), dossier.config.at("based_on"))
    cited.add(based_on)
    for key, source in sources.items():
        if key not in cited and not dossier.incomplete:
            problems.warning(f"source '{key}' is never cited", source.where)


def check_image_metadata(project: ProjectFiles, problems: Problems) -> None:
    """Warn once for each image read so far (in sections, stylesheets, templates) that
    carries identifying metadata. Outputs get it stripped anyway; the warning is for the
    project's own copy, which an archive edition attaches as it is."""
    for path in sorted(project.files_read):  # images are known by content, not by name
        found = identifying_metadata(project.read_bytes(path), path)
        if found and found != [DAMAGED]:  # a damaged image is an error of its own
            problems.warning(
                f"image carries identifying metadata ({', '.join(found)}): "
                "run `dossier scrub` to remove it",
                Location(path),
            )


def _unknown_key(key: str, sources: Mapping[str, object]) -> str:
    return f"unknown source key '{key}'{did_you_mean(key, sources)}"


def _section_inline(section: Section) -> Iterator[Token]:
    for tokens in [section.tokens, *(n.tokens for n in section.notes.values())]:
        for token in tokens:
            if token.children:
                yield from markup.walk(token.children)


def _nesting(token: Token) -> int:
    """How deeply elements nest at a block token (emphasis, links and spans included)."""
    return token.level + max((child.level for child in token.children or []), default=0)


def _check_nesting(section: Section, problems: Problems) -> None:
    """The renderers recurse per nested element; a few hundred levels exhaust Python's
    stack, so markup nested beyond any real use is refused (once per section)."""
    for tokens in [section.tokens, *(n.tokens for n in section.notes.values())]:
        deep = next((t for t in tokens if _nesting(t) > MAX_NESTING), None)
        if deep is not None:
            problems.error(
                f"markup nested {_nesting(deep)} levels deep (emphasis, links, lists or quotes "
                f"inside one another); the most is {MAX_NESTING}",
                section.locate(deep),
            )
            return


def _check_notes(section: Section, problems: Problems) -> None:
    used: set[str] = set()
    for token in _section_inline(section):
        if token.type == "footnote_ref":
            label = token.meta["label"]
            used.add(label)
            if label not in section.notes:
                problems.error(
                    f"footnote '[^{label}]' has no definition (add a line '[^{label}]: …')",
                    section.locate(token, f"[^{label}]"),
                )
    for label, note in section.notes.items():
        if label not in used:
            problems.warning(f"footnote '[^{label}]' is defined but never referenced", note.where)


def _link_problem(href: str, ids: set[str] | None, dossier: Dossier, base: str) -> str:
    """Why a link target is refused, or "". Links may go to the web, to mail, or to an id in
    the dossier (`ids`, or None when a file that holds ids could not be read); a file named in
    a link is relative to `base`, the file that holds the link."""
    if href.startswith(markup.EXTERNAL_SCHEMES):
        return ""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
        return f"link target '{href}' {NOT_ALLOWED}"
    if ids is not None and dossier.link_target(href, base) not in ids:
        return f"link target '{href}' not found: no section or heading has this id"
    return ""


def read_images(dossier: Dossier, project: ProjectFiles, problems: Problems) -> None:
    """Read every image the sections show and check that it is one: images are inputs, read
    with the other files (`reading.project.read_inputs`)."""
    for section in dossier.sections + ([dossier.colophon] if dossier.colophon else []):
        for token in _section_inline(section):
            if token.type != "image":
                continue
            src = markup.attr(token, "src")
            where = section.locate(token, src)
            with problems.collect() as caught:
                rel = project.resolve(src, where, base=section.path)
                data = project.read_bytes(rel, where)
            if caught.failed:
                continue
            problem = image_problem(data, rel)
            if problem:
                problems.error(problem, where)


def image_problem(data: bytes, name: str) -> str:
    """Why these bytes are not a safe image, or '' if they are one."""
    if name.lower().endswith(".svg"):
        return _svg_problem(data, name)
    kind = next((k for magic, k in IMAGE_TYPES.items() if data.startswith(magic)), None)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "webp"
    if kind is None:
        return f"'{name}' is not a PNG, JPEG, GIF, WebP or SVG image"
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many types for damaged files
        return f"'{name}' is a damaged {kind.upper()} image ({exc})"
    return ""


def _svg_problem(data: bytes, name: str) -> str:
    try:
        root = parse_xml(data)
    except ValueError as exc:
        return f"'{name}' is not a usable SVG image: {exc}"
    if etree.QName(root).localname != "svg":
        return f"'{name}' is not an SVG image"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname in SVG_FORBIDDEN:
            return (
                f"'{name}' contains <{etree.QName(element).localname}>: SVG images may not "
                "contain scripts, style sheets, animation or embedded content"
            )
        for attr, value in element.attrib.items():
            local = etree.QName(attr).localname
            if local.lower().startswith("on"):
                return f"'{name}' has an event handler ({local}); remove it"
            if local == "href" and not value.startswith("#"):
                return f"'{name}' refers to '{value}': SVG images may only refer to themselves"
            if "url(" in value and not re.search(r"url\(\s*#", value):
                return f"'{name}' refers to an external resource in '{local}'"
    return ""
