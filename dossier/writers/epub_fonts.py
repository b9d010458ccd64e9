"""The EPUB's fonts, subset to the characters the book uses (fontTools).

Every font an EPUB's stylesheets name stays embedded, in the format and at the path the
project gave it (so no stylesheet is rewritten), but holds only the glyphs a reader needs:
the characters of every page the book contains (text, titles, alt text, the navigation),
the generated strings of the edition's language and its stylesheets' `content:` strings,
and a fixed set of punctuation, digits, spaces and list markers that a reading system may
draw on its own (hyphens, quotes, bullets). The text itself is untouched, so search,
highlighting and read-aloud work as before; a character outside the subset (a reader's
own annotation, say) falls back to the reading system's font.

What is dropped besides glyphs: TrueType hinting (reading systems render with their own
light or no hinting; it is two thirds of a subset's size here). Layout features, kerning
and all name records (copyright and licence) are kept. Measured on the bundled reader
edition: eight fonts from 1.5 MiB deflated to about 0.12 MiB. WOFF2 would save another
about 35 KiB but would rename the files (and so rewrite the project's stylesheets) and
some reading systems still in use do not read it; fonts keep their own format.

Subsetting is the EPUB's slowest step (about 0.2 s a font), so each subset is kept in a
cache folder, keyed by the font's bytes, the characters and the options: a rebuild whose
characters did not change reuses it. The output does not depend on the cache.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from dossier.reading.styles import FONT_SUFFIXES
from dossier.sandbox.fingerprint import fingerprint

#: Bump when the subsetting options change (cached subsets then no longer match).
OPTIONS_VERSION = "1"
#: Kept in every subset besides the book's own characters: printable ASCII; Latin-1's
#: spaces, punctuation and signs; the general punctuation a reading system or a
#: stylesheet may draw (hyphens, dashes, quotes, ellipsis, bullets, primes); the
#: replacement character; and list markers (disc, circle, square).
ALWAYS = "".join(
    [
        *(chr(c) for c in range(0x20, 0x7F)),
        *(chr(c) for c in range(0xA0, 0xC0)),
        "\u00d7\u00f7",
        *(chr(c) for c in range(0x2000, 0x2027)),
        *(chr(c) for c in range(0x202F, 0x2040)),
        "\u2044\u2052\u20ac\u2116\u2122\u2212\u25aa\u25e6\u25a0\u25cf\ufffd",
    ]
)
#: Cached subsets kept (the most recently used); a few per font and edition.
KEEP = 64


def is_font(path: str) -> bool:
    return path.lower().endswith(FONT_SUFFIXES)


def characters(texts: Iterable[str]) -> str:
    """The sorted characters of some markup or text (entities decoded), with `ALWAYS`."""
    found = set(ALWAYS)
    for text in texts:
        found.update(html.unescape(text))
    return "".join(sorted(c for c in found if unicodedata.category(c) != "Cc"))


def subset_font(data: bytes, chars: str, cache: Path | None = None) -> bytes:
    """The font (TrueType, OpenType or WOFF/WOFF2, kept in its format) with only the glyphs
    for `chars` (and what its layout features reach from them). Deterministic: the same
    bytes for the same font and characters, cached or not."""
    key = [OPTIONS_VERSION.encode(), data, chars.encode("utf-8")]
    return cached_bytes(cache, key, lambda: _subset(data, chars))


def cached_bytes(cache: Path | None, key: list[bytes], compute: Callable[[], bytes]) -> bytes:
    """`compute()`, kept in the `cache` folder under the SHA-256 of `key` (everything the
    result depends on, besides the code and engines), and read from there while it is
    kept."""
    parts = [fingerprint().encode(), *key]  # other code or engines: computed again
    digest = hashlib.sha256(b"".join(hashlib.sha256(k).digest() for k in parts)).hexdigest()
    stored = cache / f"{digest}.font" if cache else None
    if stored is not None:
        try:
            found = stored.read_bytes()
            os.utime(stored)  # most recently used: kept by `prune`
            return found
        except OSError:
            pass
    result = compute()
    if stored is not None:
        _store(stored, result)
    return result


def _subset(data: bytes, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.notdef_outline = True  # a missing character shows as a box, not as nothing
    options.name_IDs = ["*"]  # copyright, licence and names
    options.name_languages = ["*"]
    options.glyph_names = False
    options.recalc_timestamp = False  # reproducible bytes
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)  # in the font's own flavour (plain, WOFF or WOFF2)
    return out.getvalue()


def _store(path: Path, data: bytes) -> None:
    """Keep a cached subset (see `keep_file`), then prune the folder."""
    if keep_file(path, data):
        prune(path.parent)


def keep_file(path: Path, data: bytes) -> bool:
    """Write a file of a build cache atomically (a concurrent build may read it); a cache
    that cannot be written is no error (False: not kept, no temporary file left)."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
        return True
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


def prune(folder: Path, keep: int = KEEP) -> None:
    """Drop all but the `keep` most recently used cached subsets."""
    try:
        entries = sorted(folder.glob("*.font"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
