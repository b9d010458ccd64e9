"""Each laid-out page's first words (writers.page_starts): running heads, generated content
and a table's header rows repeated on the pages it continues on are not the page's words."""

from __future__ import annotations

from weasyprint import HTML

from dossier.writers.page_starts import page_starts

PAGE = """<html><head><style>
@page { size: A6; margin: 2cm 1cm; @top-center { content: "Running head" } }
h1::before { content: "Chapter " }
</style></head><body>
<h1>Events</h1>
<table><thead><tr><th>Date</th><th>Event</th></tr></thead><tbody>
{rows}
</tbody></table>
</body></html>"""


def test_a_repeated_table_header_is_not_a_pages_first_words() -> None:
    rows = "".join(
        f"<tr><td>{n}</td><td>Row{'abcdefghij'[n % 10]} here</td></tr>" for n in range(60)
    )
    document = HTML(string=PAGE.replace("{rows}", rows)).render()
    starts = page_starts(document)
    assert len(starts) >= 3
    # the first page: the heading (without its generated "Chapter "), then the header
    assert starts[0].startswith("eventsdateevent")
    for start in starts[1:]:
        # a continued page starts with its first row, the repeated "Date Event" skipped
        assert start.startswith("row") and "dateevent" not in start, starts
