"""Export a unit's subtree as the same shapes the import reads (see sampark.org.imports), so an
export re-imports to no change. Callers pass a unit they got through ``visible_to``.

* units: the unit itself (its parent left empty: an importer may not reach it) and every unit
  below, parents before children. A unit without a code is written as ``#<id>``.
* people: one row per active post in the subtree. A phone is masked unless the viewer leads the
  post's unit (or it is the viewer's own), so such a file cannot be re-imported by them.

Rows are generated from one streamed query each, so a state's export keeps memory flat.
"""

from collections.abc import Iterator

from sampark.core import tables
from sampark.org.io import PEOPLE_COLUMNS, UNIT_COLUMNS
from sampark.org.models import Unit
from sampark.people.models import Person, Post
from sampark.people.visibility import can_see_phone

CHUNK = 2000


def unit_ref(unit_id: int, code: str) -> str:
    return code or f"#{unit_id}"


def unit_rows(unit: Unit) -> Iterator[list[str]]:
    rows = (Unit.objects.in_subtree(unit.path).order_by("path")
            .values_list("pk", "level__code", "code", "name_hi", "name_en", "parent_id", "parent__level__code",
                         "parent__code"))
    for pk, level, code, name_hi, name_en, parent_id, parent_level, parent_code in rows.iterator(chunk_size=CHUNK):
        if pk == unit.pk:
            parent_level, parent_ref = "", ""
        else:
            parent_ref = unit_ref(parent_id, parent_code)
        yield [level, unit_ref(pk, code), name_hi, name_en, parent_level, parent_ref]


def people_rows(viewer, unit: Unit) -> Iterator[list[str]]:
    rows = (Post.objects.in_subtree(unit.path).filter(active=True, person__is_active=True)
            .order_by("unit_path", "person__phone", "role", "team")
            .values_list("person_id", "person__phone", "person__name_hi", "person__name_en", "person__lang",
                         "unit_id", "unit__level__code", "unit__code", "unit_path", "role", "team"))
    for person_id, phone, name_hi, name_en, lang, unit_id, level, code, path, role, team in rows.iterator(
            chunk_size=CHUNK):
        if person_id != viewer.pk and not can_see_phone(viewer, path):
            phone = Person(phone=phone).masked_phone
        yield [phone, name_hi, name_en, lang, level, unit_ref(unit_id, code), role, team]


def export_table(viewer, unit: Unit, kind: str) -> tuple[tuple[str, ...], Iterator[list[str]]]:
    """Columns and rows of the export."""
    if kind == "units":
        return UNIT_COLUMNS, unit_rows(unit)
    return PEOPLE_COLUMNS, people_rows(viewer, unit)


def export(viewer, unit: Unit, kind: str, fmt: str):
    """Bytes chunks (csv) or a rewound temporary file (xlsx) holding the export."""
    return tables.table_body(fmt, *export_table(viewer, unit, kind))
