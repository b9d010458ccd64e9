"""The Jinja environment: the project's `templates/` folder first, the package's last, so a
project can override one template without forking the theme.

Templates are loaded through `ProjectFiles` (so they obey the same sandbox as every other file)
and run in Jinja's sandbox. User Markdown is never run through Jinja.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import Any

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
)
from jinja2.bccache import Bucket
from jinja2.environment import Environment
from jinja2.sandbox import SandboxedEnvironment

from dossier.errors import ContentError
from dossier.model.dates import DateValue
from dossier.model.ids import cite_id, note_id, noteref_id, source_id
from dossier.model.records import Event
from dossier.rendering import words
from dossier.rendering.timeline import coord, tint
from dossier.sandbox.files import TEMPLATE_DIR, ProjectFiles


class ProjectLoader(BaseLoader):
    """Templates from the project's own `templates/` folder, read through the sandbox."""

    def __init__(self, project: ProjectFiles) -> None:
        self.project = project

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        path = f"{TEMPLATE_DIR}/{template}"
        if not (self.project.root / path).exists():
            raise TemplateNotFound(template)
        try:
            rel = self.project.resolve(path)
            return self.project.read_text(rel), rel, lambda: True
        except ContentError:
            raise TemplateNotFound(template) from None


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed (by Jinja) by the
    template's name and a checksum of its source: an edited template is compiled again.
    It spares `dossier serve` compiling every template on each rebuild."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = MemoryBytecodeCache()


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with its verdict on an attribute kept by the object's type and the
    attribute's name, the only things it depends on (Jinja 3.1's `is_internal_attribute`):
    it is asked on every attribute a template reads, some 46,000 times in a long EPUB."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict


def make_environment(project: ProjectFiles) -> Environment:
    env = _Sandbox(
        # an environment lives for one build: its templates need no check for changes (a
        # stat of the file on each use, some 7,000 in a long EPUB)
        auto_reload=False,
        bytecode_cache=COMPILED,
        loader=ChoiceLoader([ProjectLoader(project), PackageLoader("dossier", TEMPLATE_DIR)]),
        autoescape=lambda name: bool(name) and not str(name).endswith(".css"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # the words readers see (`rendering.words`) and the ids of generated anchors
    env.globals.update(
        word=words.word,
        css_content=words.css_content,
        note_id=note_id,
        noteref_id=noteref_id,
        cite_id=cite_id,
        source_id=source_id,
    )
    env.filters.update(
        date_label=date_label,
        long_date=words.long_date,
        csl_date=words.csl_date,
        chapter_title=words.chapter_title,
        css_string=words.css_string,
        several=words.several,
        tint=tint,
        coord=coord,
    )
    return env


def date_label(value: Event | DateValue) -> str:
    """`{{ event|date_label }}`: a chronology row's date as readers see it (the label its
    editors wrote, or one made from the EDTF date); also takes a parsed date."""
    if isinstance(value, DateValue):
        return words.date_label(value)
    return words.event_date_label(value)


def theme_file(name: str) -> bytes:
    """A file of the package theme (stylesheets)."""
    return files("dossier").joinpath("theme", name).read_bytes()
