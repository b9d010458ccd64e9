"""Read the chronology file: events with EDTF dates, sources and internal fields, checked
row by row and returned in chronological order."""

from __future__ import annotations

import math
from typing import Any

from dossier.errors import Location, Problems, did_you_mean
from dossier.model.dates import parse_date
from dossier.model.markdown import RESERVED_IDS, RESERVED_PREFIXES, parse_inline, slugify
from dossier.model.records import Event, SourceRef
from dossier.sandbox.datafile import DataFile, internal_flag, load_yaml
from dossier.sandbox.files import ProjectFiles

EVENT_KEYS = ("id", "date", "label", "inferred", "event", "place", "sources", "note", "internal")
SOURCE_REF_KEYS = ("key", "locator", "quote")
#: fields a public edition can leave out of a row; a row whose date or event is internal is
#: internal as a whole (`internal: true`)
EVENT_INTERNAL_FIELDS = ("label", "place", "note", "sources")


def read_chronology(
    project: ProjectFiles,
    path: str,
    max_events: int,
    max_nodes: int,
    max_line: int,
    problems: Problems,
) -> list[Event]:
    """Read and validate the chronology file; return its events in chronological order."""
    with problems.collect() as caught:
        text = project.read_text(path, max_line=max_line)
        data = load_yaml(text, path, max_nodes, max_items=("events", max_events, "max_events"))
    if caught.failed:
        return []
    if isinstance(data.value, list):  # a bare list of events: clearly meant as `events:`
        data = DataFile(
            data.path,
            {"events": data.value},
            {("events", *keys): where for keys, where in data.positions.items()},
        )
    root = data.value
    if not isinstance(root, dict) or not isinstance(root.get("events"), list):
        problems.error(
            "the chronology is a list of events under 'events:'; write for example "
            "'events:' then '  - date: \"2024-03-14\"' with 'event:' and 'sources:' below it",
            data.at(),
        )
        return []
    for key in root:
        if key != "events":
            problems.error(f"unknown top-level key '{key}' (expected only 'events')", data.at(key))
    items = root["events"]
    events = []
    seen: dict[str, Location] = {}
    for index, item in enumerate(items):
        event = _read_event(data, index, item, problems)
        if event is None:
            continue
        if event.id in seen:
            problems.error(
                f"duplicate event id '{event.id}' (first used at line {seen[event.id].line})",
                data.at("events", index, "id"),
            )
        seen.setdefault(event.id, event.where)
        events.append(event)
    return sorted(events, key=lambda e: (e.earliest, e.latest, e.index))


def _text(data: DataFile, item: dict[str, Any], key: str, index: int, problems: Problems) -> str:
    value = item.get(key, "")
    if value is None:
        return ""
    if isinstance(value, bool | list | dict):
        problems.error(f"'{key}' must be text", data.at("events", index, key))
        return ""
    return str(value).strip()


def _read_event(data: DataFile, index: int, item: Any, problems: Problems) -> Event | None:
    where = data.at("events", index)
    if not isinstance(item, dict):
        problems.error("each event must be a mapping with date, event and sources", where)
        return None
    for key in item:
        if key not in EVENT_KEYS:
            hint = did_you_mean(key, EVENT_KEYS)
            problems.error(f"unknown event key '{key}'{hint}", data.at("events", index, key))
    date_text = _text(data, item, "date", index, problems)
    text = _text(data, item, "event", index, problems)
    ok = True
    if not date_text:
        problems.error("event has no 'date' (an EDTF value such as 2022-03~)", where)
        ok = False
    if not text:
        problems.error("event has no 'event' text", where)
        ok = False
    value = None
    if date_text:
        try:
            value = parse_date(date_text)
        except ValueError as exc:
            problems.error(
                f"invalid EDTF date '{date_text}': {exc}", data.at("events", index, "date")
            )
            ok = False
    if text and any(t.type == "citation" for t in parse_inline(text)):
        problems.error(
            "put citations in the event's 'sources' list, not in its text",
            data.at("events", index, "event"),
        )
    sources = _read_refs(data, index, item.get("sources"), problems)
    inferred = item.get("inferred", False)
    if inferred not in (True, False, "year"):
        problems.error(
            "'inferred' must be 'year' or true/false", data.at("events", index, "inferred")
        )
    internal, internal_fields = internal_flag(
        item.get("internal", False),
        EVENT_INTERNAL_FIELDS,
        data.at("events", index, "internal"),
        problems,
    )
    event_id = _text(data, item, "id", index, problems)
    if event_id and slugify(event_id) != event_id:
        problems.error(
            f"event id '{event_id}' must be lowercase letters, digits and hyphens, "
            "starting with a letter",
            data.at("events", index, "id"),
        )
    elif event_id in RESERVED_IDS or event_id.startswith(RESERVED_PREFIXES):
        problems.error(
            f"event id '{event_id}' is used by the generated parts of the book; choose another",
            data.at("events", index, "id"),
        )
    if not ok or value is None:
        return None
    return Event(
        index=index,
        id=event_id or f"ev-{index + 1}",
        date=date_text,
        label=_text(data, item, "label", index, problems),
        event=text,
        sources=sources,
        where=where,
        earliest=value.earliest,
        latest=value.latest,
        approximate=value.approximate,
        uncertain=value.uncertain,
        inferred=bool(inferred),
        place=_text(data, item, "place", index, problems),
        note=_text(data, item, "note", index, problems),
        internal=internal,
        internal_fields=internal_fields,
        start_year=value.earliest if not value.start.open else value.latest - 1,
        end_year=value.latest if math.isfinite(value.latest) else value.earliest + 1,
        grain=value.grain,
        value=value,
    )


def _read_refs(data: DataFile, index: int, refs: Any, problems: Problems) -> list[SourceRef]:
    where = data.at("events", index, "sources")
    if refs is None or refs == []:
        problems.error(
            "event has no sources: every chronology row must cite at least one source key",
            data.at("events", index),
        )
        return []
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list):
        problems.error("'sources' must be a list of source keys", where)
        return []
    out = []
    for i, ref in enumerate(refs):
        at = data.at("events", index, "sources", i)
        if isinstance(ref, str) and ref.strip():
            out.append(SourceRef(ref.strip().lstrip("@"), at))
        elif isinstance(ref, dict) and isinstance(ref.get("key"), str):
            for key in ref:
                if key not in SOURCE_REF_KEYS:
                    problems.error(
                        f"unknown key '{key}' in a source reference (use key, locator, quote)",
                        data.at("events", index, "sources", i, key),
                    )
            out.append(
                SourceRef(
                    ref["key"].strip().lstrip("@"),
                    at,
                    str(ref.get("locator") or "").strip(),
                    str(ref.get("quote") or "").strip(),
                )
            )
        else:
            problems.error(
                "a source reference is a key, or a mapping with 'key' (and optional "
                "'locator', 'quote')",
                at,
            )
    return out
