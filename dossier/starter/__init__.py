"""`dossier new`: a new project that checks and builds at once, from the files in
`starter/project/` (Jinja templates for the text files; other files are copied).

The starter shows every kind of input once: a commented manifest, two sections with a
citation, a note, a heading, a table and an image with its description, a chronology with
exact, approximate, uncertain and ranged EDTF dates, and a sources file with two CSL entries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dossier.errors import DossierError

STARTER = Path(__file__).resolve().parent / "project"
TEXT_SUFFIXES = (".toml", ".md", ".yaml")
#: files kept under another name in the package (a dotfile is easy to lose in packaging)
RENAMED = {"gitignore": ".gitignore"}
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def project_name(folder: Path) -> str:
    """The outputs' file-name stem from the folder's name ('My Dossier' -> 'my-dossier')."""
    name = re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-")
    return name or "dossier"


def default_title(folder: Path) -> str:
    words = re.sub(r"[-_]+", " ", folder.name).strip()
    return words[:1].upper() + words[1:] if words else "My dossier"


def new_project(
    folder: str | Path, title: str = "", language: str = "en", today: dt.date | None = None
) -> list[Path]:
    """Write a starter project into `folder` (created; it must not hold anything yet).
    Returns the files written."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DossierError(
            f"'{target}' is not an empty folder; name a new folder, e.g. dossier new my-dossier"
        )
    if not LANGUAGE.fullmatch(language):
        raise DossierError(f"'{language}' is not a language tag; write one such as en, ru or ka")
    env = Environment(
        loader=FileSystemLoader(STARTER),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # TOML, Markdown and YAML, not HTML; strings go through `toml`
    )
    # a JSON string is a valid TOML basic string
    env.filters["toml"] = lambda text: json.dumps(text, ensure_ascii=False)
    values = {
        "name": project_name(target.resolve()),
        "title": title.strip() or default_title(target.resolve()),
        "language": language,
        "date": (today or dt.date.today()).isoformat(),
        "identifier": f"urn:uuid:{uuid.uuid4()}",
    }
    written = []
    for source in sorted(p for p in STARTER.rglob("*") if p.is_file()):
        rel = source.relative_to(STARTER)
        path = target / rel.parent / RENAMED.get(rel.name, rel.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in TEXT_SUFFIXES:
            path.write_text(env.get_template(rel.as_posix()).render(values), encoding="utf-8")
        else:
            path.write_bytes(source.read_bytes())
        written.append(path)
    return written
