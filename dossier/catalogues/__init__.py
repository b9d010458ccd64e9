"""The catalogues of the words dossier writes itself, one module per language (English,
Russian and Ukrainian built in). Plain data only: `dossier.rendering.words` composes them
(dates, plurals, numbers) at render time, and the manifest loader checks a project's own
`[strings]` against the English keys, which is why this package sits at the bottom of the
layers.

A message is a text with `{fields}`, or a table of texts:
- keyed by CLDR plural category (`one`, `few`, `many`, `other`): chosen by a `count`
  (`PLURAL` lists which messages are counted);
- keyed by `single` / `several`: a label before a list of one or of several items;
- keyed by any other selector with an `other` fallback (Ukrainian decades: `4` -> "-ві").
"""

from __future__ import annotations

from difflib import get_close_matches
from string import Formatter
from typing import Any

from dossier.catalogues import en, ru, uk

Message = str | dict[str, str]

#: Built-in catalogues by language subtag.
BUILT_IN: dict[str, dict[str, Message]] = {"en": en.MESSAGES, "ru": ru.MESSAGES, "uk": uk.MESSAGES}

#: The keys every catalogue provides (English is complete by definition).
KEYS: tuple[str, ...] = tuple(en.MESSAGES)

#: Messages chosen by a number through the language's CLDR plural rules.
PLURAL: frozenset[str] = frozenset(
    key for key, message in en.MESSAGES.items() if isinstance(message, dict) and "one" in message
)


def primary(language: str) -> str:
    """'en-GB' -> 'en', 'uk-UA' -> 'uk'."""
    return language.split("-")[0].split("_")[0].lower()


def built_in(language: str) -> dict[str, Message]:
    """The built-in catalogue of a language ({} when dossier has none)."""
    return BUILT_IN.get(primary(language), {})


def missing_keys(language: str, overrides: dict[str, Message]) -> list[str]:
    """The keys a language would take from English: neither built in nor given by the
    project."""
    have = built_in(language)
    return [key for key in KEYS if key not in have and key not in overrides]


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
Problem = tuple[tuple[str, ...], str]


def fields(message: Message) -> set[str]:
    """The `{fields}` a message fills in (in any of its forms)."""
    texts = message.values() if isinstance(message, dict) else [message]
    return {name for text in texts for _, name, _, _ in Formatter().parse(text) if name}


def check_strings(table: dict[str, Any]) -> tuple[dict[str, Message], list[Problem]]:
    """A project's strings (the `[strings]` table, dotted keys written either way) as
    key -> message, and what is wrong with them: (the key path as written, the message)."""
    out: dict[str, Message] = {}
    problems: list[Problem] = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        for name, value in node.items():
            here = (*path, str(name))
            key = ".".join(here)
            if key in en.MESSAGES:
                problem = _check_message(key, value)
                if problem:
                    problems.append((here, problem))
                else:
                    out[key] = value
            elif isinstance(value, dict) and any(k.startswith(key + ".") for k in KEYS):
                walk(value, here)
            else:
                problems.append((here, f"unknown string key '{key}'{_suggest(key)}"))

    walk(table, ())
    return out, problems


def _suggest(key: str) -> str:
    close = get_close_matches(key, KEYS, n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else " (the README lists the keys)"


def _check_message(key: str, value: Any) -> str:
    english = en.MESSAGES[key]
    if isinstance(value, dict):
        if not isinstance(english, dict) and key not in _SELECTED:
            return f"'{key}' takes one text, not a table"
        if not all(isinstance(v, str) for v in value.values()):
            return f"'{key}': every form must be text"
        if key in PLURAL:
            wrong = [k for k in value if k not in PLURAL_FORMS]
            if wrong or "other" not in value:
                return (
                    f"'{key}' is counted: give its CLDR plural forms ({', '.join(PLURAL_FORMS)}),"
                    " with 'other' at least"
                )
        elif isinstance(english, dict) and set(value) != set(english):
            return f"'{key}' takes the forms {', '.join(english)}"
        elif not isinstance(english, dict) and "other" not in value:
            return f"'{key}': give an 'other' form"
    elif not isinstance(value, str):
        return f"'{key}' must be text"
    try:
        used = fields(value)
    except ValueError:
        return f"'{key}': a brace that opens no field (write {{{{ and }}}} for braces)"
    known = set().union(*(fields(c[key]) for c in BUILT_IN.values() if key in c))
    unknown = sorted(used - known)
    if unknown:
        have = ", ".join(f"{{{f}}}" for f in sorted(known)) or "no fields"
        return f"'{key}' has no field {{{unknown[0]}}} (it has {have})"
    return ""


#: Messages a language may split by a selector although English has one text (decades).
_SELECTED = frozenset({"date.decade", "date.decade.genitive", "date.range.decades"})
