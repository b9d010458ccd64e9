"""outputs.html_audit: the HTML page's text for the leak search, its ids for parity, and its
inertness: no script, handler, form or embedded content, and no request of any kind (every
resource a `data:` URL); outputs.image_audit's look at the images inside it."""

from __future__ import annotations

import base64

import pytest
from metadata_images import MAKERS

from dossier.outputs.html_audit import active_content, data_urls, html_corpus, html_ids
from dossier.outputs.image_audit import html_image_metadata
from dossier.sandbox.images import strip_metadata

PIXEL = "data:image/png;base64," + base64.b64encode(strip_metadata(MAKERS["png"]())).decode()


def page(body: str, head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>{head}'
        f"</head><body>{body}</body></html>"
    ).encode()


CLEAN = page(
    f'<main id="main"><p id="p1">Text <a href="#p1">here</a> and '
    f'<a href="https://example.org/a">there</a> <a href="mailto:x@example.org">mail</a></p>'
    f'<img src="{PIXEL}" alt="a dot"><svg><use href="#dot"/></svg></main>',
    "<style>@font-face { src: url(data:font/woff2;base64,d09GMgABAAAA) } p { color: red }</style>",
)


def test_a_clean_page_is_inert() -> None:
    assert active_content(CLEAN) == ""


@pytest.mark.parametrize(
    ("body", "head", "found"),
    [
        ("<script>alert(1)</script>", "", "<script>"),
        ('<p onclick="x()">a</p>', "", "onclick"),
        ('<img src="https://example.org/pixel.png" alt="">', "", "pixel.png"),
        ('<img src="photo.jpg" alt="">', "", "photo.jpg"),
        ('<img srcset="big.jpg 2x" src="data:image/png;base64,AA" alt="">', "", "big.jpg"),
        ("", '<link rel="stylesheet" href="https://example.org/a.css">', "<link>"),
        ("", "<style>@import 'x.css';</style>", "@import"),
        ("", "<style>body { background: url(https://example.org/bg.png) }</style>", "bg.png"),
        ("<p style=\"background: url('/etc/x.png')\">a</p>", "", "/etc/x.png"),
        ('<svg><image href="https://example.org/t.png"/></svg>', "", "t.png"),
        ('<a href="file:///etc/passwd">a</a>', "", "file:///etc/passwd"),
        ('<a href="javascript:alert(1)">a</a>', "", "javascript:"),
        ("<iframe></iframe>", "", "<iframe>"),
        ('<form action="https://example.org"></form>', "", "<form>"),
        ('<video src="data:video/mp4;base64,AA"></video>', "", "<video>"),
        ("", '<meta http-equiv="refresh" content="0; url=https://example.org">', "refresh"),
        ("", '<base href="https://example.org/">', "<base>"),
    ],
)
def test_anything_active_or_fetching_is_found(body: str, head: str, found: str) -> None:
    assert found in active_content(page(body, head))


def test_ids_are_every_element_id() -> None:
    assert html_ids(CLEAN) == {"main", "p1"}


def test_the_corpus_has_text_and_attributes_but_not_data_urls() -> None:
    corpus = html_corpus(
        page(
            '<p title="a title here">Body text</p><!-- a comment -->',
            '<meta name="k" content="kw">',
        )
    )
    for text in ("Body text", "a title here", "a comment", "kw"):
        assert text in corpus
    assert "d09GMgABAAAA" not in html_corpus(CLEAN)
    assert "color: red" in html_corpus(CLEAN)


def test_data_urls_are_decoded() -> None:
    found = dict(data_urls(CLEAN))
    assert found["font/woff2"] == base64.b64decode("d09GMgABAAAA")
    assert found["image/png"].startswith(b"\x89PNG")


def test_an_embedded_image_with_metadata_is_found() -> None:
    dirty = "data:image/jpeg;base64," + base64.b64encode(MAKERS["jpg"]()).decode()
    findings = list(html_image_metadata(page(f'<img src="{dirty}" alt="">')))
    assert findings and findings[0][0].startswith("embedded image/jpeg")
    assert list(html_image_metadata(CLEAN)) == []
