"""Reusing earlier outputs: only when nothing they depend on has changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier import build


def build_epub(project: Path, **options: object) -> list:
    return build(project, formats=["epub"], **options)  # type: ignore[arg-type]


def test_nothing_changed_reuses_the_outputs(project: Path) -> None:
    first = build_epub(project)
    second = build_epub(project)
    assert [o.path for o in second] == [o.path for o in first]
    assert all(o.reused for o in second) and not any(o.reused for o in first)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: (p / "sections" / "02-story.md").write_text(
            (p / "sections" / "02-story.md").read_text() + "\nOne more sentence.\n"
        ),
        lambda p: (p / "sections" / "images" / "chart.png").write_bytes(
            (p / "sections" / "images" / "chart.png").read_bytes() + b"\0"
        ),
        lambda p: (p / "styles" / "fonts.css").write_text(
            (p / "styles" / "fonts.css").read_text() + "\n/* changed */\n"
        ),
        lambda p: (p / "templates").mkdir() or (p / "templates" / "new.html").write_text("x"),
    ],
)
def test_any_change_to_an_input_rebuilds(project: Path, change: object) -> None:
    build_epub(project)
    change(project)  # type: ignore[operator]
    assert not any(o.reused for o in build_epub(project))


def test_a_damaged_output_is_rebuilt(project: Path) -> None:
    [epub] = build_epub(project)
    epub.path.write_bytes(epub.path.read_bytes()[:100])
    [again] = build_epub(project)
    assert not again.reused and again.path.stat().st_size == epub.size


def test_another_build_date_rebuilds(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_epub(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not any(o.reused for o in build_epub(project))


def test_outputs_of_an_edition_are_reused_when_another_is_added(project: Path) -> None:
    build(project, formats=["epub"])
    outputs = build(project)  # now PDF and EPUB: the EPUB has the same stamp, so it is kept
    assert {o.format: o.reused for o in outputs} == {"pdf": False, "epub": True}


def test_force_renders_again(project: Path) -> None:
    build_epub(project)
    assert not any(o.reused for o in build_epub(project, force=True))


def test_other_code_or_engines_render_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dossier.sandbox import fingerprint

    [first] = build_epub(project)
    engines = fingerprint._engine_versions()
    monkeypatch.setattr(fingerprint, "_engine_versions", lambda: {**engines, "ebooklib": "0.21"})
    fingerprint.fingerprint.cache_clear()
    try:
        [second] = build_epub(project)
    finally:
        fingerprint.fingerprint.cache_clear()
    assert not second.reused
    assert second.path != first.path  # a new stamp: the file name says which code made it


def test_dates_and_formatted_sources_are_remembered_between_builds(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.model import dates as chronology
    from dossier.rendering import bibliography as sources

    build_epub(project)
    chronology.MEMO.clear()
    sources.MEMO.clear()  # as in a new process: only the saved memos are left

    def not_again(*args: object) -> None:
        raise AssertionError("parsed or formatted again")

    monkeypatch.setattr(chronology, "_parse_date", not_again)
    monkeypatch.setattr(sources, "format_items", not_again)
    story = project / "sections" / "02-story.md"
    story.write_text(story.read_text() + "\nA new closing line.\n")
    build_epub(project)  # a section changed: its dates and sources come from the memos

    sources.MEMO.clear()
    references = project / "sections" / "sources.yaml"
    references.write_text(references.read_text().replace("title: ", "title: New ", 1))
    with pytest.raises(AssertionError, match="formatted again"):
        build_epub(project)  # a source changed: the list is formatted again
