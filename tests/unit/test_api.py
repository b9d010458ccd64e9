"""The public API: what `import dossier` offers, and `build()`'s calling convention."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import dossier
from dossier import DossierError, Output, build, check, load_config, verify


def test_the_public_names_are_importable_from_the_package() -> None:
    for name in ("build", "check", "verify", "load_config", "DossierError", "Output"):
        assert name in dossier.__all__ and getattr(dossier, name) is not None
    assert isinstance(dossier.__version__, str) and dossier.__version__
    assert callable(build) and callable(check) and callable(verify) and callable(load_config)
    assert issubclass(DossierError, Exception)


def test_build_and_verify_are_the_functions_even_after_their_modules_are_imported() -> None:
    import dossier.build
    import dossier.verify

    assert inspect.isfunction(dossier.build) and inspect.isfunction(dossier.verify)


def test_build_options_are_keyword_only() -> None:
    parameters = inspect.signature(build).parameters
    assert [p.name for p in parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD] == ["project"]
    assert {p.name for p in parameters.values() if p.kind is p.KEYWORD_ONLY} == {
        "editions",
        "formats",
        "output_dir",
        "force",
        "progress",
    }
    with pytest.raises(TypeError):
        build(".", ["reader"])  # type: ignore[misc]


def test_check_takes_a_folder_or_a_config(project: Path) -> None:
    (project / "sections" / "03-context.md").write_text(
        (project / "sections" / "03-context.md").read_text() + "\nSee [@no-such-key].\n"
    )
    from_folder = check(project)
    from_config = check(load_config(project))
    assert [str(p) for p in from_folder] == [str(p) for p in from_config]
    assert any("unknown source key 'no-such-key'" in p.message for p in from_folder)


def test_build_takes_a_folder_or_a_loaded_config(project: Path) -> None:
    config = load_config(project)
    [first] = build(config, formats=["epub"], output_dir=project / "a")
    [second] = build(project, formats=["epub"], output_dir=project / "b")
    for output in (first, second):
        assert isinstance(output, Output) and output.format == "epub"
        assert output.path.is_file() and output.size == output.path.stat().st_size
    assert first.path.parent == project / "a" and second.path.parent == project / "b"
    assert first.path.read_bytes() == second.path.read_bytes()


def test_a_broken_manifest_is_a_dossier_error(tmp_path: Path) -> None:
    (tmp_path / "dossier.toml").write_text('name = "x"\ntitel = "typo"\n')
    with pytest.raises(DossierError) as caught:
        check(tmp_path)
    assert any("did you mean 'title'?" in p.message for p in caught.value.problems)
