"""Export a unit's subtree as the same shapes the import reads (see sampark.org.imports), so an
export re-imports to no change. Callers pass a unit they got through ``visible_to``.

* units: the unit itself (its parent left empty: an importer may not reach it) and every unit
  below, parents before children. A unit without a code is written as ``#<id>``.
* people: registered by the people app (sampark.people.exports).

Rows are generated from one streamed query each, so a state's export keeps memory flat.
"""

from collections.abc import Callable, Iterator

from django.utils.translation import get_language

from sampark.core import paths, tables
from sampark.core.names import pick
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


class PathNames:
    """Names of the units on a path, from the viewer's top unit above it down, as one text
    ("पटना › बाँकीपुर › बूथ 1"), for exports that stream many rows: the names of the units met are
    fetched a batch at a time (``prepare``) and kept, so a Bihar-wide export asks once per batch.
    ``roots`` are the subtrees the text may start from (the viewer's, or the exported unit's); a path
    under none of them is named by its own unit only, so no name above what the viewer sees leaks."""

    SEPARATOR = " › "

    def __init__(self, roots: list[str], lang: str | None = None):
        self.lang = lang or get_language()  # fixed now: a streamed body is written after the view returns
        self.roots = sorted(roots, key=len, reverse=True)
        self.names: dict[int, str] = {}

    def _ids(self, path: str) -> list[int]:
        root = next((r for r in self.roots if path.startswith(r)), path)
        return paths.ancestor_ids(path)[paths.depth(root):]

    def prepare(self, unit_paths) -> None:
        missing = {i for p in unit_paths for i in self._ids(p)} - self.names.keys()
        if missing:
            for pk, hi, en in Unit.objects.filter(pk__in=missing).values_list("pk", "name_hi", "name_en"):
                self.names[pk] = pick(hi, en, self.lang)

    def text(self, path: str) -> str:
        return self.SEPARATOR.join(self.names.get(i, "") for i in self._ids(path))
