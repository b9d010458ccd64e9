"""What an audience may see: public editions drop `::: internal` blocks, `[…]{.internal}`
spans and internal notes (`visible`); `internal_texts` lists every internal text for the
leak scan of the finished outputs.
"""

from __future__ import annotations

from markdown_it.token import Token

from dossier.model import markdown as markup
from dossier.model.markdown import INTERNAL_NOTE_PREFIX, is_internal_span
from dossier.model.records import Dossier


def visible(tokens: list[Token], public: bool) -> list[Token]:
    """Copies of the tokens an audience may see: public drops `::: internal` blocks,
    `[…]{.internal}` spans and references to `[^internal-…]` notes."""
    out: list[Token] = []
    depth = 0
    for token in tokens:
        if public and token.type == f"container_{markup.INTERNAL}_open":
            depth += 1
        elif public and token.type == f"container_{markup.INTERNAL}_close":
            depth -= 1
        elif depth == 0:
            if token.children is not None:
                token = token.copy(children=_visible_inline(token.children, public))
            out.append(token)
    return out


def _visible_inline(children: list[Token], public: bool) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for child in children:
        if public and is_internal_span(child):
            depth += 1
            continue
        if depth and child.type == "span_open":
            depth += 1
        elif depth and child.type == "span_close":
            depth -= 1
            continue
        if depth:
            continue
        if (
            child.type == "footnote_ref"
            and public
            and child.meta["label"].startswith(INTERNAL_NOTE_PREFIX)
        ):
            continue
        out.append(child.copy() if child.type in ("citation", "footnote_ref") else child)
    return out


def internal_texts(dossier: Dossier) -> list[str]:
    """Every piece of text marked internal anywhere in the dossier (for the leak scan)."""
    texts: list[str] = []
    for section in dossier.sections:
        if section.internal:
            texts += [section.title, section.subtitle, section.summary]
            texts += _texts(section.tokens)
            texts += [t for note in section.notes.values() for t in _texts(note.tokens)]
            continue
        texts += _internal_token_texts(section.tokens)
        for note in section.notes.values():
            texts += _texts(note.tokens) if note.internal else _internal_token_texts(note.tokens)
    for event in dossier.events:
        fields = ("event", "place", "note", "label") if event.internal else event.internal_fields
        texts += [
            str(getattr(event, f, "")) for f in fields if f in ("event", "place", "note", "label")
        ]
    for source in dossier.sources.values():
        texts.append(source.internal_notes)
        if source.internal:
            texts += [str(v) for v in source.csl.values() if isinstance(v, str)]
            texts += [source.original_name, source.reliability]
            texts += [c.url for c in source.copies]
        else:
            if {"copies", "URL"} & source.internal_fields:
                texts += [c.url for c in source.copies]
            texts += [
                str(source.csl.get(f, ""))
                for f in source.internal_fields
                if isinstance(source.csl.get(f), str)
            ]
            texts += [
                {"reliability": source.reliability, "original-name": source.original_name}.get(
                    f, ""
                )
                for f in source.internal_fields
            ]
    return [t.strip() for t in texts if t and t.strip()]


def _texts(tokens: list[Token]) -> list[str]:
    """The text of each block (paragraph, heading, cell) in `tokens`."""
    return [markup.plain_text(t.children or []) for t in tokens if t.type == "inline"]


def _internal_token_texts(tokens: list[Token]) -> list[str]:
    """Text inside `::: internal` blocks and `[…]{.internal}` spans."""
    texts: list[str] = []
    depth = 0
    for token in tokens:
        if token.type == f"container_{markup.INTERNAL}_open":
            depth += 1
        elif token.type == f"container_{markup.INTERNAL}_close":
            depth -= 1
        elif depth and token.type == "inline":
            texts.append(markup.plain_text(token.children or []))
        elif token.children:
            span: list[Token] = []
            span_depth = 0
            for child in token.children:
                if is_internal_span(child):
                    span_depth += 1
                elif span_depth and child.type == "span_close":
                    span_depth -= 1
                    if not span_depth:
                        texts.append(markup.plain_text(span))
                        span = []
                elif span_depth:
                    span.append(child)
    return texts
