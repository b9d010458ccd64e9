"""`dossier check`: each kind of mistake is reported at the right file, line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.check import check
from dossier.cli import main


def problems(project: Path) -> list[str]:
    found, _, _ = check(project)
    return [str(p) for p in found.sorted()]


def edit(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    text = file.read_text()
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1))


def test_the_sample_is_clean(project: Path) -> None:
    assert problems(project) == []


def test_unknown_citation_key_with_did_you_mean(project: Path) -> None:
    edit(project, "sections/01-summary.md", "[@witness;", "[@witnes;")
    assert problems(project) == [
        "sections/01-summary.md:8:31: error: unknown source key 'witnes'; did you mean 'witness'?",
    ]


def test_unknown_key_in_a_footnote_is_found_in_the_note(project: Path) -> None:
    edit(project, "sections/02-story.md", "[@followup-2023]", "[@folowup-2023]")
    assert problems(project) == [
        "sections/02-story.md:24:43: error: unknown source key 'folowup-2023'; "
        "did you mean 'followup-2023'?",
    ]


def test_a_source_never_cited_is_a_warning(project: Path) -> None:
    (project / "sections" / "sources.yaml").write_text(
        (project / "sections" / "sources.yaml").read_text()
        + "  - id: unused\n    type: webpage\n    title: Never cited\n"
    )
    assert problems(project) == [
        "sections/sources.yaml:21:5: warning: source 'unused' is never cited",
    ]


def test_an_event_without_a_source_is_an_error(project: Path) -> None:
    edit(project, "sections/chronology.yaml", "    sources: [report-2023]\n", "")
    assert problems(project) == [
        "sections/chronology.yaml:2:5: error: event has no sources: every chronology row must "
        "cite at least one source key",
    ]


def test_invalid_edtf_is_an_error_at_the_date(project: Path) -> None:
    edit(project, "sections/chronology.yaml", '"2023-03-14"', '"2023-13-14"')
    assert problems(project) == [
        "sections/chronology.yaml:2:5: error: invalid EDTF date '2023-13-14': "
        "Error at position 4: Invalid input or format near '2023-13-14'",
    ]


def test_unknown_key_in_a_chronology_row(project: Path) -> None:
    edit(project, "sections/chronology.yaml", "    place: Capital", "    plaec: Capital")
    assert problems(project) == [
        "sections/chronology.yaml:4:5: error: unknown event key 'plaec'; did you mean 'place'?",
    ]


def test_unknown_source_key_in_a_chronology_row(project: Path) -> None:
    edit(project, "sections/chronology.yaml", "sources: [followup-2023]", "sources: [folowup]")
    assert problems(project) == [
        "sections/chronology.yaml:12:15: error: unknown source key 'folowup'; "
        "did you mean 'followup-2023'?",
    ]


def test_duplicate_source_ids(project: Path) -> None:
    edit(project, "sections/sources.yaml", "  - id: witness", "  - id: report-2023")
    found = problems(project)
    assert (
        "sections/sources.yaml:16:5: error: duplicate source id 'report-2023' "
        "(first defined at line 2)" in found
    )


def test_duplicate_event_ids(project: Path) -> None:
    edit(
        project,
        "sections/chronology.yaml",
        '  - date: "2023-03-14"\n',
        '  - date: "2023-03-14"\n    id: same\n',
    )
    edit(
        project,
        "sections/chronology.yaml",
        '  - date: "1880/1889"\n',
        '  - date: "1880/1889"\n    id: same\n',
    )
    assert problems(project) == [
        "sections/chronology.yaml:8:5: error: duplicate event id 'same' (first used at line 2)",
    ]


def test_duplicate_footnote_labels(project: Path) -> None:
    edit(project, "sections/02-story.md", "[^chair]: Quoted", "[^date]: Quoted")
    found = problems(project)
    assert (
        "sections/02-story.md:24: error: footnote '[^date]' is defined twice "
        "(first at line 23)" in found
    )


def test_footnote_without_definition(project: Path) -> None:
    edit(project, "sections/02-story.md", "disagreed [@witness].", "disagreed.[^nowhere]")
    assert problems(project) == [
        "sections/02-story.md:12:71: error: footnote '[^nowhere]' has no definition "
        "(add a line '[^nowhere]: …')",
    ]


def test_unresolved_internal_link(project: Path) -> None:
    edit(project, "sections/02-story.md", "(#context)", "(#contxt)")
    assert problems(project) == [
        "sections/02-story.md:21:24: error: link target '#contxt' not found: no section or "
        "heading has this id",
    ]


def test_image_without_alt_text(project: Path) -> None:
    edit(project, "sections/02-story.md", "![A small square chart in the accent colour]", "![]")
    assert problems(project) == [
        "sections/02-story.md:19:5: error: image 'images/chart.png' has no alt text: "
        "describe it in ![…](…)",
    ]


def test_missing_image(project: Path) -> None:
    edit(project, "sections/02-story.md", "(images/chart.png)", "(images/map.png)")
    assert problems(project) == [
        "sections/02-story.md:19:46: error: file 'images/map.png' not found",
    ]


def test_front_matter_mistakes(project: Path) -> None:
    edit(project, "sections/01-summary.md", "part: summary", "prat: summary\ninternal: maybe")
    assert problems(project) == [
        "sections/01-summary.md:4:1: error: unknown front matter key 'prat'; did you mean 'part'?",
        "sections/01-summary.md:5:1: error: 'internal' must be true or false",
    ]


def test_a_level_one_heading_inside_a_section(project: Path) -> None:
    edit(project, "sections/03-context.md", "## Earlier history", "# Earlier history")
    assert problems(project) == [
        "sections/03-context.md:6: error: use '##' for headings inside a section (the section "
        "title is the only level-1 heading)",
    ]


def test_manifest_mistakes_are_reported_by_check(project: Path) -> None:
    edit(project, "dossier.toml", 'language = "en-GB"', 'langauge = "en-GB"')
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code == 1
    assert result.stdout == (
        "dossier.toml:4:1: error: unknown key 'langauge'; did you mean 'language'?\n"
    )


def test_check_output_formats_and_strict(project: Path) -> None:
    (project / "sections" / "sources.yaml").write_text(
        (project / "sections" / "sources.yaml").read_text()
        + "  - id: unused\n    type: webpage\n    title: Never cited\n"
    )
    runner = CliRunner()
    plain = runner.invoke(main, ["check", str(project)])
    assert plain.exit_code == 0
    assert plain.stdout == "sections/sources.yaml:21:5: warning: source 'unused' is never cited\n"
    strict = runner.invoke(main, ["check", str(project), "--strict"])
    assert strict.exit_code == 1
    as_json = runner.invoke(main, ["check", str(project), "--format", "json"])
    assert json.loads(as_json.stdout) == [
        {
            "path": "sections/sources.yaml",
            "line": 21,
            "column": 5,
            "severity": "warning",
            "message": "source 'unused' is never cited",
        }
    ]


def test_build_refuses_to_build_on_check_errors(project: Path) -> None:
    edit(project, "sections/01-summary.md", "[@witness;", "[@nobody;")
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 1
    assert "sections/01-summary.md:8:31: error: unknown source key 'nobody'" in result.stderr
    assert not (project / "build").exists() or not any((project / "build").glob("*.pdf"))


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd"])
def test_dangerous_link_targets_are_errors(project: Path, bad: str) -> None:
    edit(project, "sections/02-story.md", "(#context)", f"({bad})")
    found = problems(project)
    assert len(found) == 1 and found[0].startswith("sections/02-story.md:21:")
    assert "not allowed" in found[0]
