"""Dashboards, the map and exports read the folded roll-ups, and follow visibility."""

import csv
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sampark.org.services import rename_unit
from sampark.reports import jobs
from sampark.reports.services import correct_report, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(world):
    """Give the world's districts and constituency their real census and ECI codes, as the demo does."""
    rename_unit(None, world.patna, name_hi="पटना", name_en="Patna", code="230")
    rename_unit(None, world.gaya, name_hi="गया", name_en="Gaya", code="236")
    rename_unit(None, world.gaya_ac, name_hi="बोधगया", name_en="Bodh Gaya", code="229")
    return world


@pytest.fixture
def gaya_report(coded):
    w = coded
    report, _ = submit_report(w.gaya_worker, id=uuid.uuid4(), unit=w.gaya_booth, type="meeting",
                              date=timezone.localdate(), values={"attendance": 37})
    jobs.tick(timezone.now())
    return report


def test_gaya_and_bihar_dashboards_show_the_report(login_as, gaya_report, coded):
    w = coded
    c = login_as(w.gaya_coord)
    r = c.get(f"/reports/units/{w.gaya.pk}/?type=meeting")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-measure="reports">' in html and "उपस्थिति: 37" in html
    assert "<svg" in html and "<rect" in html
    c = login_as(w.state_admin)
    html = c.get(f"/reports/units/{w.bihar.pk}/?type=meeting").content.decode()
    assert "उपस्थिति: 37" in html
    # Gaya ranks first, and half of Bihar's districts reported; Patna is silent.
    table = html.split('id="children"')[1]
    assert table.index("गया") < table.index("पटना")
    assert "2 में से 1" in html or "1 of 2" in html or "(50%)" in html
    silent = html.split('id="silent-list"')[1]
    assert "पटना" in silent and "गया" not in silent.split("</ul>")[0]
    # Drill down: the child's name links to its own dashboard.
    assert f'href="/reports/units/{w.gaya.pk}/?type=meeting"' in html


def test_bihar_map_shades_gaya(login_as, gaya_report, coded):
    w = coded
    html = login_as(w.state_admin).get(f"/reports/units/{w.bihar.pk}/map/?type=meeting&measure=attendance").content.decode()
    assert html.count("<path") == 38  # every district of Bihar is drawn
    m = re.search(rf'data-unit="{w.gaya.pk}" data-value="(\d+)"', html)
    assert m and m.group(1) == "37"
    assert re.search(rf'data-unit="{w.patna.pk}" data-value="0"', html)
    assert "गया" in html and "पटना" in html  # Hindi labels
    assert "भागलपुर" in html  # a district with no unit here is still drawn and named
    # A district's map shows its constituencies.
    html = login_as(w.gaya_coord).get(f"/reports/units/{w.gaya.pk}/map/").content.decode()
    assert html.count("<path") == 1 and f'data-unit="{w.gaya_ac.pk}" data-value="1"' in html


def test_patna_gets_404_for_gaya_pages(login_as, gaya_report, coded):
    w = coded
    for person in (w.patna_coord, w.patna_worker, w.up_coord):
        c = login_as(person)
        for url in (f"/reports/units/{w.gaya.pk}/", f"/reports/units/{w.gaya.pk}/map/",
                    f"/reports/units/{w.gaya.pk}/export.csv", f"/reports/r/{gaya_report.pk}/"):
            assert c.get(url).status_code == 404, (person, url)
    html = login_as(w.patna_coord).get(f"/reports/units/{w.patna.pk}/").content.decode()
    assert "गया" not in html


def test_correction_moves_the_dashboard(login_as, gaya_report, coded):
    w = coded
    correct_report(w.gaya_coord, gaya_report, values={"attendance": 50})
    jobs.tick(timezone.now())
    html = login_as(w.state_admin).get(f"/reports/units/{w.bihar.pk}/?type=meeting").content.decode()
    assert "उपस्थिति: 50" in html and "उपस्थिति: 37" not in html


def test_correction_through_the_page(login_as, gaya_report, coded):
    w = coded
    c = login_as(w.gaya_worker)
    r = c.post(f"/reports/r/{gaya_report.pk}/", {"date": timezone.localdate().isoformat(), "attendance": "४५",
                                                   "topic": "", "reason": "recount"})
    assert r.status_code == 302
    page = c.get(f"/reports/r/{gaya_report.pk}/").content.decode()
    assert "recount" in page
    r = c.post(f"/reports/r/{gaya_report.pk}/", {"date": timezone.localdate().isoformat(), "attendance": "x"})
    assert r.status_code == 400


def test_export_neutralises_formulas(login_as, gaya_report, coded):
    w = coded
    rename_unit(None, w.patna, name_hi="=HYPERLINK(\"http://evil\",\"x\")", name_en="+cmd|' /C calc'!A0", code="230")
    c = login_as(w.state_admin)
    r = c.get(f"/reports/units/{w.bihar.pk}/export.csv?type=meeting")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells and "'+cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    gaya_row = next(row for row in rows if row[0] == "गया")
    assert gaya_row[3:5] == ["1", "37"]
    r = c.get(f"/reports/units/{w.bihar.pk}/export.xlsx?type=meeting")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    values = [cell.value for row in ws.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in values
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert 37 in values


def test_dashboard_query_count_is_flat(login_as, coded):
    w = coded
    for i in range(6):
        submit_report(w.gaya_worker, id=uuid.uuid4(), unit=w.gaya_booth, type="meeting",
                      date=timezone.localdate() - timezone.timedelta(days=i), values={"attendance": i})
    jobs.tick(timezone.now())
    c = login_as(w.state_admin)
    url = f"/reports/units/{w.bihar.pk}/?type=meeting"
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for i in range(20):
        submit_report(w.patna_worker, id=uuid.uuid4(), unit=w.patna_booth, type="meeting",
                      date=timezone.localdate() - timezone.timedelta(days=i % 9), values={"attendance": i})
    jobs.tick(timezone.now())
    with CaptureQueriesContext(connection) as many:
        r = c.get(url)
    assert r.status_code == 200
    assert len(many) == len(few) <= 16, [q["sql"] for q in many.captured_queries]


def test_report_form_and_pwa_files(login_as, coded):
    w = coded
    c = login_as(w.gaya_worker)
    r = c.get("/reports/new/")
    assert r.status_code == 200
    html = r.content.decode()
    import json

    data = json.loads(re.search(r'id="report-form-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    names = {t["code"]: t["name"] for t in data["types"]}
    assert names["meeting"] == "बैठक" and names["booth_committee"] == "बूथ समिति गठन"
    assert [u["id"] for u in data["units"]] == [w.gaya_booth.pk]
    sw = c.get("/reports/sw.js")  # the old worker, now retiring itself (tests/test_offline.py)
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    man = c.get("/reports/manifest.webmanifest", follow=True).json()
    assert man["scope"] == "/" and man["start_url"] == "/"
    assert c.get("/reports/").status_code == 200
