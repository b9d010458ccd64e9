"""The one configured Markdown converter: CommonMark + tables, footnotes, pandoc citations,
`::: internal` blocks and `[text]{.internal}` spans; raw HTML off.

Parsing happens once per section; rendering happens once per output format through
`RenderContext`, which decides how citations, notes, links and images appear (PDF and EPUB
differ: notes are inline floats in the PDF and EPUB 3 asides in the EPUB).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import escape
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

INTERNAL = "internal"
INTERNAL_NOTE_PREFIX = "internal-"

# pandoc: keys start with a letter, digit or _ and may contain internal punctuation.
_KEY_CHARS = r"[\w:.#$%&\-+?<>~/]"
_CITE_ITEM = re.compile(
    rf"^(?P<prefix>(?:.*\s)?)(?P<suppress>-?)@(?P<key>\w{_KEY_CHARS}*)(?P<rest>.*)$", re.S
)
_TRAILING = ":.#$%&-+?<>~/"


@dataclass(frozen=True)
class CiteItem:
    """One `@key` of a citation, with pandoc's prefix and locator."""

    key: str
    locator: str = ""
    prefix: str = ""


def _split_citation(inner: str) -> list[CiteItem] | None:
    """`see @a, p. 4; @b` -> items, or None if this is not a pandoc citation."""
    items = []
    for part in inner.split(";"):
        match = _CITE_ITEM.match(part.strip())
        if not match:
            return None
        key, rest = match["key"], match["rest"]
        while key and key[-1] in _TRAILING:
            key, rest = key[:-1], key[-1] + rest
        rest = rest.strip()
        locator = rest[1:].strip() if rest.startswith(",") else rest
        items.append(CiteItem(key, locator, match["prefix"].strip()))
    return items


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """`[@key]`, `[@key, p. 4]`, `[see @a; @b]` (pandoc syntax; bare @key is plain text).

    Hand-written because no maintained markdown-it plugin parses pandoc citations; the
    grammar is small and kept to pandoc's documented forms.
    """
    src, start = state.src, state.pos
    if src[start] != "[" or start + 2 >= state.posMax or src[start + 1] == "^":
        return False
    end = src.find("]", start + 1, state.posMax)
    if end < 0:
        return False
    inner = src[start + 1 : end]
    if "@" not in inner or "[" in inner or src[end + 1 : end + 2] in ("(", "[", "{"):
        return False
    items = _split_citation(inner)
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items}
        token.content = src[start : end + 1]
    state.pos = end + 1
    return True


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    md.use(container_plugin, name=INTERNAL)
    md.use(attrs_plugin, after=(), spans=True, allowed=("class",))
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.core.ruler.after("inline", "dossier_lines", _locate_inline)
    for name, rule in _RULES.items():
        md.add_render_rule(name, rule)
    return md


def _locate_inline(state: Any) -> None:
    """Give inline tokens the source line they start on (`token.map`), for messages."""
    for block in state.tokens:
        if block.type != "inline" or not block.map or not block.children:
            continue
        line = block.map[0]
        for child in block.children:
            child.map = [line, line + 1]
            if child.type in ("softbreak", "hardbreak"):
                line += 1


def parse(text: str) -> list[Token]:
    """Parse a Markdown document (front matter included) into tokens."""
    return _parser().parse(text, {})


def parse_inline(text: str) -> list[Token]:
    """Parse one line of inline Markdown (chronology events, notes); returns its children.
    The tokens are shared by every call with the same text (the reader, the checks and each
    renderer parse a chronology's texts: some 4,000 calls for 660 events): read them, never
    change them."""
    return list(_inline_children(text))


@functools.lru_cache(maxsize=4096)
def _inline_children(text: str) -> tuple[Token, ...]:
    tokens = _parser().parseInline(text, {})
    return tuple(tokens[0].children or []) if tokens else ()


_PARSER: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        _PARSER = _make_parser()
    return _PARSER


def walk(tokens: Sequence[Token]) -> Iterator[Token]:
    """Every token, children included, in document order."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def plain_text(tokens: Sequence[Token]) -> str:
    """The readable text of inline tokens (for headings, ids, alt text and scans)."""
    out = []
    for token in walk(tokens):
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


#: Link targets outside the dossier that a link may have (anything else is an anchor in it).
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")

#: ids (and EPUB files and items) the generated parts of a book use; headings never take them.
RESERVED_IDS = (
    *("cover", "title-page", "contents", "chronology", "timeline", "sources"),
    *("title", "nav", "ncx", "toc", "cover-img", "style-theme"),
)
#: Prefixes of generated ids (notes, citations, source entries, EPUB resources): a heading
#: that would start with one is given "h-" in front; a section id may not start with one.
RESERVED_PREFIXES = ("fn-", "fnref-", "cite-", "src-", "res-", "img-")


def slugify(text: str) -> str:
    """A stable XML-safe id from heading text: lowercase words joined by hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text).replace("_", "-")
    slug = re.sub(r"[\s-]+", "-", text).strip("-") or "section"
    return slug if slug[0].isalpha() else f"s-{slug}"


def attr(token: Token, name: str) -> str:
    """A token attribute as text ('' if missing)."""
    value = token.attrGet(name)
    return "" if value is None else str(value)


def is_internal_span(token: Token) -> bool:
    return token.type == "span_open" and INTERNAL in str(token.attrs.get("class", "")).split()


class RenderContext(Protocol):
    """What a writer supplies to turn tokens into its own markup."""

    def citation(self, token: Token) -> str: ...
    def noteref(self, token: Token) -> str: ...
    def link_href(self, token: Token) -> str: ...
    def link_attributes(self, href: str) -> str: ...
    def image(self, token: Token, alt: str) -> str: ...
    def internal_open(self, block: bool) -> str: ...
    def internal_close(self, block: bool) -> str: ...


def render(tokens: Sequence[Token], ctx: RenderContext) -> str:
    """Render block tokens to HTML with `ctx` deciding the dossier-specific parts."""
    return str(_parser().renderer.render(list(tokens), _parser().options, {"ctx": ctx}))


def render_inline(children: Sequence[Token], ctx: RenderContext) -> str:
    renderer: Any = _parser().renderer
    return str(renderer.renderInline(list(children), _parser().options, {"ctx": ctx}))


def _citation(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(env["ctx"].citation(tokens[idx]))


def _footnote_ref(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(env["ctx"].noteref(tokens[idx]))


def _link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = env["ctx"].link_href(token)
    if not href:
        return "<a>"  # a target this edition leaves out: the text stays, the link goes
    external = href.startswith(EXTERNAL_SCHEMES)
    cls = ' class="external"' + env["ctx"].link_attributes(href) if external else ""
    return f'<a href="{escape(href)}"{cls}>'


def _image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    return str(env["ctx"].image(token, plain_text(token.children or [])))


def _container_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(env["ctx"].internal_open(True))


def _container_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(env["ctx"].internal_close(True))


def _span_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return str(env["ctx"].internal_open(False)) if is_internal_span(tokens[idx]) else "<span>"


def _span_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # spans only ever carry the internal class (anything else is rejected by the checks)
    return str(env["ctx"].internal_close(False))


def _th_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    style = attr(tokens[idx], "style")
    align = f' class="{style.split(":")[-1]}"' if style else ""
    return f'<th scope="col"{align}>'


def _td_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    style = attr(tokens[idx], "style")
    return f'<td class="{style.split(":")[-1]}">' if style else "<td>"


_RULES = {
    "citation": _citation,
    "footnote_ref": _footnote_ref,
    "link_open": _link_open,
    "image": _image,
    f"container_{INTERNAL}_open": _container_open,
    f"container_{INTERNAL}_close": _container_close,
    "span_open": _span_open,
    "span_close": _span_close,
    "th_open": _th_open,
    "td_open": _td_open,
}
