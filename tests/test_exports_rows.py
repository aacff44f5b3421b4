"""Exports of rows, not only totals: each report of a subtree (with photo links) and a directive's
roll-up of every unit below, as CSV and Excel; another district's is 404; names, never phones."""

import csv
import io
import uuid

from django.utils import timezone

from sampark.core import tables
from sampark.directives import authoring, jobs, receipts
from sampark.reports import services as report_services
from tests.test_all_routes import jpeg_upload


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[str]]:
    rows = list(tables.records("x.xlsx", body(response)))
    return [r[:len(rows[0])] for r in rows]  # the reader looks one column past the header


def test_each_report_of_a_subtree_with_photo_links(world, login_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    first, _ = report_services.submit_report(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth,
                                             type="meeting", date=today, values={"attendance": 40, "topic": "=1+1"})
    photo, _ = report_services.add_photo(world.gaya_worker, first, photo_id=uuid.uuid4(), upload=jpeg_upload())
    report_services.submit_report(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, type="social_post",
                                  date=today, values={"posts": 3, "platform": "youtube"})
    report_services.submit_report(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                                  date=today, values={"attendance": 9, "topic": "पटना बैठक"})
    c = login_as(world.gaya_coord)
    r = c.get(f"/reports/units/{world.gaya.pk}/reports.csv", {"type": "meeting"})
    assert r.status_code == 200
    rows = csv_rows(r)
    assert rows[0] == ["तारीख", "इकाई", "रिपोर्ट का प्रकार", "रिपोर्ट करने वाले", "उपस्थिति", "विषय", "फ़ोटो"]
    assert len(rows) == 2
    line = rows[1]
    assert line[:5] == [today.isoformat(), "गया › बोधगया › मंडल 2 › शक्ति केंद्र 2 › बूथ 2", "बैठक", "अमल अवस्थी", "40"]
    assert line[5] == "'=1+1"  # a formula stays text
    assert line[6] == f"http://testserver/reports/photos/{photo.pk}/"
    assert c.get(line[6].removeprefix("http://testserver")).status_code == 200  # the link opens the photo
    # Every type: a column per type's field, each saying its type; a choice shows its label.
    every = csv_rows(c.get(f"/reports/units/{world.gaya.pk}/reports.csv"))
    assert "बैठक: उपस्थिति" in every[0] and "सोशल मीडिया पोस्ट: प्लेटफ़ॉर्म" in every[0]
    social = next(r for r in every[1:] if r[2] == "सोशल मीडिया पोस्ट")
    assert social[every[0].index("सोशल मीडिया पोस्ट: प्लेटफ़ॉर्म")] == "यूट्यूब"
    assert social[every[0].index("बैठक: उपस्थिति")] == ""
    text = repr(every)
    assert "पटना" not in text and "9000000005" not in text and "+91" not in text
    # Excel: the same rows back.
    x = c.get(f"/reports/units/{world.gaya.pk}/reports.xlsx", {"type": "meeting"})
    assert x.status_code == 200 and xlsx_rows(x)[:2] == rows
    # Patna's coordinator: 404 for Gaya; their own district only.
    p = login_as(world.patna_coord)
    assert p.get(f"/reports/units/{world.gaya.pk}/reports.csv").status_code == 404
    assert [r[3] for r in csv_rows(p.get(f"/reports/units/{world.patna.pk}/reports.csv"))[1:]] == ["विनोद तावड़े"]
    assert p.get(f"/reports/units/{world.patna.pk}/reports.csv", {"from": "x"}).status_code == 400
    assert p.get(f"/reports/units/{world.patna.pk}/reports.pdf").status_code == 404


def test_a_directives_rollup_of_every_unit_below(world, login_as):
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="बूथ बैठक", requires_ack=True))
    receipts.acknowledge(world.gaya_worker, d)
    receipts.mark_read(world.gaya_coord, d)
    jobs.tick(timezone.now())
    c = login_as(world.state_admin)
    assert f"/directives/{d.pk}/rollup.csv?unit={world.bihar.pk}" in c.get(f"/directives/{d.pk}/rollup/").content.decode()
    rows = csv_rows(c.get(f"/directives/{d.pk}/rollup.csv"))
    assert rows[0] == ["इकाई", "स्तर", "अपेक्षित", "पढ़ लिया", "पढ़ लिया (%)", "पावती दी", "पावती दी (%)"]
    by_unit = {r[0]: r[1:] for r in rows[1:]}
    assert by_unit["बिहार › गया"] == ["ज़िला", "2", "2", "100", "1", "50"]
    assert by_unit["बिहार › गया › बोधगया › मंडल 2 › शक्ति केंद्र 2 › बूथ 2"][1:] == ["1", "1", "100", "1", "100"]
    assert by_unit["बिहार › पटना"][1:] == ["2", "0", "0", "0", "0"]
    assert list(by_unit)[0] == "बिहार"  # parents before children
    assert xlsx_rows(c.get(f"/directives/{d.pk}/rollup.xlsx"))[:3] == rows[:3]
    # Patna's coordinator sees Patna's part only, and 404 for Gaya's.
    p = login_as(world.patna_coord)
    own = csv_rows(p.get(f"/directives/{d.pk}/rollup.csv"))
    assert own[1][0] == "पटना" and not any("गया" in r[0] for r in own)
    assert p.get(f"/directives/{d.pk}/rollup.csv", {"unit": world.gaya.pk}).status_code == 404
    assert p.get(f"/directives/{d.pk}/rollup.json").status_code == 404
