"""Property-based robustness: whatever is written into a section, its front matter or the
chronology, `dossier.reading.check.check()` returns problems or raises `DossierError`, and a build of
the EPUB does the same; any other exception is a bug in dossier.

Each example is written into a fresh copy of the minimal sample in a temporary folder
(hypothesis runs many examples per test, so function-scoped fixtures cannot be used).
Examples are derandomized (the same ones every run) and no example database is written.
"""

from __future__ import annotations

import shutil
import string
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

import dossier
from dossier.errors import DossierError
from dossier.reading.check import check

from conftest import copy_project

# Hypothesis keeps caches in ./.hypothesis even without an example database: not in the repo.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "dossier-tests-hypothesis")

SECTION = "sections/03-context.md"
CHRONOLOGY = "sections/chronology.yaml"


def fast(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project("minimal", tmp_path_factory.mktemp("pristine") / "project")


@contextmanager
def project_with(pristine: Path, files: dict[str, str]) -> Iterator[Path]:
    """A fresh copy of the sample with `files` (project path -> text) written into it."""
    with tempfile.TemporaryDirectory(prefix="dossier-property-") as folder:
        root = Path(folder) / "project"
        shutil.copytree(pristine, root, symlinks=True)
        for rel, text in files.items():
            (root / rel).write_bytes(text.encode("utf-8"))
        yield root


def check_or_dossier_error(root: Path) -> None:
    """The property: checking the project returns, or raises DossierError; nothing else."""
    with suppress(DossierError):
        check(str(root))


def build_or_dossier_error(root: Path) -> None:
    try:
        outputs = dossier.build(root, formats=["epub"])
    except DossierError:
        return
    assert [o.format for o in outputs] == ["epub"] and outputs[0].path.stat().st_size > 0


# -- strategies --------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)

MARKDOWN_PIECES = [
    "[", "]", "(", ")", "@", "^", "`", "``", "```", ":::", "::: internal", "{", "}",
    "{.internal}", "{#id}", "[^1]", "[^1]: ", "[^internal-x]", "[@report-2023]",
    "[@witness, p. 4]", "[see @followup-2023; @report-2023, para. 2]", "[@unknown-key]",
    "[@]", "@report-2023", "[-@witness]", "](#context)", "](#the-meeting)", "](02-story.md)",
    "](https://example.org)", "](javascript:alert(1))", "](data:text/html,x)", "](file:///etc)",
    "![chart](images/chart.png)", "![](images/chart.png)", "![x](../x.png)", "![x](/etc/x)",
    "*", "**", "_", "~~", "#", "# ", "## ", "###### ", "|", "| a | b |\n|---|---|\n",
    "---", "***", ">", "> ", "- ", "1. ", "    ", "\t", "\n", "\n\n", "\r\n", "\\", "<", ">",
    "&", "&amp;", "&#0;", "&#x110000;", "<script>alert(1)</script>", "<iframe src=x>",
    "<img src=x onerror=alert(1)>", "<!--", "-->", "<![CDATA[", "]]>", "\u202e", "\ufeff",
    "\u00a0", "Кириллица", "ⓘ", "🙂", "\u0301", "e\u0301",
]  # fmt: skip

markdown = st.lists(
    st.one_of(
        st.sampled_from(MARKDOWN_PIECES),
        TEXT,
        st.integers(100, 3000).map(lambda n: "w" * n),  # very long words
    ),
    max_size=30,
).map("".join)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.dates(),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=8,
)

FRONT_MATTER_KEYS = ["title", "subtitle", "summary", "part", "internal", "id", "titel"]
front_matter_mapping = st.dictionaries(
    st.one_of(st.sampled_from(FRONT_MATTER_KEYS), TEXT), yaml_values, max_size=6
)
YAML_ISH = string.ascii_letters + string.digits + " :-[]{}&*!|>'\"#%@`?,\t\n.~/\\<="
yaml_ish_text = st.text(st.sampled_from(YAML_ISH), max_size=80)


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


VALID_EDTF = [
    "2023", "2023-03", "2023-03-14", "2023-03~", "1929?", "193X", "19XX", "1920/1949",
    "../1799", "1770~/1799~", "2001-21", "2004-06~-11", "-0100", "0000", "9999-12-31",
    "1985-04-12/..", "2004-XX-21", "XXXX", "1950S2",
]  # fmt: skip
INVALID_EDTF = [
    "", " ", "2023-13-45", "2022-02-29", "2023-02-30", "sometime", "Y170000002", "Y-17E7",
    "[1667,1668]", "{1667,1668}", "2004-06-11T10:10:10", "..", "../..", "/", "2023/2022",
    "-0000", "2001-99", "99999", "1880/1889/1899",
]  # fmt: skip
EDTF_ISH = (
    r"-?[0-9X]{1,5}(-[0-9X]{1,2}(-[0-9X]{1,2})?)?[~?%]?"
    r"(/(\.\.|-?[0-9X]{1,5}(-[0-9X]{1,2})?[~?%]?))?"
)
dates = st.one_of(
    st.sampled_from(VALID_EDTF + INVALID_EDTF),
    st.from_regex(EDTF_ISH, fullmatch=True),
    TEXT,
    yaml_values,
)
EVENT_KEYS = ["id", "date", "label", "inferred", "event", "place", "sources", "note"]
source_refs = st.one_of(
    st.just(["report-2023"]),
    st.lists(st.sampled_from(["report-2023", "witness", "followup-2023", "@witness", "nope"])),
    st.lists(
        st.fixed_dictionaries(
            {"key": st.sampled_from(["report-2023", "witness"])},
            optional={"locator": yaml_values, "quote": yaml_values, "page": TEXT},
        ),
        max_size=2,
    ),
    yaml_values,
)
event = st.fixed_dictionaries(
    {"date": dates, "event": st.one_of(markdown, yaml_values), "sources": source_refs},
    optional={
        "id": st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), yaml_values),
        "label": yaml_values,
        "inferred": st.one_of(st.sampled_from([True, False, "year"]), yaml_values),
        "place": yaml_values,
        "note": st.one_of(markdown, yaml_values),
        "internal": st.one_of(st.booleans(), st.lists(st.sampled_from(EVENT_KEYS)), yaml_values),
        "unknown": yaml_values,
    },
)
chronology = st.one_of(
    st.lists(event, max_size=8).map(lambda events: dump({"events": events})),
    yaml_values.map(dump),
    yaml_ish_text,
)


def with_front_matter(front: str, body: str) -> str:
    return f"---\n{front}\n---\n\n{body}"


section_text = st.one_of(
    markdown,
    st.builds(with_front_matter, st.just("title: Context\npart: background"), markdown),
    st.builds(with_front_matter, yaml_ish_text, markdown),
    st.builds(with_front_matter, front_matter_mapping.map(dump), markdown),
)


# -- the properties ----------------------------------------------------------------------------


@fast(300)
@given(text=section_text)
def test_any_section_is_checked_without_crashing(pristine: Path, text: str) -> None:
    with project_with(pristine, {SECTION: text}) as root:
        check_or_dossier_error(root)


@fast(150)
@given(front=yaml_ish_text, body=markdown)
def test_any_front_matter_text_is_checked_without_crashing(
    pristine: Path, front: str, body: str
) -> None:
    with project_with(pristine, {SECTION: with_front_matter(front, body)}) as root:
        check_or_dossier_error(root)


@fast(150)
@given(front=front_matter_mapping)
def test_any_front_matter_mapping_is_checked_without_crashing(
    pristine: Path, front: dict[str, Any]
) -> None:
    text = with_front_matter(dump(front), "Settlers arrived [@report-2023].\n")
    with project_with(pristine, {SECTION: text}) as root:
        check_or_dossier_error(root)


@fast(300)
@given(text=chronology)
def test_any_chronology_is_checked_without_crashing(pristine: Path, text: str) -> None:
    with project_with(pristine, {CHRONOLOGY: text}) as root:
        check_or_dossier_error(root)


@fast(12)
@given(text=section_text)
def test_any_section_builds_an_epub_or_fails_cleanly(pristine: Path, text: str) -> None:
    with project_with(pristine, {SECTION: text}) as root:
        build_or_dossier_error(root)


renderable_event = st.fixed_dictionaries(
    {
        "date": st.sampled_from(VALID_EDTF),
        "event": markdown.filter(str.strip),
        "sources": st.sampled_from([["report-2023"], [{"key": "witness", "locator": "p. 1"}]]),
    },
    optional={"label": TEXT, "place": TEXT, "note": markdown, "inferred": st.just("year")},
)


@fast(12)
@given(events=st.lists(renderable_event, min_size=1, max_size=6))
def test_any_chronology_builds_an_epub_or_fails_cleanly(
    pristine: Path, events: list[dict[str, Any]]
) -> None:
    with project_with(pristine, {CHRONOLOGY: dump({"events": events})}) as root:
        build_or_dossier_error(root)


@fast(12)
@given(dates=st.lists(st.sampled_from(VALID_EDTF), min_size=1, max_size=8))
@example(dates=["2023", "XXXX"])  # found here: once a StopIteration in timeline._ticks
def test_any_valid_dates_build_an_epub(pristine: Path, dates: list[str]) -> None:
    """Valid EDTF dates, correctly sourced, always build (timeline and table included)."""
    events = [{"date": d, "event": f"Event {i}.", "sources": ["report-2023"]} for i, d in
              enumerate(dates)]  # fmt: skip
    with project_with(pristine, {CHRONOLOGY: dump({"events": events})}) as root:
        outputs = dossier.build(root, formats=["epub"])
        assert [o.format for o in outputs] == ["epub"]
