"""Generated anchor ids (dossier.model.ids): one spelling for every format and audit."""

from __future__ import annotations

import re

from dossier.model.ids import cite_id, note_id, noteref_id, source_id
from dossier.model.markdown import slugify

XML_ID = re.compile(r"[^\W\d][\w.-]*")  # an NCName: a letter of any script or _ first


def test_note_and_its_calls() -> None:
    assert note_id(3) == "fn-3"
    assert noteref_id(3) == "fnref-3"
    assert [noteref_id(3, n) for n in (1, 2)] == ["fnref-3-1", "fnref-3-2"]


def test_citations_and_sources() -> None:
    assert cite_id("story", 2) == "cite-story-2"
    assert cite_id("ev-4", 1) == "cite-ev-4-1"
    assert source_id("report-2023") == "src-report-2023"


def test_generated_ids_are_distinct_and_valid_xml_ids() -> None:
    made = [note_id(n) for n in range(1, 30)]
    made += [noteref_id(n, r) for n in range(1, 30) for r in range(3)]
    made += [cite_id(owner, i) for owner in ("story", "ev-1", "ev-11") for i in range(1, 12)]
    made += [source_id(k) for k in ("a", "report-2023", "witness")]
    assert len(set(made)) == len(made)
    assert all(XML_ID.fullmatch(i) for i in made)


def test_heading_slugs_are_valid_xml_ids_even_when_they_start_with_a_digit() -> None:
    for heading in ("1 March", "Earlier history", "Кириллица", "?!"):
        assert XML_ID.fullmatch(slugify(heading)), heading
