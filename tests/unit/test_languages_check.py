"""Language settings in the manifest and `dossier check`: [strings] and strings_file checked
key by key with their lines, an edition's language and sections, {language: text} maps in
the chronology and the sources, and the English fallback of a language without a catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier import check, load_config
from dossier.config.schema import Edition
from dossier.errors import ConfigError
from dossier.model.records import in_language

from conftest import copy_project, edit, run_cli


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    return copy_project("bilingual", tmp_path / "bilingual")


@pytest.fixture
def ukrainian(tmp_path: Path) -> Path:
    return copy_project("ukrainian", tmp_path / "ukrainian")


def config_errors(project: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(project)
    return [str(p) for p in caught.value.problems]


def problems(project: Path) -> list[str]:
    return [str(p) for p in check(project)]


def test_the_language_samples_are_clean(bilingual: Path, ukrainian: Path) -> None:
    assert problems(bilingual) == []
    assert problems(ukrainian) == []


def test_strings_and_edition_languages_load(bilingual: Path) -> None:
    config = load_config(bilingual)
    assert config.strings == {"chapter.appendix": "Sources and documents"}
    ru = config.editions["reader-ru"]
    assert (ru.language, ru.strings) == ("ru", {"chapter.appendix": "Источники и документы"})
    assert config.reading_order(ru)[0] == "sections/ru/01-kratko.md"
    assert config.reading_order(config.editions["reader"])[0] == "sections/01-summary.md"
    assert config.section_files() == ["sections/01-summary.md", "sections/ru/01-kratko.md"]


def test_an_unknown_string_key_is_an_error_at_its_line(bilingual: Path) -> None:
    edit(bilingual, "dossier.toml", 'chapter.appendix = "', 'chapter.apendix = "')
    edit(bilingual, "dossier.toml", '"chapter.appendix" = "', '"chapter.chronology.x" = "')
    assert config_errors(bilingual) == [
        "dossier.toml:17:1: error: unknown string key 'chapter.apendix' (did you mean "
        "'chapter.appendix'?)",
        "dossier.toml:27:1: error: unknown string key 'chapter.chronology.x' (did you mean "
        "'chapter.chronology'?)",
    ]


def test_a_strings_file_is_checked_with_its_own_lines(bilingual: Path) -> None:
    (bilingual / "strings.toml").write_text(
        '# more words\n"epub.cover" = "Front"\n\n[chapter]\nchronolgy = "Timeline"\n'
    )
    edit(bilingual, "dossier.toml", "[strings]\n", 'strings_file = "strings.toml"\n\n[strings]\n')
    assert config_errors(bilingual) == [
        "strings.toml:5:1: error: unknown string key 'chapter.chronolgy' (did you mean "
        "'chapter.chronology'?)"
    ]
    edit(bilingual, "strings.toml", "chronolgy", "chronology")
    config = load_config(bilingual)
    assert config.strings == {
        "epub.cover": "Front",
        "chapter.chronology": "Timeline",
        "chapter.appendix": "Sources and documents",  # the manifest's own
    }
    assert "strings.toml" in config.project.files_read


def test_a_missing_strings_file_is_an_error(bilingual: Path) -> None:
    edit(bilingual, "dossier.toml", "[strings]\n", 'strings_file = "nope.toml"\n\n[strings]\n')
    assert any("nope.toml" in m and "not found" in m for m in config_errors(bilingual))


def test_edition_language_and_sections_are_checked(bilingual: Path) -> None:
    edit(bilingual, "dossier.toml", '"sections/ru/01-kratko.md"', '"sections/ru/gone.md"')
    (error,) = config_errors(bilingual)
    assert error.startswith("dossier.toml:24:") and "sections/ru/gone.md" in error
    edit(bilingual, "dossier.toml", '"sections/ru/gone.md"', '"@chronology"')
    (error,) = config_errors(bilingual)
    assert error.startswith("dossier.toml:24:") and "listed twice in editions.reader-ru" in error
    edit(bilingual, "dossier.toml", 'language = "ru"', 'language = "russian!"')
    (error, *_) = config_errors(bilingual)
    assert error.startswith(
        "dossier.toml:22:1: error: 'editions.reader-ru.language' must be a BCP 47 tag"
    )


def test_a_map_without_the_edition_s_language_is_an_error_naming_both(bilingual: Path) -> None:
    edit(bilingual, "sections/chronology.yaml", ", ru: Вода повреждает нижние полки.", "")
    edit(bilingual, "sections/sources.yaml", ", ru: Официальный документ", "")
    assert problems(bilingual) == [
        "sections/chronology.yaml:5:5: error: event 'ev-2' has no 'ru' text for 'event', "
        "which edition 'reader-ru' shows: add `ru: …` to its map",
        "sections/sources.yaml:2:5: error: source 'report-2023' has no 'ru' text for "
        "'reliability', which edition 'reader-ru' shows: add `ru: …` to its map",
    ]


def test_map_keys_must_be_language_tags_and_values_text(bilingual: Path) -> None:
    edit(bilingual, "sections/chronology.yaml", "{en: Water", "{English: Water")
    edit(bilingual, "sections/chronology.yaml", "note: {en: Date", "note: {en: [Date")
    edit(bilingual, "sections/chronology.yaml", "memory., ru:", "memory.], ru:")
    found = problems(bilingual)
    assert (
        "sections/chronology.yaml:6:13: error: 'English' is not a language tag (such as en, ru, uk)"
        in found
    )
    assert any(
        m.startswith("sections/chronology.yaml:7:") and "'en' text must be text" in m for m in found
    )


def test_citations_inside_a_translation_are_refused(bilingual: Path) -> None:
    edit(bilingual, "sections/chronology.yaml", "ru: Архив открывается.", 'ru: "Архив [@staff]."')
    assert problems(bilingual) == [
        "sections/chronology.yaml:14:5: error: put citations in the event's 'sources' list, "
        "not in its text"
    ]


def test_a_language_without_a_catalogue_warns_listing_the_english_keys(ukrainian: Path) -> None:
    edit(ukrainian, "dossier.toml", 'language = "uk"', 'language = "ka"')
    (warning,) = problems(ukrainian)
    assert warning.startswith("dossier.toml:4:1: warning: dossier has no built-in words for 'ka'")
    assert "month.1, month.2" in warning and "give them in [strings]" in warning
    code, out, _ = run_cli("check", "--strict", str(ukrainian))
    assert code == 1 and "no built-in words for 'ka'" in out


def test_the_texts_a_language_picks_from_a_map() -> None:
    texts = {"en": "E", "ru-RU": "R", "uk": "U"}
    assert [in_language(texts, t) for t in ("en-GB", "ru", "uk-UA", "uk", "ka")] == [
        "E",
        "R",
        "U",
        "U",
        None,
    ]


def test_an_edition_without_a_language_speaks_the_dossier_s() -> None:
    assert Edition().language == "" and Edition().sections == []
