"""Hypothesis strategies for hostile project files (sections, front matter, chronology), and
a context manager that writes an example into a fresh copy of the minimal sample.

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

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

import dossier
from dossier import check
from dossier.errors import DossierError

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
