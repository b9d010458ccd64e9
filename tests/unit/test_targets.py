"""links/targets.py: every web address of a project with where it was written (sources'
URLs, their archived copies and mirrors, links in sections and notes), and the refusal to
work from a sources file that has errors."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from dossier.errors import ContentError, Location
from dossier.links.targets import (
    Target,
    all_targets,
    latest_snapshot_hash,
    read_linked_project,
    section_targets,
    source_targets,
)

from conftest import PROJECTS, edit

COPIES = """\
    custom:
      copies:
        - kind: archive
          url: https://web.archive.org/web/2024/https://example.org/report
          captured: 2024-05-01
        - kind: snapshot
          file: snapshots/old.html
          captured: 2024-04-01
          sha256: "{old}"
        - kind: mirror
          url: https://mirror.example.net/report
          sha256: "{mirror}"
        - kind: snapshot
          file: snapshots/new.html
          captured: 2024-06-01
          sha256: "{new}"
"""


OLD, NEW = b"<p>the page in April</p>", b"<p>the page in June</p>"
MIRROR_HASH = "ab" * 32


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(PROJECTS / "minimal", root)  # no fonts: nothing is rendered here
    edit(
        root,
        "sections/sources.yaml",
        "    accessed: {date-parts: [[2024, 2, 1]]}\n",
        "    accessed: {date-parts: [[2024, 2, 1]]}\n"
        + COPIES.format(old=digest(OLD), mirror=MIRROR_HASH, new=digest(NEW)),
    )
    (root / "snapshots").mkdir()
    (root / "snapshots" / "old.html").write_bytes(OLD)
    (root / "snapshots" / "new.html").write_bytes(NEW)
    edit(
        root,
        "sections/02-story.md",
        "See also [the context](#context)",
        "See [the site](https://example.com/a?b=1 'Title') and [the context](#context)",
    )
    edit(
        root,
        "sections/02-story.md",
        "[^chair]: Quoted in the follow-up report [@followup-2023].",
        "[^chair]: Quoted in the follow-up report [@followup-2023], "
        "also at <http://old.example.org/x>.",
    )
    return root


def test_source_targets(sample: Path) -> None:
    linked = read_linked_project(sample)
    targets = source_targets(linked)
    assert [(t.role, t.key, t.url) for t in targets] == [
        ("source", "report-2023", "https://example.org/report"),
        ("archive", "report-2023", "https://web.archive.org/web/2024/https://example.org/report"),
        ("mirror", "report-2023", "https://mirror.example.net/report"),
    ]
    source, archive, mirror = targets
    assert source.where == Location("sections/sources.yaml", 8, 5)  # the URL: line
    assert source.sha256 == digest(NEW)  # the latest snapshot of the page
    assert archive.sha256 == "" and mirror.sha256 == MIRROR_HASH
    assert archive.where.line == 12 and mirror.where.line == 19  # their first lines


def test_section_targets_include_links_in_notes(sample: Path) -> None:
    linked = read_linked_project(sample)
    targets = section_targets(linked)
    assert targets == [
        Target("https://example.com/a?b=1", Location("sections/02-story.md", 21, 16), "link"),
        Target("http://old.example.org/x", Location("sections/02-story.md", 24, 69), "link"),
    ]
    assert all_targets(linked) == source_targets(linked) + targets


def test_internal_links_and_mail_addresses_are_not_targets(sample: Path) -> None:
    edit(sample, "sections/03-context.md", "## Recent years", "## Recent [years](mailto:a@b.org)")
    urls = [t.url for t in section_targets(read_linked_project(sample))]
    assert "mailto:a@b.org" not in urls and not any(u.startswith("#") for u in urls)
    assert len(urls) == 2


def test_links_in_the_colophon_are_targets(sample: Path) -> None:
    edit(
        sample,
        "sections/colophon.md",
        "original to this test suite.",
        "original to [this suite](https://suite.example/).",
    )
    targets = section_targets(read_linked_project(sample))
    assert targets[-1].url == "https://suite.example/"
    assert targets[-1].where.path == "sections/colophon.md"


def test_field_at_finds_the_entry_by_id(sample: Path) -> None:
    linked = read_linked_project(sample)
    witness = linked.dossier.sources["witness"]
    assert linked.field_at(witness, "custom") == Location("sections/sources.yaml", 36, 5)
    assert linked.field_at(witness).line == 32
    assert linked.sources_path == "sections/sources.yaml"


def test_latest_snapshot_hash(sample: Path) -> None:
    linked = read_linked_project(sample)
    assert latest_snapshot_hash(linked.dossier.sources["report-2023"]) == digest(NEW)
    assert latest_snapshot_hash(linked.dossier.sources["witness"]) == ""


def test_a_sources_file_with_errors_stops_the_commands(sample: Path) -> None:
    edit(sample, "sections/sources.yaml", "  - id: witness\n", "  - id: witness\n    id: w2\n")
    with pytest.raises(ContentError) as caught:
        read_linked_project(sample)
    assert str(caught.value).startswith("sections/sources.yaml:")
    assert "duplicate key 'id'" in str(caught.value)


def test_errors_elsewhere_do_not_stop_the_commands(sample: Path) -> None:
    edit(sample, "sections/01-summary.md", "[@witness;", "[@nobody;")
    linked = read_linked_project(sample)
    assert len(source_targets(linked)) == 3


def test_a_project_without_sources_file_is_refused(sample: Path) -> None:
    edit(sample, "dossier.toml", 'sources = "sections/sources.yaml"\n', "")
    edit(sample, "dossier.toml", 'based_on = "report-2023"\n', "")
    edit(sample, "dossier.toml", '  "@sources",\n', "")
    with pytest.raises(ContentError, match="the project has no sources file"):
        read_linked_project(sample)
