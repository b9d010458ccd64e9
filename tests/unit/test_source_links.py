"""rendering/source_links.py: which copy stands for a live page (Robust Links attributes) and
the words and addresses shown after a source's address in the appendix."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from dossier.errors import Location
from dossier.model.records import Source, SourceCopy
from dossier.rendering.source_links import (
    CopyView,
    Version,
    copy_views,
    memento_attributes,
    original_attributes,
    version_of,
)

HERE = Location("sections/sources.yaml", 3)
PAGE = "https://example.org/page?a=1&b=2"


def archive(day: int | None, url: str = "") -> SourceCopy:
    captured = dt.date(2024, 5, day) if day else None
    return SourceCopy(
        "archive",
        HERE,
        url=url or f"https://web.archive.org/web/202405{day or 0:02}/x",
        captured=captured,
    )


def snapshot(day: int | None, file: str = "snapshots/page.html") -> SourceCopy:
    captured = dt.date(2024, 6, day) if day else None
    return SourceCopy("snapshot", HERE, file=file, captured=captured, sha256="a" * 64)


def mirror(url: str = "https://mirror.example.net/page") -> SourceCopy:
    return SourceCopy("mirror", HERE, url=url)


def source(*copies: SourceCopy, url: str = PAGE) -> Source:
    csl = {"title": "A page", **({"URL": url} if url else {})}
    return Source("page", csl, HERE, copies=copies)


# --- version_of ---------------------------------------------------------------------------


def test_the_latest_dated_archive_stands_for_the_page() -> None:
    version = version_of(
        source(archive(3), archive(20), archive(None, "https://a.example/u"), archive(9))
    )
    assert version == Version(PAGE, "https://web.archive.org/web/20240520/x", dt.date(2024, 5, 20))


def test_an_undated_archive_is_used_when_no_capture_is_dated() -> None:
    version = version_of(
        source(archive(None, "https://a.example/1"), archive(None, "https://a.example/2"))
    )
    assert version == Version(PAGE, "https://a.example/1", None)


def test_archives_come_before_snapshots() -> None:
    version = version_of(source(snapshot(30), archive(1)))
    assert version is not None and version.url.startswith("https://web.archive.org/")


def test_a_dated_snapshot_gives_a_date_without_an_address() -> None:
    assert version_of(source(snapshot(None), snapshot(2), snapshot(15), mirror())) == Version(
        PAGE, "", dt.date(2024, 6, 15)
    )


def test_no_version_without_a_live_address_or_a_copy_in_time() -> None:
    assert version_of(source(archive(3), url="")) is None
    assert version_of(source(mirror(), snapshot(None))) is None
    assert version_of(source()) is None


# --- attributes -------------------------------------------------------------------------


def test_original_attributes() -> None:
    version = Version(PAGE, "https://web.archive.org/web/1/x?a=1&b=2", dt.date(2024, 5, 1))
    assert original_attributes(version) == (
        ' data-versionurl="https://web.archive.org/web/1/x?a=1&amp;b=2"'
        ' data-versiondate="2024-05-01"'
    )
    assert original_attributes(Version(PAGE, "", dt.date(2024, 6, 2))) == (
        ' data-versiondate="2024-06-02"'
    )
    assert original_attributes(None) == ""


def test_memento_attributes_escape_the_original() -> None:
    assert memento_attributes(archive(7), PAGE) == (
        ' data-originalurl="https://example.org/page?a=1&amp;b=2" data-versiondate="2024-05-07"'
    )
    assert memento_attributes(archive(None), '"><script>') == (
        ' data-originalurl="&#34;&gt;&lt;script&gt;"'
    )


# --- copy_views ---------------------------------------------------------------------------


def test_copy_views_in_the_order_written() -> None:
    views = copy_views(source(archive(7), mirror(), archive(None, "https://a.example/u")), False)
    assert views == [
        CopyView(
            "archive",
            "archived 7 May 2024",
            "https://web.archive.org/web/20240507/x",
            Markup(
                ' data-originalurl="https://example.org/page?a=1&amp;b=2" data-versiondate="2024-05-07"'
            ),
        ),
        CopyView("mirror", "mirror", "https://mirror.example.net/page"),
        CopyView(
            "archive",
            "archived",
            "https://a.example/u",
            Markup(' data-originalurl="https://example.org/page?a=1&amp;b=2"'),
        ),
    ]


def test_a_snapshot_is_shown_only_where_it_is_attached() -> None:
    page = source(snapshot(2, "snapshots/a.html"), snapshot(None, "snapshots/b.html"))
    assert copy_views(page, False) == []
    assert copy_views(page, True) == [
        CopyView("snapshot", "copy saved 2 June 2024 attached to this file as snapshots/a.html")
    ]


def test_the_attributes_are_markup_and_the_words_are_text() -> None:
    (view,) = copy_views(source(archive(7)), False)
    assert isinstance(view.attributes, Markup)
    assert not isinstance(view.words, Markup)  # escaped by the template like any text
