"""Tables in and out, written once: CSV and Excel (.xlsx) files read into records of text, and rows
written out (as a file or a streamed response).

A cell a spreadsheet would run as a formula (OWASP "CSV injection": starting with = + - @, or a tab
or carriage return) is written with a leading apostrophe, so it stays text; reading drops that
apostrophe again, so an export re-imports to the same values. Both halves of that rule live here.
CSV carries a UTF-8 BOM so that Excel shows Devanagari.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from sampark.core.text import clean

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# An .xlsx is built in memory up to this size, then on disk.
XLSX_IN_MEMORY = 8 * 1024 * 1024
# Rows an export of records (reports, difficulties, a roll-up's units) may hold. CSV streams as it
# is written; an .xlsx is written whole before the first byte goes out (about 6 times slower than
# CSV per row, measured at Bihar scale: bench/bench_difficulties.py), so it is kept smaller.
EXPORT_MAX_ROWS = {"csv": 200_000, "xlsx": 20_000}


def too_many_rows(fmt: str, count: int) -> str | None:
    """A message for the person when an export of ``count`` rows is over the limit, else None."""
    limit = EXPORT_MAX_ROWS[fmt]
    if count <= limit:
        return None
    if fmt == "xlsx" and count <= EXPORT_MAX_ROWS["csv"]:
        return _("{count} rows are too many for Excel (at most {limit}): download CSV, or choose fewer.").format(
            count=count, limit=limit)
    return _("{count} rows are too many (at most {limit}): choose a shorter period or a unit lower down.").format(
        count=count, limit=limit)


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


def _formula_like(value: str) -> bool:
    # Apostrophes already in front count too, so that a value such as "'=" survives a round trip.
    return value.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(value):
    """Text a spreadsheet will show as text: a leading formula character gets an apostrophe.
    Numbers and other values pass unchanged."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo ``neutralise`` so an exported file re-imports to the same values."""
    return value[1:] if value.startswith("'") and _formula_like(value[1:]) else value


# --- writing ------------------------------------------------------------------------------------


def write_csv(columns: Iterable, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel shows Devanagari), one chunk of bytes per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in columns])
    yield b"\xef\xbb\xbf" + out.getvalue().encode()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([neutralise(v) for v in row])
        yield out.getvalue().encode()


def write_xlsx(columns: Iterable, rows: Iterable[Iterable], target, *, title: str | None = None) -> None:
    """A one-sheet workbook written row by row (write-only mode keeps memory flat) to a binary file.
    Text cells are typed as text, never as a formula; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] if title else None)

    def cells(values):
        line = []
        for v in values:
            cell = WriteOnlyCell(sheet, value=neutralise(v))
            if isinstance(v, str):
                cell.data_type = "s"
            line.append(cell)
        return line

    sheet.append(cells(columns))
    for row in rows:
        sheet.append(cells(row))
    book.save(target)


def table_body(fmt: str, columns: Iterable, rows: Iterable[Iterable], *, title: str | None = None):
    """Bytes chunks (csv) or a rewound temporary file (xlsx) holding the table."""
    if fmt == "csv":
        return write_csv(columns, rows)
    if fmt != "xlsx":
        raise ValueError(fmt)
    target = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)
    write_xlsx(columns, rows, target, title=title)
    target.seek(0)
    return target


def table_response(filename: str, fmt: str, columns: Iterable, rows: Iterable[Iterable], *,
                   title: str | None = None):
    """A download of the table: CSV streamed as it is written, .xlsx from its temporary file."""
    body = table_body(fmt, columns, rows, title=title)
    if fmt == "xlsx":
        return FileResponse(body, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- reading ------------------------------------------------------------------------------------


def cell_text(value) -> str:
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
        cells = [cell_text(v) for v in header]
        while cells and not cells[-1]:
            cells.pop()
        yield cells
        # The header row fixes how many columns matter (one more, to notice stray cells).
        for values in sheet.iter_rows(min_row=2, max_col=len(cells) + 1, values_only=True):
            yield [cell_text(v) for v in values]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(_("The Excel file could not be read. Save it again as .xlsx and retry.")) from exc
    finally:
        book.close()


def records(name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> Iterator[list[str]]:
    """Raw records of a CSV or .xlsx file, chosen by the file name and checked against the content.
    Cells are as written: callers clean them and ``unneutralise`` them."""
    lower = (name or "").lower()
    if len(data) > max_bytes:
        raise FileProblem(_("The file is larger than {mb} MB. Split it into smaller files.").format(
            mb=max_bytes // (1024 * 1024)))
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
