"""Everything Sampark holds about one person (the DPDP Act's right of access), gathered from the apps.

Each app registers the sections it holds from its ``AppConfig.ready`` (as it registers its timed
work in core.jobs), so no low layer imports the apps above it. A section names the
``"app_label.Model.field"`` foreign keys to the person that it covers; tests/test_my_data.py fails
when a model gains a key to a person that no section covers and no reason excuses."""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    collect: Callable[[object], list[dict]]
    covers: tuple[str, ...]


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, label, collect: Callable[[object], list[dict]], *,
                     covers: Iterable[str] = ()) -> None:
    """``label`` names the section to the person (lazily translated); ``collect(person)`` returns the section's items, each a flat dict of plain values, only the
    person's own; registering the same name again replaces it."""
    _SECTIONS[name] = Section(name, label, collect, tuple(covers))


def registered_sections() -> dict[str, Section]:
    return dict(_SECTIONS)


def collect(person) -> dict[str, list[dict]]:
    return {name: section.collect(person) for name, section in _SECTIONS.items()}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return value
    return value


def as_json(data: dict[str, list[dict]]) -> str:
    """UTF-8 text with Devanagari as itself, not as \\u escapes."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain)


def columns_and_rows(data: dict[str, list[dict]]) -> tuple[list[str], Iterator[list]]:
    """One row per item, the first column naming its section; the other columns are the union of the
    items' keys, in the order first seen. Nested values (a report's values) are written as JSON."""
    keys: list[str] = []
    for items in data.values():
        for item in items:
            keys.extend(k for k in item if k not in keys)

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, default=_plain)
        return _plain(value)

    def rows():
        for name, items in data.items():
            for item in items:
                yield [name] + [cell(item.get(k)) for k in keys]

    return ["section", *keys], rows()
