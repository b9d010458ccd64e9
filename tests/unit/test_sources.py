"""Sources: CSL YAML read like pandoc reads it, formatted by citeproc, traced both ways."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from dossier.errors import Problems
from dossier.reading.citation_style import style_xml
from dossier.reading.sources import read_sources
from dossier.rendering.bibliography import format_entries
from dossier.sandbox.files import ProjectFiles

from conftest import REPO


def read(tmp_path: Path, text: str) -> tuple[dict, list[str]]:
    (tmp_path / "s.yaml").write_text(text)
    problems = Problems()
    found = read_sources(ProjectFiles(tmp_path), "s.yaml", 100, 10_000, 10_000, problems)
    return found, [str(p) for p in problems.items]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is installed by scripts/setup")
def test_pandoc_reads_the_bundled_sources_without_complaint(tmp_path: Path) -> None:
    sources = REPO / "sections" / "sources.yaml"
    keys = [r["id"] for r in yaml.safe_load(sources.read_text())["references"]]
    doc = tmp_path / "doc.md"
    doc.write_text(" ".join(f"[@{k}]" for k in keys) + "\n")
    result = subprocess.run(
        ["pandoc", "--citeproc", f"--bibliography={sources}", "-t", "plain", str(doc)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "???" not in result.stdout  # pandoc's mark for a key it could not find


def test_groups_come_from_the_type_unless_given(tmp_path: Path) -> None:
    found, problems = read(
        tmp_path,
        """references:
  - {id: a, type: article-newspaper, title: A}
  - {id: b, type: legal_case, title: B}
  - {id: c, type: interview, title: C}
  - {id: d, type: post, title: D}
  - {id: e, type: webpage, title: E, custom: {group: official}}
""",
    )
    assert problems == []
    assert [s.group for s in found.values()] == [
        "publications",
        "official",
        "testimony",
        "social-media",
        "official",
    ]


def test_dossier_fields_live_under_custom(tmp_path: Path) -> None:
    found, problems = read(
        tmp_path,
        """references:
  - id: ali
    type: interview
    title: Interview
    URL: https://example.org/secret
    custom:
      protection: pseudonym
      original-name: Али
      reliability: Single source.
      internal-notes: Met in person.
      internal: [URL]
""",
    )
    assert problems == []
    ali = found["ali"]
    assert (ali.protection, ali.original_name, ali.reliability, ali.internal_notes) == (
        "pseudonym",
        "Али",
        "Single source.",
        "Met in person.",
    )
    assert "custom" not in ali.csl
    assert "URL" not in ali.public_csl()
    assert ali.csl["URL"] == "https://example.org/secret"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {id: a, type: book, title: A}\n",
            "s.yaml:1:1: error: the sources file needs a top-level 'references:' list (the CSL YAML "
            "form pandoc reads; a bare list is ignored by pandoc)",
        ),
        (
            "references:\n  - {id: a, type: newspaper, title: A}\n",
            "s.yaml:2:13: error: 'a': unknown CSL type 'newspaper'; did you mean 'article-newspaper'?",
        ),
        (
            "references:\n  - {id: a, type: book, title: A, tittle: B}\n",
            "s.yaml:2:35: warning: 'a': 'tittle' is not a CSL field and will be ignored; did you mean "
            "'title'?",
        ),
        (
            "references:\n  - {id: a, type: book, title: A, issued: 2022}\n",
            "s.yaml:2:35: error: 'a': 'issued' must be a CSL date such as {date-parts: [[2022, 8, 24]]}",
        ),
        *(
            (
                f"references:\n  - {{id: a, type: book, title: A, issued: {date}}}\n",
                "s.yaml:2:35: error: 'a': 'issued' must be a CSL date such as "
                "{date-parts: [[2022, 8, 24]]}",
            )
            for date in (
                "{date-parts: [[2024, 13, 1]]}",
                "{date-parts: [[2024, 0]]}",
                "{date-parts: [[2023, 2, 29]]}",
                "{date-parts: [[2024, 4, 31]]}",
                "{date-parts: [['2024']]}",
            )
        ),
        (
            "references:\n  - {id: a, type: book, title: A, author: Sample Committee}\n",
            "s.yaml:2:35: error: 'a': 'author' must be a list of names such as "
            "[{family: Vovchok, given: Marko}] or [{literal: OC Media}]",
        ),
        (
            "references:\n  - {id: a, type: book, title: A, editor: [{name: X}]}\n",
            "s.yaml:2:35: error: 'a': 'editor' must be a list of names such as "
            "[{family: Vovchok, given: Marko}] or [{literal: OC Media}]",
        ),
        (
            "references:\n  - {id: a, type: book}\n",
            "s.yaml:2:5: error: 'a': reference has no 'title'",
        ),
        (
            "references:\n  - {id: a, type: book, title: A, custom: {protection: secret}}\n",
            "s.yaml:2:44: error: 'a': protection must be 'pseudonym' or 'anonymous'",
        ),
        (
            "references:\n  - {id: a, type: book, title: A, custom: {colour: red}}\n",
            "s.yaml:2:44: error: 'a': unknown custom key 'colour' (use group, original-name, protection, "
            "reliability, internal-notes, internal, copies)",
        ),
        (
            "references:\n  - {id: Smith2020, type: book, title: A}\n"
            "  - {id: smith2020, type: book, title: B}\n",
            "s.yaml:3:6: error: duplicate source id 'smith2020' ('Smith2020': ids ignore case) "
            "(first defined at line 2)",
        ),
        (
            "references:\n  - {id: a, type: book, title: A, URL: 'javascript:alert(1)'}\n",
            "s.yaml:2:35: error: 'a': URL 'javascript:alert(1)' is not a web address (use https:// "
            "or http://)",
        ),
    ],
)
def test_mistakes(tmp_path: Path, text: str, message: str) -> None:
    assert read(tmp_path, text)[1] == [message]


def test_real_dates_and_names_are_accepted(tmp_path: Path) -> None:
    text = (
        "references:\n  - {id: a, type: book, title: A, issued: {date-parts: [[2024, 2, 29]]},"
        " accessed: {date-parts: [[-44, 3, 15]]}, author: [{family: Vilinska, given: Mariia},"
        " {literal: OC Media}]}\n"
    )
    assert read(tmp_path, text)[1] == []


def test_entries_are_formatted_by_the_csl_style_and_escaped(tmp_path: Path) -> None:
    style = style_xml(ProjectFiles(tmp_path), "chicago-notes-bibliography-16th-edition")
    entries = format_entries(
        [
            (
                "a",
                {
                    "type": "article-newspaper",
                    "title": "A <script> title",
                    "author": [{"family": "Vasilyev", "given": "Pavel"}],
                    "container-title": "Mediazona",
                    "issued": {"date-parts": [[2022, 7, 25]]},
                    "URL": "https://x.org",
                },
            ),
            ("b", {"type": "legislation", "title": "Указ от 28.05.2015", "language": "ru"}),
        ],
        style,
        "en-GB",
    )
    assert list(entries) == ["a", "b"]
    assert entries["a"].startswith("Vasilyev, Pavel. ‘A &lt;script&gt; Title’. <i>Mediazona</i>")
    assert "25 July 2022" in entries["a"] and "x.org" not in entries["a"]
    assert entries["b"].startswith("Указ от 28.05.2015")  # no English title case for Russian


def test_an_entry_the_style_leaves_out_still_gets_its_title(tmp_path: Path) -> None:
    # APA leaves interviews (personal communications) out of its reference list.
    entries = format_entries(
        [
            ("Book-1", {"type": "book", "title": "A book", "issued": {"date-parts": [[2020]]}}),
            ("talk", {"type": "interview", "title": "Talk & <more>"}),
        ],
        style_xml(ProjectFiles(tmp_path), "apa"),
        "en-GB",
    )
    assert entries["Book-1"].startswith("<i>A book</i>") and "2020" in entries["Book-1"]
    assert entries["talk"] == "Talk &amp; &lt;more&gt;"


def test_unknown_style_is_a_user_error(tmp_path: Path) -> None:
    from dossier.errors import ContentError

    with pytest.raises(ContentError, match="unknown citation style 'chicago-99'"):
        style_xml(ProjectFiles(tmp_path), "chicago-99")
