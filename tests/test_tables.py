"""CSV and Excel out and back in (sampark.core.tables): formulas never run, and a round trip keeps
every value."""

import csv
import io

from django.http import FileResponse, StreamingHttpResponse
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sampark.core import tables

EVIL = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_sheet(columns, rows, **kw):
    out = io.BytesIO()
    tables.write_xlsx(columns, rows, out, **kw)
    return load_workbook(io.BytesIO(out.getvalue())).worksheets[0]


def test_formula_cells_are_text_in_csv_and_xlsx():
    data = b"".join(tables.write_csv(["name", "count"], [[v, 3] for v in EVIL]))
    rows = csv_rows(data)
    assert rows[0] == ["name", "count"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in EVIL] and all(r[1] == "3" for r in rows[1:])

    sheet = xlsx_sheet(["name", "count"], [[v, 3] for v in EVIL] + [["पटना", -5]], title="रिपोर्ट")
    assert sheet.title == "रिपोर्ट"
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + EVIL[0] in values and "पटना" in values
    assert -5 in values and 3 in values  # numbers stay numbers, even negative ones


@settings(max_examples=60, deadline=None)
@example(["'=", "''+1", "'plain", "=1"])
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@'\t\rab1 पटना,\";"), max_size=8), min_size=1, max_size=4))
def test_round_trip_keeps_every_value(values):
    values = [tables.cell_text(v) for v in values]  # what reading gives for a cell, before neutralising
    data = b"".join(tables.write_csv(["a"] * len(values), [values]))
    header, back = list(tables.records("x.csv", data))
    assert [tables.unneutralise(tables.cell_text(v)) for v in back] == values

    out = io.BytesIO()
    tables.write_xlsx(["a"] * len(values), [values], out)
    header, back = list(tables.records("x.xlsx", out.getvalue()))
    padded = back + [""] * (len(values) - len(back))
    assert [tables.unneutralise(v) for v in padded[:len(values)]] == values


def test_unneutralise_leaves_a_plain_apostrophe():
    assert tables.unneutralise("'hello") == "'hello"
    assert tables.unneutralise("'=1") == "=1"
    assert tables.neutralise(5) == 5 and tables.neutralise(None) is None


def test_responses_stream_csv_and_send_xlsx_as_a_file():
    r = tables.table_response("x.csv", "csv", ["a"], ([str(i)] for i in range(3)))
    assert isinstance(r, StreamingHttpResponse) and r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert csv_rows(b"".join(r.streaming_content)) == [["a"], ["0"], ["1"], ["2"]]
    r = tables.table_response("x.xlsx", "xlsx", ["a"], [["=1"]])
    assert isinstance(r, FileResponse) and "attachment" in r["Content-Disposition"]
    assert r["Content-Type"] == tables.CONTENT_TYPES["xlsx"]
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).worksheets[0]
    assert sheet["A2"].value == "'=1" and sheet["A2"].data_type == "s"
