"""The read stage: files -> a checked `Dossier`, and what `dossier check` reports.

`read_project()` reads the sections, chronology, sources, stylesheets and templates of a
loaded config and runs every cross-check; `check()` is the public form (a folder or a config
in, the sorted problems out). `dossier build` reads through `read_project()` too.
"""

from __future__ import annotations

from pathlib import Path

from dossier.catalogues import missing_keys
from dossier.config import Config, load_config
from dossier.editions.assemble import assemble
from dossier.errors import Problem, Problems
from dossier.model.records import Book, Dossier
from dossier.reading.check import check_dossier, check_image_metadata, read_images
from dossier.reading.citation_style import check_style
from dossier.reading.fonts import check_coverage
from dossier.reading.recipients import read_recipients
from dossier.reading.sections import read_dossier
from dossier.reading.styles import Stylesheets, read_stylesheets
from dossier.sandbox.files import TEMPLATE_DIR, ProjectFiles


def check(project: str | Path | Config = ".") -> list[Problem]:
    """Check a project (its folder, or a loaded `Config`) without rendering it: every error
    and warning, sorted by file and line. A broken manifest raises `ConfigError`."""
    config = project if isinstance(project, Config) else load_config(project)
    problems, _, _ = read_project(config)
    for edition in config.editions.values():
        if edition.recipients:
            read_recipients(config, edition, problems)
    return problems.sorted()


def read_project(
    config: Config, assembled: dict[str, Book] | None = None
) -> tuple[Problems, Dossier, Stylesheets]:
    """Read every file of a project into a `Dossier` and check it (cross-references, the
    citation style, stylesheets, templates, and every edition's assembly). Every problem is
    collected in the returned `Problems`; nothing is rendered. `assembled`, if given,
    receives the editions the check assembled, by name (without their stamps)."""
    problems = Problems()
    dossier, sheets = read_inputs(config, problems)
    check_coverage(dossier, config.project, sheets, problems)
    check_dossier(dossier, problems)
    check_image_metadata(config.project, problems)
    _check_languages(config, problems)
    if not problems.errors:
        for edition in config.editions.values():
            book = assemble(dossier, edition, "", problems)
            if assembled is not None:
                assembled[edition.name] = book
    return problems, dossier, sheets


def read_inputs(config: Config, problems: Problems) -> tuple[Dossier, Stylesheets]:
    """Read every file a build uses (sections, chronology, sources, citation style,
    stylesheets and what they load, templates, images), with the checks made while reading,
    but not the checks across files (`read_project` adds those). After it,
    `config.project.files_read` is the whole input of a build."""
    project = config.project
    dossier = read_dossier(config, problems, project)
    if config.sources:
        check_style(config, problems)
    named = [(path, config.at("styles", i)) for i, path in enumerate(config.styles)]
    sheets = read_stylesheets(project, named, problems)
    _read_templates(project, problems)
    read_images(dossier, project, problems)
    return dossier, sheets


def _check_languages(config: Config, problems: Problems) -> None:
    """A language without a built-in catalogue takes English for what the project's
    strings do not give: a warning listing those keys (an error with --strict)."""
    languages = {config.language: (config.at("language"), config.strings)}
    for name, edition in config.editions.items():
        if edition.language:
            where = config.at("editions", name, "language")
            languages.setdefault(edition.language, (where, {**config.strings, **edition.strings}))
    for language, (where, strings) in languages.items():
        missing = missing_keys(language, strings)
        if missing:
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            shown = ", ".join(missing[:8]) + more
            problems.warning(
                f"dossier has no built-in words for '{language}': {len(missing)} generated "
                f"strings will be English ({shown}); give them in [strings] (see the README's "
                "catalogue keys)",
                where,
            )


def _read_templates(project: ProjectFiles, problems: Problems) -> None:
    """Project templates are inputs too: read them now, so the input set does not depend on
    which templates a particular edition happens to render."""
    folder = project.root / TEMPLATE_DIR
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(project.root).as_posix()
        with problems.collect():
            project.read_bytes(project.resolve(rel))
