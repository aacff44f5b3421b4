"""Export a unit's subtree as the same shapes the import reads (see sampark.org.imports), so an
export re-imports to no change. Callers pass a unit they got through ``visible_to``.

* units: the unit itself (its parent left empty: an importer may not reach it) and every unit
  below, parents before children. A unit without a code is written as ``#<id>``.
* people: registered by the people app (sampark.people.exports).

Rows are generated from one streamed query each, so a state's export keeps memory flat.
"""

from collections.abc import Callable, Iterator

from sampark.core import tables
from sampark.org.io import UNIT_COLUMNS
from sampark.org.models import Unit

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


# The kinds one can export: {kind: (columns, rows(viewer, unit))}; apps above this one add theirs
# (the people app: "people").
EXPORTS: dict[str, tuple[tuple[str, ...], Callable]] = {"units": (UNIT_COLUMNS, lambda viewer, unit: unit_rows(unit))}


def register_export(kind: str, columns: tuple[str, ...], rows: Callable) -> None:
    EXPORTS[kind] = (columns, rows)


def export_table(viewer, unit: Unit, kind: str, **options) -> tuple[tuple[str, ...], Iterator[list[str]]]:
    """Columns and rows of the export; ``options`` go to the kind's rows (the people kind takes
    ``phones``: full numbers, after the second factor)."""
    columns, rows = EXPORTS[kind]
    return columns, rows(viewer, unit, **options)


def export(viewer, unit: Unit, kind: str, fmt: str, **options):
    """Bytes chunks (csv) or a rewound temporary file (xlsx) holding the export."""
    return tables.table_body(fmt, *export_table(viewer, unit, kind, **options))
