"""Dossiers in Ukrainian and in two languages, built end to end: no English generated word
in the non-English outputs (PDF text, every EPUB document, the timeline), `lang`/`xml:lang`
on every document, the editions side by side, and EPUBCheck and the PDF/UA checker clean."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from string import Formatter

import pikepdf
import pytest
from ace import assert_ace_clean
from lxml import etree
from lxml import html as lxml_html
from test_accessible_pdf import outloud

from dossier import build
from dossier.catalogues import en as english

from conftest import copy_project
from inspect_outputs import Epub, epubcheck, page_texts

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: the tool's name and a format's name are the same in every language
NAMES = {"dossier", "epub"}


def english_words() -> set[str]:
    """Every word of the English catalogue (outside its {fields}), lowercased."""
    found: set[str] = set()
    for message in english.MESSAGES.values():
        for text in message.values() if isinstance(message, dict) else [message]:
            for literal, *_ in Formatter().parse(text):
                found |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", literal or "")}
    return found - NAMES


ENGLISH = english_words()


def upper(words: set[str]) -> set[str]:
    return {w.upper() for w in words}


def english_in(text: str) -> list[str]:
    """The English catalogue's words in `text` (web addresses, which users write, aside)."""
    text = re.sub(r"(https?|urn):\S+", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() in ENGLISH})


def reader_texts(root: etree._Element) -> str:
    """What a reader meets in an XHTML/SVG document: its text and its alt, title and
    aria-label attributes."""
    attributes = [
        v for el in root.iter() for k, v in el.attrib.items() if k in ("alt", "title", "aria-label")
    ]
    return " ".join([*root.itertext(), *attributes])


@pytest.fixture(scope="session")
def ukrainian(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = copy_project("ukrainian", tmp_path_factory.mktemp("ukrainian") / "zrazok")
    return {f"{o.edition}.{o.format}": o.path for o in build(root)}


@pytest.fixture(scope="session")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = copy_project("bilingual", tmp_path_factory.mktemp("bilingual") / "two")
    return {f"{o.edition}.{o.format}": o.path for o in build(root)}


@pytest.mark.parametrize("edition", ["reader.pdf", "redaktsiia.pdf", "dovidka.pdf"])
def test_no_english_generated_words_in_the_ukrainian_pdfs(
    ukrainian: dict[str, Path], edition: str
) -> None:
    text = " ".join(page_texts(ukrainian[edition]))
    assert english_in(text) == []
    assert "Хронологія" in text


def test_the_ukrainian_pdf_speaks_ukrainian(ukrainian: dict[str, Path]) -> None:
    pages = page_texts(ukrainian["reader.pdf"])
    text = " ".join(pages)
    for phrase in (
        "Зміст",
        "10 датованих подій, у порядку найранішого можливого дня.",
        "Хронологія: 10 подій.",
        "№ ДАТА ПОДІЯ ДЖЕРЕЛА",
        "24 серпня 2022",
        "бл. березня 2023",
        "вересень [2023]",
        "1940-ві",
        "XX століття",
        "з 20 листопада 2023",
        "бл. — приблизна дата; ? — непевна дата; [2022] — рік встановлено редакцією.",
        "Редактори: Олена Коваль, Петро Мельник",
        "За матеріалом: «Звіт комісії про стан архіву», Районна рада, 14 березня 2023",
        "Дата звернення: 1 лютого 2024.",
        "архівна копія від 24 листопада 2024:",  # the source's other copies
        "дзеркало: https://dzerkalo.example.net/zvit",
        "Надійність: Офіційний документ",
        "рядки хронології 8, 9, 10.",
        "Інтерв’ю та свідчення",
    ):
        assert phrase in text, phrase
    assert re.search(r"Цитовано на с\. \d", text)
    assert pages[-1].endswith(f"с. {len(pages)} з {len(pages)}")
    # citeproc formats in Ukrainian, without English title case on Ukrainian titles
    assert "Звіт комісії про стан архіву. Районна рада" in text
    with pikepdf.open(ukrainian["reader.pdf"]) as pdf:
        assert str(pdf.Root.Lang) == "uk"


def test_the_alphabetical_appendix_collates_latin_before_cyrillic(
    ukrainian: dict[str, Path],
) -> None:
    appendix = page_texts(ukrainian["reader.pdf"])[-1]
    order = [
        appendix.index(name) for name in ("Abramson", "Районна газета", "Коваленко", "Комісія")
    ]
    assert order == sorted(order)


def test_the_internal_edition_is_marked_in_ukrainian(ukrainian: dict[str, Path]) -> None:
    pages = page_texts(ukrainian["redaktsiia.pdf"])
    assert all("ДЛЯ ВНУТРІШНЬОГО КОРИСТУВАННЯ — не поширювати" in p for p in pages[1:])
    assert "Внутрішня примітка: Контакт через редакцію." in pages[-1]


def test_the_briefing_takes_the_ukrainian_default_label(ukrainian: dict[str, Path]) -> None:
    assert "ДОВІДКА · 1 БЕРЕЗНЯ 2024" in page_texts(ukrainian["dovidka.pdf"])[0]


@pytest.mark.parametrize("edition", ["reader.epub", "redaktsiia.epub"])
def test_every_ukrainian_epub_document_is_ukrainian(
    ukrainian: dict[str, Path], edition: str
) -> None:
    book = Epub(ukrainian[edition])
    documents = [
        item["href"]
        for item in book.manifest().values()
        if item["media-type"] == "application/xhtml+xml"
    ]
    assert len(documents) == 7  # cover, title, nav, overview, chronology, context, sources
    for href in documents:
        root = book.xhtml(href)
        assert root.get(XML_LANG) == "uk" and root.get("lang") == "uk", href
        assert english_in(reader_texts(root)) == [], href
    timeline = etree.fromstring(book.read("images/timeline.svg"))
    assert english_in(reader_texts(timeline)) == []
    assert "жовт." in reader_texts(timeline)
    assert book.meta("dc:language") == ["uk"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert summary.startswith("Текст із плаваючою версткою")
    assert book.meta("a11y:certifiedBy") == ["dossier (автоматичні перевірки під час збирання)"]
    nav = reader_texts(book.nav())
    assert english_in(nav) == [] and "Орієнтири" in nav and "Початок тексту" in nav


def test_the_ukrainian_html_page_is_ukrainian(ukrainian: dict[str, Path]) -> None:
    page = lxml_html.document_fromstring(ukrainian["reader.html"].read_bytes())
    assert page.get("lang") == "uk"
    for element in page.iter("style", "script"):
        element.drop_tree()  # the page's own CSS (fonts inside) is not text a reader meets
    text = reader_texts(page)
    assert english_in(text) == []
    for phrase in ("Перейти до тексту", "Зміст", "Хронологія: 10 подій", "Вихідні дані"):
        assert phrase in text, phrase
    assert "Редактори: Олена Коваль, Петро Мельник" in text


def test_the_ukrainian_epubs_pass_epubcheck(ukrainian: dict[str, Path]) -> None:
    for edition in ("reader.epub", "redaktsiia.epub"):
        report = epubcheck(ukrainian[edition])
        assert report["exit_code"] == 0, report["messages"]


def test_the_ukrainian_and_russian_epubs_pass_ace(
    ukrainian: dict[str, Path], bilingual: dict[str, Path]
) -> None:
    for epub in (ukrainian["reader.epub"], bilingual["reader-ru.epub"]):
        assert_ace_clean(epub)


@pytest.mark.parametrize("edition", ["reader.pdf", "dovidka.pdf"])
def test_the_ukrainian_pdfs_pass_the_pdf_ua_checker(
    ukrainian: dict[str, Path], edition: str
) -> None:
    assert outloud(ukrainian[edition]) == []


def test_the_two_editions_sit_side_by_side(bilingual: dict[str, Path]) -> None:
    names = sorted(re.sub(r"-[0-9a-f]{10}\.", ".", p.name) for p in bilingual.values())
    assert names == [
        "two-reader-ru.epub",
        "two-reader-ru.html",
        "two-reader-ru.pdf",
        "two-reader.epub",
        "two-reader.pdf",
    ]
    assert all(p.exists() for p in bilingual.values())


def test_the_russian_edition_has_no_english_generated_words(bilingual: dict[str, Path]) -> None:
    text = " ".join(page_texts(bilingual["reader-ru.pdf"]))
    user_written = {"The", "river", "archive", "One", "two", "languages", "Sample", "Newsroom"}
    user_written |= {"Anna", "Berg", "Press", "River", "Committee", "Report", "of", "the"}
    user_written |= {"committee", "Conversation", "with", "staff", "Archive", "reader", "ru"}
    # the running heads show the (English) title in capitals
    assert [w for w in english_in(text) if w not in user_written | upper(user_written)] == []
    for phrase in (
        "Кратко",
        "Источники и документы",  # the edition's own strings
        "4 датированных события",
        "1980-е",
        "2 апреля 2021",
        "весна 2022",
        "Архив перевозят в речной порт.",  # the event's Russian text
        "Дата со слов сотрудников.",
        "середина марта 2023",  # a label as its editors wrote it, in Russian
        "Надёжность: Официальный документ",
        "Редактор: Anna Berg",
        "строки хронологии 1, 2.",
    ):
        assert phrase in text, phrase
    assert "The archive is moved" not in text and "Water damages" not in text
    book = Epub(bilingual["reader-ru.epub"])
    for item in book.manifest().values():
        if item["media-type"] == "application/xhtml+xml":
            href = item["href"]
            root = book.xhtml(href)
            assert root.get(XML_LANG) == "ru", href
            assert [w for w in english_in(reader_texts(root)) if w not in user_written] == [], href
    page = lxml_html.document_fromstring(bilingual["reader-ru.html"].read_bytes())
    assert page.get("lang") == "ru"
    for element in page.iter("style", "script"):
        element.drop_tree()
    html_text = reader_texts(page)
    assert [w for w in english_in(html_text) if w not in user_written] == []
    assert "Перейти к тексту" in html_text and "Архив перевозят в речной порт." in html_text
    assert epubcheck(bilingual["reader-ru.epub"])["exit_code"] == 0
    assert outloud(bilingual["reader-ru.pdf"]) == []


def test_the_english_edition_keeps_english(bilingual: dict[str, Path]) -> None:
    text = " ".join(page_texts(bilingual["reader.pdf"]))
    for phrase in (
        "Sources and documents",  # the dossier's [strings]
        "4 dated events",
        "The archive is moved to the river port.",
        "Date from staff memory.",
        "mid-March 2023",
        "Reliability: Official document",
        "Edited by Anna Berg",
    ):
        assert phrase in text, phrase
    assert "Архив перевозят" not in text
    with zipfile.ZipFile(bilingual["reader.epub"]) as epub:
        assert b'xml:lang="en"' in epub.read("EPUB/content.opf")
