"""editions/visibility.py: what a public audience may see of the tokens, and the list of
internal texts the leak scan of finished outputs looks for."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from markdown_it.token import Token

from dossier import load_config
from dossier.editions.visibility import internal_texts, visible
from dossier.errors import Location, Problems
from dossier.model import markdown as markup
from dossier.model.records import Dossier, SourceCopy
from dossier.reading.sections import read_dossier, read_section

from conftest import PROJECTS


def text_of(tokens: list[Token]) -> str:
    """The plain text of every inline token, one block a line."""
    return "\n".join(markup.plain_text(t.children or []) for t in tokens if t.type == "inline")


def children(tokens: list[Token]) -> list[Token]:
    return [c for t in tokens if t.children for c in t.children]


@pytest.fixture(scope="module")
def confidential() -> Dossier:
    config = load_config(PROJECTS / "confidential")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    assert problems.items == []
    return dossier


# --- visible(): block containers -------------------------------------------------------


BLOCKS = """\
Before the block.

::: internal
Secret paragraph one.

- secret item
:::

After the block.
"""


def test_public_drops_internal_blocks_with_everything_inside() -> None:
    tokens = markup.parse(BLOCKS)
    shown = visible(tokens, public=True)
    assert text_of(shown) == "Before the block.\nAfter the block."
    types = [t.type for t in shown]
    assert not [t for t in types if t.startswith("container_internal")]
    assert "bullet_list_open" not in types


def test_internal_audience_keeps_blocks_and_their_markers() -> None:
    tokens = markup.parse(BLOCKS)
    shown = visible(tokens, public=False)
    assert text_of(shown) == (
        "Before the block.\nSecret paragraph one.\nsecret item\nAfter the block."
    )
    assert [t.type for t in shown].count("container_internal_open") == 1
    assert len(shown) == len(tokens)


def test_nested_internal_blocks_are_dropped_to_the_outer_close() -> None:
    text = (
        "Open.\n\n:::: internal\nOuter.\n\n::: internal\nInner.\n:::\n\nStill outer.\n"
        "::::\n\nClosed.\n"
    )
    shown = visible(markup.parse(text), public=True)
    assert text_of(shown) == "Open.\nClosed."


def test_the_tokens_given_are_not_changed() -> None:
    tokens = markup.parse(BLOCKS + "\nA [hidden]{.internal} span.\n")
    before = [(t.type, len(t.children or [])) for t in tokens]
    visible(tokens, public=True)
    assert [(t.type, len(t.children or [])) for t in tokens] == before


# --- visible(): inline spans, notes, citations ------------------------------------------


def test_public_drops_internal_spans_but_keeps_the_rest_of_the_line() -> None:
    tokens = markup.parse("The driver, [whose name is Z]{.internal}, declined.\n")
    assert text_of(visible(tokens, public=True)) == "The driver, , declined."
    assert text_of(visible(tokens, public=False)) == "The driver, whose name is Z, declined."


def test_spans_nested_inside_an_internal_span_go_with_it() -> None:
    tokens = markup.parse("A [x [y]{.other} z]{.internal} b [kept]{.other}.\n")
    shown = children(visible(tokens, public=True))
    assert markup.plain_text(shown) == "A  b kept."
    # the surviving span keeps both its open and its close
    assert [c.type for c in shown].count("span_open") == 1
    assert [c.type for c in shown].count("span_close") == 1


def test_other_spans_are_kept_for_the_public() -> None:
    tokens = markup.parse("A [plain]{.highlight} span.\n")
    shown = children(visible(tokens, public=True))
    assert [c.type for c in shown] == [c.type for c in children(tokens)]


def test_public_drops_references_to_internal_notes_only() -> None:
    tokens = markup.parse("Text.[^internal-who] More.[^pub]\n\n[^internal-who]: x\n[^pub]: y\n")
    refs = [c for c in children(visible(tokens, True)) if c.type == "footnote_ref"]
    assert [r.meta["label"] for r in refs] == ["pub"]
    refs = [c for c in children(visible(tokens, False)) if c.type == "footnote_ref"]
    assert [r.meta["label"] for r in refs] == ["internal-who", "pub"]


def test_citations_and_note_references_are_copies() -> None:
    """numbering writes on these tokens: an edition must not write on the section's own."""
    tokens = markup.parse("Said [@a].[^n]\n\n[^n]: note\n")
    original = {c.type: c for c in children(tokens) if c.type in ("citation", "footnote_ref")}
    shown = {c.type: c for c in children(visible(tokens, True)) if c.type in original}
    assert set(shown) == {"citation", "footnote_ref"}
    for kind, token in shown.items():
        assert token is not original[kind]
        assert token.meta == original[kind].meta
    shown["citation"].meta = {"changed": True}
    assert original["citation"].meta != {"changed": True}


# --- internal_texts() -------------------------------------------------------------------


def test_internal_texts_of_the_confidential_sample(confidential: Dossier) -> None:
    texts = internal_texts(confidential)
    expected = [
        "Handling notes",  # heading inside ::: internal
        "whose first name is Zaurbek",  # {.internal} span
        "Identified by a relative in a private message to the newsroom.",  # internal note
        "Source meeting log",  # title of an internal section
        "Location withheld by agreement with the venue owner.",  # internal: [note]
        "the day after the Kestrel Lane call",  # internal: [label]
        "Meeting room in the Kestrel Lane annex",  # internal: [place]
        "Courier hands over the ledger at the bakery on Station Road.",  # internal event
        "Obtained through the drop folder maintained by Farida.",  # internal-notes
        "https://example.org/private-drop-folder/report.pdf",  # internal: [URL]
        "Handler's notebook, pages about the courier",  # internal source
    ]
    for text in expected:
        assert text in texts
    assert all(t == t.strip() and t for t in texts)


def test_public_material_is_not_listed(confidential: Dossier) -> None:
    texts = internal_texts(confidential)
    joined = "\n".join(texts)
    for public in (
        "What we can publish",
        "The committee meets.",
        "The decision is announced.",
        "Public report of the committee",
        "As reported in the public record",
        "declined to comment",
    ):
        assert public not in joined


def test_an_internal_section_lists_its_subtitle_summary_and_notes(
    confidential: Dossier,
) -> None:
    text = (
        "---\ntitle: Desk log\nsubtitle: Secret subtitle\nsummary: Secret summary\n"
        "internal: true\n---\n\nBody.[^n]\n\n[^n]: A note inside the internal section.\n"
    )
    section = read_section(text, "sections/log.md", Problems())
    assert section is not None and section.internal
    dossier = dataclasses.replace(confidential, sections=[section], events=[], sources={})
    assert internal_texts(dossier) == [
        "Desk log",
        "Secret subtitle",
        "Secret summary",
        "Body.",
        "A note inside the internal section.",
    ]


def test_a_public_section_lists_internal_notes_and_spans_inside_public_notes(
    confidential: Dossier,
) -> None:
    text = (
        "# Public\n\nBody.[^a][^internal-b]\n\n"
        "[^a]: Public note with [a hidden aside]{.internal}.\n"
        "[^internal-b]: Whole note is internal.\n"
    )
    section = read_section(text, "sections/pub.md", Problems())
    assert section is not None and not section.internal
    dossier = dataclasses.replace(confidential, sections=[section], events=[], sources={})
    assert internal_texts(dossier) == ["a hidden aside", "Whole note is internal."]


def test_source_copies_are_internal_when_the_url_is(confidential: Dossier) -> None:
    source = confidential.sources["public-report"]
    copy = SourceCopy("mirror", Location("s.yaml", 1), url="https://mirror.example/secret")
    with_copy = dataclasses.replace(source, copies=(copy,))
    dossier = dataclasses.replace(
        confidential, sections=[], events=[], sources={source.key: with_copy}
    )
    assert "https://mirror.example/secret" in internal_texts(dossier)
    public_url = dataclasses.replace(with_copy, internal_fields=frozenset())
    dossier = dataclasses.replace(dossier, sources={source.key: public_url})
    assert "https://mirror.example/secret" not in internal_texts(dossier)


def test_internal_custom_fields_of_a_public_source(confidential: Dossier) -> None:
    source = dataclasses.replace(
        confidential.sources["public-report"],
        internal_notes="",
        reliability="Doubtful, per the desk",
        original_name="Отчёт комитета",
        internal_fields=frozenset({"reliability"}),
    )
    dossier = dataclasses.replace(confidential, sections=[], events=[], sources={"k": source})
    texts = internal_texts(dossier)
    assert texts == ["Doubtful, per the desk"]
    source = dataclasses.replace(source, internal_fields=frozenset({"original-name"}))
    dossier = dataclasses.replace(dossier, sources={"k": source})
    assert internal_texts(dossier) == ["Отчёт комитета"]


def test_a_wholly_internal_source_lists_every_text_field(confidential: Dossier) -> None:
    source = dataclasses.replace(
        confidential.sources["handler-notes"],
        original_name="Записи куратора",
        reliability="first-hand",
        copies=(SourceCopy("archive", Location("s.yaml", 1), url="https://archive.example/x"),),
    )
    dossier = dataclasses.replace(confidential, sections=[], events=[], sources={"k": source})
    texts = internal_texts(dossier)
    assert {
        "Handler's notebook, pages about the courier",
        "personal_communication",
        "Записи куратора",
        "first-hand",
        "https://archive.example/x",
    } <= set(texts)


def test_an_internal_event_lists_its_text_but_not_its_date(confidential: Dossier) -> None:
    event = next(e for e in confidential.events if e.internal)
    dossier = dataclasses.replace(confidential, sections=[], sources={}, events=[event])
    texts = internal_texts(dossier)
    assert texts == ["Courier hands over the ledger at the bakery on Station Road."]
    assert event.date not in texts


def test_nothing_internal_nothing_listed(tmp_path: Path) -> None:
    config = load_config(PROJECTS / "minimal")
    problems = Problems()
    dossier = read_dossier(config, problems, config.project)
    assert internal_texts(dossier) == []
