"""Russian. House style: day dates with the genitive month and no "г." ("24 февраля 2022"),
a month alone in the nominative ("март 2022"), "ок." for approximate dates (with the
genitive after it: "ок. марта 2022"), decades as "1920-е", centuries in Roman numerals
("XX век"), an em dash between dates and an en dash between bare numbers, «ёлочки»."""

from __future__ import annotations

_GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
_NOMINATIVE = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
# CLDR's stand-alone abbreviations (the timeline's axis)
_SHORT = [
    "янв.",
    "февр.",
    "март",
    "апр.",
    "май",
    "июнь",
    "июль",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
]
_SEASONS = ("весна", "лето", "осень", "зима")
_SEASONS_GENITIVE = ("весны", "лета", "осени", "зимы")


def _events(before: str, after: str = "") -> dict[str, str]:
    forms = {"one": "событие", "few": "события", "many": "событий", "other": "события"}
    return {k: f"{before}{{count}} {v}{after}" for k, v in forms.items()}


MESSAGES: dict[str, str | dict[str, str]] = {
    **{f"month.{n}": name for n, name in enumerate(_GENITIVE, 1)},
    **{f"month.standalone.{n}": name for n, name in enumerate(_NOMINATIVE, 1)},
    **{f"month.short.{n}": name for n, name in enumerate(_SHORT, 1)},
    **{f"season.{n}": name for n, name in enumerate(_SEASONS, 21)},
    **{f"season.genitive.{n}": name for n, name in enumerate(_SEASONS_GENITIVE, 21)},
    "season.other": "сезон",
    "season.genitive.other": "сезона",
    "date.year.bce": "{year} до н. э.",
    "date.year.inferred": "[{year}]",
    "date.day": "{day} {month} {year}",
    "date.day.no-year": "{day} {month}",
    "date.month": "{month} {year}",
    "date.month.no-year": "{month}",
    "date.season": "{season} {year}",
    "date.decade": "{year}-е",
    "date.decade.genitive": "{year}-х",
    "date.century": "{century} век",
    "date.century.genitive": "{century} века",
    "date.approximate": "ок. {date}",
    "date.uncertain": "{date}?",
    "date.range": "{start} — {end}",
    "date.range.decades": "{start}–{end}-е",
    "date.range.years": "{start}–{end}",
    "date.range.days": "{first}–{last} {month} {year}",
    "date.until": "до {date}",
    "date.from": "с {date}",
    "date.long": "{day} {month} {year}",
    "legend.approximate": "ок. — приблизительная дата",
    "legend.uncertain": "? — дата под вопросом",
    "legend.inferred": "[2022] — год установлен редакцией",
    "chapter.chronology": "Хронология",
    "chapter.appendix": "Источники",
    "contents.title": "Содержание",
    "chronology.summary": {
        k: f"{{count}} {v}, в порядке самого раннего возможного дня. Числа в скобках "
        "отсылают к источникам."
        for k, v in {
            "one": "датированное событие",
            "few": "датированных события",
            "many": "датированных событий",
            "other": "датированного события",
        }.items()
    },
    "chronology.caption": _events("Хронология: "),
    "chronology.column.number": "№",
    "chronology.column.date": "Дата",
    "chronology.column.event": "Событие",
    "chronology.column.sources": "Источники",
    "appendix.summary.pdf": "Все источники, цитируемые в этом издании, сгруппированы по видам "
    "и пронумерованы в порядке первого упоминания. Для каждого указано, где он цитируется.",
    "appendix.summary.epub": "Все источники, цитируемые в этом издании, сгруппированы по "
    "видам и пронумерованы в порядке первого упоминания. Каждая запись ссылается на места, "
    "где источник цитируется.",
    "group.publications": "Публикации",
    "group.official": "Официальные и судебные документы",
    "group.testimony": "Интервью и свидетельства",
    "group.social-media": "Социальные сети",
    "protection.pseudonym": "Псевдоним, которым первоначальный издатель защитил этот "
    "источник; составители досье не пытаются установить личность этого человека.",
    "protection.anonymous": "Анонимный источник, как в публикации; составители досье не "
    "пытаются установить личность этого человека.",
    "source.accessed": "Дата обращения: {date}.",
    "source.reliability": "Надёжность: {text}",
    "source.internal-note": "Внутренняя заметка: {text}",
    "cited.pages": {"single": "Цитируется на с.", "several": "Цитируется на с."},
    "cited.in": "Цитируется:",
    "cited.rows": {"single": "строка хронологии", "several": "строки хронологии"},
    "notes.title": "Примечания",
    "notes.back": "Назад к тексту",
    "credit.title": "«{title}»",
    "credit.based-on": "По материалу: {credit}",
    "edition.default-label": "Досье",
    "edition.briefing-label": "Справка",
    "edition.stamp": "Издание {stamp}",
    "title.edited-by": {"single": "Редактор: {names}", "several": "Редакторы: {names}"},
    "title.based-on": "Первоисточник",
    "facts.edition": "Издание",
    "facts.identifier": "Идентификатор",
    "facts.publisher": "Издатель",
    "facts.produced-with": "Подготовлено с помощью",
    "page.footer": "с. {page} из {pages}",
    "internal.mark": "ДЛЯ ВНУТРЕННЕГО ПОЛЬЗОВАНИЯ — не распространять",
    "internal.mark.inline": "ДЛЯ ВНУТРЕННЕГО ПОЛЬЗОВАНИЯ, не распространять",
    "internal.keyword": "ВНУТРЕННИЙ",
    "timeline.caption": "Числа — номера строк таблицы хронологии. Полосы — периоды, точки — "
    "отдельные даты; заштрихованные полосы и полые точки — приблизительные даты, «?» "
    "отмечает даты под вопросом. Ось разорвана (//) там, где проходят десятилетия без "
    "событий, а внутри отрезка масштаб сжат там, где событий мало, и растянут там, где их "
    "много.",
    "timeline.alt": _events(
        "Шкала времени: ",
        " хронологии ({first} — {last}){broken}. Каждая метка пронумерована так же, как её "
        "строка в таблице хронологии, где приведён полный текст.",
    ),
    "timeline.alt.broken": {
        k: f"; ось разделена на {{count}} {v} ({{spans}})"
        for k, v in {
            "one": "отрезок",
            "few": "отрезка",
            "many": "отрезков",
            "other": "отрезка",
        }.items()
    },
    "timeline.uncertain": "?",
    "epub.cover": "Обложка",
    "epub.cover.alt": "Обложка: {title}",
    "epub.title-page": "Титульная страница",
    "epub.contents": "Содержание",
    "epub.contents.internal": "Содержание — {mark}",
    "epub.start": "Начало текста",
    "epub.landmarks": "Ориентиры",
    "epub.page-list": "Страницы",
    "copy.archived": "архивная копия от {date}",
    "copy.archived-undated": "архивная копия",
    "copy.mirror": "зеркало",
    "copy.attached": "копия от {date} приложена к этому файлу как {file}",
    "copy.recipient": "{name}, {organisation}",
    "copy.recipient.name-only": "{name}",
    "copy.line": "Экземпляр {number} из {total} · для: {recipient} · не для дальнейшего "
    "распространения",
    "copy.statement": "Это экземпляр {number} из {total}, изготовленный для получателя: "
    "{recipient}. Он не предназначен для дальнейшего распространения: каждый экземпляр "
    "пронумерован, и ведётся учёт того, кто его получил.",
    "html.skip": "Перейти к тексту",
    "html.contents": "Содержание",
    "html.notes": "Примечания",
    "html.notes-of": "Примечания к разделу «{title}»",
    "html.note-back": "Назад к тексту",
    "html.note-close": "Закрыть",
    "html.edition": "Об этом издании",
    "serve.problem": "В проекте ошибка; на странице показана последняя версия, которая собралась.",
    "serve.pdf": "PDF этого издания",
    "serve.internal-error": "dossier не справился с этим изменением (это ошибка программы, "
    "а не ваша): подробности — в терминале, где запущен `dossier serve`.",
    "epub.certifier": "dossier (автоматические проверки при сборке)",
    "epub.summary": "Текст с переменной вёрсткой, навигационным оглавлением, заголовками всех "
    "глав и разделов, сносками в виде примечаний EPUB с обратными ссылками, таблицами данных "
    "с ячейками заголовков и текстовыми описаниями обложки и шкалы времени (её содержание "
    "также приведено в таблице хронологии).",
}
