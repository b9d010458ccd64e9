"""The one place where the ids of generated anchors are made: notes, note calls, citations
and source entries. Every format (and every audit) uses these, so an anchor in the PDF, the
EPUB and the checks is always spelled the same way."""

from __future__ import annotations


def note_id(n: int) -> str:
    """The note numbered `n` in an edition."""
    return f"fn-{n}"


def noteref_id(n: int, repeat: int = 0) -> str:
    """The call of note `n` (a note called again gets `-1`, `-2`, … after its first call)."""
    return f"fnref-{n}" + (f"-{repeat}" if repeat else "")


def cite_id(owner: str, index: int) -> str:
    """The `index`-th citation in a chapter or a chronology row (`owner` is its id)."""
    return f"cite-{owner}-{index}"


def source_id(key: str) -> str:
    """The appendix entry of the source with this key."""
    return f"src-{key}"
