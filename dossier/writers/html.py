"""Write an edition as one self-contained, accessible HTML page: the same markup as the EPUB
(shared templates, notes at the end of their chapter with links back), every resource inside
the file (fonts cut to the characters used, images, the timeline drawn inline), and no
request of any kind, so that the page works from a USB stick, a `file://` URL or an e-mail.

The body is rendered first (html/body.html), then the fonts are cut to its characters and
the document is put together (html/book.html): two templates, no patching of markup.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2.environment import Environment
from markupsafe import Markup

from dossier.model.records import Book
from dossier.reading.styles import Stylesheets
from dossier.rendering.context import Assets, template_context
from dossier.rendering.environment import theme_file
from dossier.rendering.formats import HtmlMarkup
from dossier.rendering.words import speaking
from dossier.writers.html_embed import Embedder, font_faces, inline_stylesheet

DATA_URL = re.compile(r"data:[^\"')\s]+")

#: the theme's stylesheets of the HTML edition, in order
THEME = ("epub.css", "html.css")


def render_html_page(
    book: Book,
    env: Environment,
    sheets: Stylesheets,
    assets: Assets,
    version: str,
    fonts: Path | None = None,
) -> str:
    """The edition as one HTML document, every resource inside it, in its language
    (`fonts`: the folder where font subsets are kept between builds)."""
    with speaking(book):
        return _render_html_page(book, env, sheets, assets, version, fonts)


def _render_html_page(
    book: Book,
    env: Environment,
    sheets: Stylesheets,
    assets: Assets,
    version: str,
    fonts: Path | None = None,
) -> str:
    config = book.config
    project = config.project
    embed = Embedder(project)
    markup = HtmlMarkup(book, env, embed)
    context = template_context(book, markup, assets, "", version)
    context["timeline_svg"] = Markup(_svg_element(assets.timeline_svg))
    theme = "\n".join(theme_file(name).decode() for name in THEME)
    theme += f"\n:root {{ --accent: {config.accent_colour}; }}\n"
    own = [inline_stylesheet(project, rel, embed) for rel in sheets.files]
    body = env.get_template("html/body.html").render(context)
    title = str(context["full_title"]) + (book.edition.label or "")
    text = DATA_URL.sub("", body + title + theme + "".join(own))  # what may be drawn
    faces = font_faces(project, sheets, text, fonts)
    font_css = env.get_template("html/font-faces.css").render(faces=faces)
    styles = [Markup(css) for css in (font_css, theme, *own) if css.strip()]
    return env.get_template("html/book.html").render(
        {**context, "body": Markup(body), "styles": styles}
    )


def write_html(
    book: Book,
    env: Environment,
    sheets: Stylesheets,
    assets: Assets,
    version: str,
    fonts: Path | None = None,
) -> bytes:
    return render_html_page(book, env, sheets, assets, version, fonts).encode("utf-8")


def _svg_element(svg: bytes | None) -> str:
    """The timeline's SVG as an element of the page (its XML declaration, if any, dropped)."""
    if svg is None:
        return ""
    text = svg.decode("utf-8")
    return text[text.index("<svg") :] if "<svg" in text else ""
