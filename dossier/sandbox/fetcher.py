"""The only way the PDF renderer gets a file: a URL fetcher that serves project files,
the theme's own files and resources generated in memory, and refuses everything else.

WeasyPrint's default fetcher embeds any local file a document points at (through `..`,
`file://` or a symlink) and fetches from the network. Here every URL lives under one of
three virtual origins, so nothing else is reachable, and the PDF does not depend on the
checkout path (WeasyPrint names images after their URL).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from dossier.errors import ContentError
from dossier.sandbox.files import THEME_DIR, ProjectFiles
from dossier.sandbox.images import strip_metadata

PROJECT_ORIGIN = "https://project.dossier.invalid/"
THEME_ORIGIN = "https://theme.dossier.invalid/"
GENERATED_ORIGIN = "https://generated.dossier.invalid/"

MEDIA_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".icc": "application/vnd.iccprofile",
    ".icm": "application/vnd.iccprofile",
    ".md": "text/markdown",
    ".toml": "application/toml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".json": "application/json",
    ".txt": "text/plain",
    ".html": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".csl": "application/xml",
}


def project_url(path: str) -> str:
    """The renderer's URL for a project file ('' for no file)."""
    return f"{PROJECT_ORIGIN}{quote(path)}" if path else ""


def media_type(name: str) -> str:
    """Media type by extension, from a fixed table (not the system's, for reproducibility)."""
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


# engine-quirk: WeasyPrint 70 — the default fetcher reads any local file and the network, and
# an image is named md5(its URL), so every URL here is virtual (same bytes on every machine)
def make_fetcher(
    project: ProjectFiles, generated: dict[str, bytes], clean_images: bool = True
) -> object:
    """A WeasyPrint URL fetcher confined to the project, the theme and `generated` files.
    Project images are served without their identifying metadata (`clean_images`), since
    WeasyPrint copies a JPEG into the PDF as it is, EXIF and all; the archive's attachments
    are served byte for byte instead (it refuses images that carry any)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SandboxFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("https",), allow_redirects=False)

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            path = unquote(urlsplit(url).path).lstrip("/")
            try:
                if url.startswith(PROJECT_ORIGIN):
                    body = project.read_bytes(project.resolve(path))
                    if clean_images:  # images are known by content; other files pass as they are
                        body = strip_metadata(body, path)
                elif url.startswith(GENERATED_ORIGIN) and path in generated:
                    body = generated[path]
                elif url.startswith(THEME_ORIGIN):
                    target = (THEME_DIR / path).resolve()
                    if not target.is_relative_to(THEME_DIR) or not target.is_file():
                        raise ContentError(f"no theme file '{path}'")
                    body = target.read_bytes()
                else:
                    raise ContentError(f"'{url}' is outside the project")
            except ContentError as exc:
                raise FatalURLFetchingError(str(exc.problems[0].message)) from None
            return URLFetcherResponse(url, body, {"Content-Type": media_type(path)})

    return SandboxFetcher()
