"""The shapes of the tree's import and export files, and reading a file of one shape into rows.

Both directions share one shape per kind of file (see ``SHAPES``) so that an export re-imports to
no change. Reading gives every cell as clean text keyed by its header, with the row number a
spreadsheet shows (the header is row 1; empty rows are skipped but still counted). The files
themselves (CSV and .xlsx, formula neutralising both ways) are sampark.core.tables.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from sampark.core.tables import MAX_BYTES, FileProblem, records, unneutralise
from sampark.core.text import UnsafeText, clean

UNIT_COLUMNS = ("level", "code", "name_hi", "name_en", "parent_level", "parent_code")
PEOPLE_COLUMNS = ("phone", "name_hi", "name_en", "lang", "unit_level", "unit_code", "role", "team")
SHAPES = {"units": UNIT_COLUMNS, "people": PEOPLE_COLUMNS}
# Columns a file must have; the others may be left out (read as empty).
REQUIRED = {"units": ("level",), "people": ("phone", "unit_level", "unit_code", "role")}

MAX_ROWS = 50_000
MAX_CELL = 1_000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError]


def header_key(value: str) -> str:
    return clean(value).casefold().replace(" ", "_").replace("-", "_")


def read_table(kind: str, name: str, data: bytes, max_rows: int | None = None) -> Table:
    """Rows of a file of the given kind, or the problems with its header row (line 1)."""
    max_rows = min(max_rows or MAX_ROWS, MAX_ROWS)
    shape = SHAPES[kind]
    recs = records(name, data, max_bytes=MAX_BYTES)
    header = next(recs, None)
    try:
        empty = header is None or not any(clean(h) for h in header)
    except UnsafeText as exc:
        raise FileProblem(str(exc)) from exc
    if empty:
        raise FileProblem(_("The file is empty. The first row must name the columns: {columns}").format(
            columns=", ".join(shape)))
    columns = [header_key(h) for h in header]
    errors = []
    seen = set()
    for col in columns:
        if not col:
            continue
        if col not in shape:
            errors.append(RowError(1, col[:40], _("Unknown column. The columns are: {columns}").format(
                columns=", ".join(shape))))
        elif col in seen:
            errors.append(RowError(1, col, _("This column appears twice.")))
        seen.add(col)
    for col in REQUIRED[kind]:
        if col not in seen:
            errors.append(RowError(1, col, _("This column is missing.")))
    if kind == "units" and not {"name_hi", "name_en"} & seen:
        errors.append(RowError(1, "name_hi", _("Give a column name_hi or name_en (or both).")))
    if errors:
        return Table(columns, [], errors)

    rows = []
    for line, rec in enumerate(recs, start=2):
        try:
            cells = [unneutralise(clean(c)) for c in rec]
        except UnsafeText as exc:  # e.g. an .xlsx cell holding an escaped lone surrogate
            errors.append(RowError(line, "", str(exc)))
            continue
        if not any(cells):
            continue
        if len(rows) >= max_rows:
            raise FileProblem(_("The file has more than {n} rows. Split it into smaller files.").format(
                n=f"{max_rows:,}"))
        row = {col: "" for col in shape}
        for i, value in enumerate(cells):
            col = columns[i] if i < len(columns) else ""
            if not col:
                if value:
                    errors.append(RowError(line, "", _("This row has more cells than the header row.")))
                    break
                continue
            if len(value) > MAX_CELL:
                errors.append(RowError(line, col, _("This cell is too long.")))
                value = value[:MAX_CELL]
            row[col] = value
        rows.append((line, row))
    return Table(columns, rows, errors)
