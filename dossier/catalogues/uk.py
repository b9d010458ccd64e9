"""Ukrainian (`uk`). House style: day dates with the genitive month and no "р."
("24 серпня 2022"), a month alone in the nominative ("березень 2022"), "бл." for
approximate dates (with the genitive after it: "бл. березня 2022"), decades as "1920-ті"
("1940-ві"), centuries in Roman numerals ("XX століття"), an em dash between dates and an
en dash between bare numbers, «ялинки», the apostrophe ’."""

from __future__ import annotations

_GENITIVE = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
]
_NOMINATIVE = [
    "січень",
    "лютий",
    "березень",
    "квітень",
    "травень",
    "червень",
    "липень",
    "серпень",
    "вересень",
    "жовтень",
    "листопад",
    "грудень",
]
# CLDR's stand-alone abbreviations (the timeline's axis)
_SHORT = [
    "січ.",
    "лют.",
    "бер.",
    "квіт.",
    "трав.",
    "черв.",
    "лип.",
    "серп.",
    "вер.",
    "жовт.",
    "лист.",
    "груд.",
]
_SEASONS = ("весна", "літо", "осінь", "зима")
_SEASONS_GENITIVE = ("весни", "літа", "осені", "зими")


def _events(before: str, after: str = "") -> dict[str, str]:
    forms = {"one": "подія", "few": "події", "many": "подій", "other": "події"}
    return {k: f"{before}{{count}} {v}{after}" for k, v in forms.items()}


MESSAGES: dict[str, str | dict[str, str]] = {
    **{f"month.{n}": name for n, name in enumerate(_GENITIVE, 1)},
    **{f"month.standalone.{n}": name for n, name in enumerate(_NOMINATIVE, 1)},
    **{f"month.short.{n}": name for n, name in enumerate(_SHORT, 1)},
    **{f"season.{n}": name for n, name in enumerate(_SEASONS, 21)},
    **{f"season.genitive.{n}": name for n, name in enumerate(_SEASONS_GENITIVE, 21)},
    "season.other": "сезон",
    "season.genitive.other": "сезону",
    "date.year.bce": "{year} до н. е.",
    "date.year.inferred": "[{year}]",
    "date.day": "{day} {month} {year}",
    "date.day.no-year": "{day} {month}",
    "date.month": "{month} {year}",
    "date.month.no-year": "{month}",
    "date.season": "{season} {year}",
    # selected by the decade's digit: сорокові -> "-ві", the others "-ті"
    "date.decade": {"4": "{year}-ві", "other": "{year}-ті"},
    "date.decade.genitive": "{year}-х",
    "date.century": "{century} століття",
    "date.century.genitive": "{century} століття",
    "date.approximate": "бл. {date}",
    "date.uncertain": "{date}?",
    "date.range": "{start} — {end}",
    "date.range.decades": {"4": "{start}–{end}-ві", "other": "{start}–{end}-ті"},
    "date.range.years": "{start}–{end}",
    "date.range.days": "{first}–{last} {month} {year}",
    "date.until": "до {date}",
    "date.from": "з {date}",
    "date.long": "{day} {month} {year}",
    "legend.approximate": "бл. — приблизна дата",
    "legend.uncertain": "? — непевна дата",
    "legend.inferred": "[2022] — рік встановлено редакцією",
    "chapter.chronology": "Хронологія",
    "chapter.appendix": "Джерела",
    "contents.title": "Зміст",
    "chronology.summary": {
        k: f"{{count}} {v}, у порядку найранішого можливого дня. Числа в дужках відсилають "
        "до джерел."
        for k, v in {
            "one": "датована подія",
            "few": "датовані події",
            "many": "датованих подій",
            "other": "датованої події",
        }.items()
    },
    "chronology.caption": _events("Хронологія: "),
    "chronology.column.number": "№",
    "chronology.column.date": "Дата",
    "chronology.column.event": "Подія",
    "chronology.column.sources": "Джерела",
    "appendix.summary.pdf": "Усі джерела, цитовані в цьому виданні, згруповано за видами й "
    "пронумеровано в порядку першої згадки. Для кожного зазначено, де його цитовано.",
    "appendix.summary.epub": "Усі джерела, цитовані в цьому виданні, згруповано за видами й "
    "пронумеровано в порядку першої згадки. Кожен запис має посилання на місця, де джерело "
    "цитовано.",
    "group.publications": "Публікації",
    "group.official": "Офіційні та судові документи",
    "group.testimony": "Інтерв’ю та свідчення",
    "group.social-media": "Соціальні мережі",
    "protection.pseudonym": "Псевдонім, яким первинний видавець захистив це джерело; "
    "укладачі досьє не намагаються встановити особу цієї людини.",
    "protection.anonymous": "Анонімне джерело, як у публікації; укладачі досьє не "
    "намагаються встановити особу цієї людини.",
    "source.accessed": "Дата звернення: {date}.",
    "source.reliability": "Надійність: {text}",
    "source.internal-note": "Внутрішня примітка: {text}",
    "cited.pages": {"single": "Цитовано на с.", "several": "Цитовано на с."},
    "cited.in": "Цитовано:",
    "cited.rows": {"single": "рядок хронології", "several": "рядки хронології"},
    "notes.title": "Примітки",
    "notes.back": "Назад до тексту",
    "credit.title": "«{title}»",
    "credit.based-on": "За матеріалом: {credit}",
    "edition.default-label": "Досьє",
    "edition.briefing-label": "Довідка",
    "edition.stamp": "Видання {stamp}",
    "title.edited-by": {"single": "Редактор: {names}", "several": "Редактори: {names}"},
    "title.based-on": "Першоджерело",
    "facts.edition": "Видання",
    "facts.identifier": "Ідентифікатор",
    "facts.publisher": "Видавець",
    "facts.produced-with": "Створено за допомогою",
    "page.footer": "с. {page} з {pages}",
    "internal.mark": "ДЛЯ ВНУТРІШНЬОГО КОРИСТУВАННЯ — не поширювати",
    "internal.mark.inline": "ДЛЯ ВНУТРІШНЬОГО КОРИСТУВАННЯ, не поширювати",
    "internal.keyword": "ВНУТРІШНІЙ",
    "timeline.caption": "Числа — номери рядків таблиці хронології. Смуги — періоди, точки — "
    "окремі дати; заштриховані смуги й порожнисті точки позначають приблизні дати, «?» — "
    "непевні. Вісь розірвано (//) там, де минають десятиліття без подій, а в межах відрізка "
    "масштаб стиснуто там, де подій мало, і розтягнуто там, де їх багато.",
    "timeline.alt": _events(
        "Шкала часу: ",
        " хронології ({first} — {last}){broken}. Кожну позначку пронумеровано так само, як її "
        "рядок у таблиці хронології, де наведено повний текст.",
    ),
    "timeline.alt.broken": {
        k: f"; вісь розділено на {{count}} {v} ({{spans}})"
        for k, v in {
            "one": "відрізок",
            "few": "відрізки",
            "many": "відрізків",
            "other": "відрізка",
        }.items()
    },
    "timeline.uncertain": "?",
    "epub.cover": "Обкладинка",
    "epub.cover.alt": "Обкладинка: {title}",
    "epub.title-page": "Титульна сторінка",
    "epub.contents": "Зміст",
    "epub.contents.internal": "Зміст — {mark}",
    "epub.start": "Початок тексту",
    "epub.landmarks": "Орієнтири",
    "epub.page-list": "Сторінки",
    "copy.archived": "архівна копія від {date}",
    "copy.archived-undated": "архівна копія",
    "copy.mirror": "дзеркало",
    "copy.attached": "копію від {date} додано до цього файлу як {file}",
    "copy.recipient": "{name}, {organisation}",
    "copy.recipient.name-only": "{name}",
    "copy.line": "Примірник {number} з {total} · для: {recipient} · не для подальшого поширення",
    "copy.statement": "Це примірник {number} з {total}, виготовлений для одержувача: "
    "{recipient}. Він не призначений для подальшого поширення: кожен примірник "
    "пронумеровано, і ведеться облік того, хто його отримав.",
    "html.skip": "Перейти до тексту",
    "html.contents": "Зміст",
    "html.notes": "Примітки",
    "html.notes-of": "Примітки до розділу «{title}»",
    "html.note-back": "Назад до тексту",
    "html.note-close": "Закрити",
    "html.edition": "Про це видання",
    "serve.problem": "У проєкті помилка; на сторінці показано останню версію, яка зібралася.",
    "serve.pdf": "PDF цього видання",
    "serve.internal-error": "dossier не впорався з цією зміною (це помилка програми, а не "
    "ваша): подробиці — у терміналі, де запущено `dossier serve`.",
    "epub.certifier": "dossier (автоматичні перевірки під час збирання)",
    "epub.summary": "Текст із плаваючою версткою, навігаційним змістом, заголовками всіх "
    "розділів і підрозділів, виносками у вигляді приміток EPUB зі зворотними посиланнями, "
    "таблицями даних із клітинками заголовків і текстовими описами обкладинки та шкали часу "
    "(її зміст також подано в таблиці хронології).",
}
