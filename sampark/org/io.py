"""Tables in and out: CSV and Excel (.xlsx) files read into rows of text, and rows written back out.

Both directions share one shape per kind of file (see ``SHAPES``) so that an export re-imports to
no change. Reading gives every cell as clean text keyed by its header, with the row number a
spreadsheet shows (the header is row 1; empty rows are skipped but still counted). Writing
neutralises cells a spreadsheet would run as a formula, and CSV carries a UTF-8 BOM so that Excel
shows Devanagari.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sampark.core.text import clean

UNIT_COLUMNS = ("level", "code", "name_hi", "name_en", "parent_level", "parent_code")
PEOPLE_COLUMNS = ("phone", "name_hi", "name_en", "lang", "unit_level", "unit_code", "role", "team")
SHAPES = {"units": UNIT_COLUMNS, "people": PEOPLE_COLUMNS}
# Columns a file must have; the others may be left out (read as empty).
REQUIRED = {"units": ("level",), "people": ("phone", "unit_level", "unit_code", "role")}

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
MAX_CELL = 1_000
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


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


def neutralise(value: str) -> str:
    """Text a spreadsheet will show as text: a leading formula character gets an apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """Undo ``neutralise`` so an exported file re-imports to the same values."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def header_key(value: str) -> str:
    return clean(value).casefold().replace(" ", "_").replace("-", "_")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps numbers typed into a cell (codes, phones) as floats
    return clean(str(value))


def _csv_records(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(_("The file is not UTF-8 text. In Excel, save it as \"CSV UTF-8\".")) from exc
    if "\x00" in text:
        raise FileProblem(_("This does not look like a CSV file. Choose a CSV or Excel (.xlsx) file."))
    first = text.split("\n", 1)[0]
    # Excel writes ";" between cells where the comma is the decimal sign; tab-separated files also occur.
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileProblem(_("The CSV file is damaged: {problem}").format(problem=exc)) from exc


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem(_("The Excel file could not be read. Save it again as .xlsx and retry.")) from exc
    try:
        sheet = book.worksheets[0]
        header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=64, values_only=True), ())
        cells = [_cell_text(v) for v in header]
        while cells and not cells[-1]:
            cells.pop()
        yield cells
        # The header row fixes how many columns matter (one more, to notice stray cells).
        for values in sheet.iter_rows(min_row=2, max_col=len(cells) + 1, values_only=True):
            yield [_cell_text(v) for v in values]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(_("The Excel file could not be read. Save it again as .xlsx and retry.")) from exc
    finally:
        book.close()


def records(name: str, data: bytes) -> Iterator[list[str]]:
    """Raw records of a CSV or .xlsx file, chosen by the file name and checked against the content."""
    lower = (name or "").lower()
    if len(data) > MAX_BYTES:
        raise FileProblem(_("The file is larger than {mb} MB. Split it into smaller files.").format(
            mb=MAX_BYTES // (1024 * 1024)))
    if lower.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise FileProblem(_("The Excel file could not be read. Save it again as .xlsx and retry."))
        return _xlsx_records(data)
    if lower.endswith((".csv", ".txt")):
        if data.startswith(b"PK\x03\x04"):
            raise FileProblem(_("This is an Excel file with a .csv name. Rename it to .xlsx or save it as CSV."))
        return _csv_records(data)
    if lower.endswith(".xls"):
        raise FileProblem(_("Old Excel files (.xls) cannot be read. Save it as .xlsx or CSV UTF-8."))
    raise FileProblem(_("Choose a CSV or Excel (.xlsx) file."))


def read_table(kind: str, name: str, data: bytes, max_rows: int | None = None) -> Table:
    """Rows of a file of the given kind, or the problems with its header row (line 1)."""
    max_rows = min(max_rows or MAX_ROWS, MAX_ROWS)
    shape = SHAPES[kind]
    recs = records(name, data)
    header = next(recs, None)
    if header is None or not any(clean(h) for h in header):
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
        cells = [unneutralise(clean(c)) for c in rec]
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


def write_csv(columns: Iterable[str], rows: Iterable[Iterable[str]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel shows Devanagari), one chunk of bytes per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(columns))
    yield b"\xef\xbb\xbf" + out.getvalue().encode()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([neutralise(v) for v in row])
        yield out.getvalue().encode()


def write_xlsx(columns: Iterable[str], rows: Iterable[Iterable[str]], target) -> None:
    """A one-sheet workbook written row by row (write-only mode keeps memory flat) to a binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(columns))
    for row in rows:
        cells = []
        for v in row:
            cell = WriteOnlyCell(sheet, value=neutralise(v))
            cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        sheet.append(cells)
    book.save(target)
