"""The dashboard table as CSV or Excel. A cell that a spreadsheet would run as a formula (starting
with = + - @, or a tab or carriage return before one) gets a leading apostrophe, so it stays text."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table(dash) -> tuple[list[str], list[list]]:
    header = [_("Unit (Hindi)"), _("Unit (English)"), _("Code")]
    header += [label for _code, label, _col in dash.measures]
    header += [_("Units below that reported (%)"), _("Silent")]
    rows = []
    for row in dash.children:
        u = row.unit
        line = [u.name_hi, u.name_en, u.code]
        line += [row.values.get(code, 0) for code, _l, _c in dash.measures]
        line += ["" if row.share is None else round(row.share * 100), _("yes") if row.silent else _("no")]
        rows.append(line)
    return header, rows


def to_csv(dash) -> bytes:
    header, rows = table(dash)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([safe_cell(h) for h in header])
    for r in rows:
        w.writerow([safe_cell(c) for c in r])
    # A byte-order mark so that Excel opens the Devanagari as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(dash) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Report")[:31]
    ws.append([safe_cell(h) for h in header_and_rows(dash)[0]])
    for r in header_and_rows(dash)[1]:
        ws.append([safe_cell(c) for c in r])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def header_and_rows(dash):
    cached = getattr(dash, "_table", None)
    if cached is None:
        cached = table(dash)
        dash._table = cached
    return cached
