"""The coordinators' list of every difficulty in their area: filters, counts per status, pages, the
same over the API, and its export; Gaya's coordinator never sees Patna's."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.core import tables
from sampark.difficulties import selectors
from sampark.difficulties.jobs import tick
from sampark.difficulties.services import answer_difficulty, raise_difficulty

PATNA_TEXT = "पटना में पर्चे नहीं पहुँचे"


def _raise(person, unit, text, category, when):
    d, _ = raise_difficulty(person, id=uuid.uuid4(), unit=unit, category=category, text=text, now=when)
    return d


def escalate_to(d, unit):
    for _ in range(6):
        d.refresh_from_db()
        if d.handling_unit_id == unit.pk:
            return d
        tick(d.due_at + timedelta(seconds=1))
    raise AssertionError("did not reach the unit")


@pytest.fixture
def area(world):
    now = timezone.now()
    esc = escalate_to(_raise(world.gaya_worker, world.gaya_booth, "ऐप में लॉगिन नहीं हो रहा", "technical",
                             now - timedelta(days=2)), world.gaya)
    # Raised after the clock moved: still at the shakti kendra, below the district.
    old = _raise(world.gaya_worker, world.gaya_booth, "पाँच दिन पुरानी प्रशिक्षण की माँग", "training",
                 now - timedelta(days=5))
    new = _raise(world.gaya_worker, world.gaya_booth, "पोस्टर नहीं मिले", "content", now)
    answer_difficulty(world.gaya_coord, new, text="कल आएँगे", now=now)
    patna = _raise(world.patna_worker, world.patna_booth, PATNA_TEXT, "content", now)
    return {"old": old, "esc": esc, "new": new, "patna": patna}


def texts(page) -> list[str]:
    return [d.text for d in page.context["p"].items]


def test_counts_per_status_and_each_filter(world, area, login_as):
    c = login_as(world.gaya_coord)
    r = c.get("/difficulties/area/")
    assert r.status_code == 200
    p = r.context["p"]
    assert p.counts == {"all": 3, "open": 2, "with_me": 1, "below": 1, "answered": 1, "solved": 0}
    html = r.content.decode()
    assert PATNA_TEXT not in html and "पोस्टर नहीं मिले" in html
    assert texts(c.get("/difficulties/area/", {"status": "with_me"})) == ["ऐप में लॉगिन नहीं हो रहा"]
    assert texts(c.get("/difficulties/area/", {"status": "below"})) == ["पाँच दिन पुरानी प्रशिक्षण की माँग"]
    assert texts(c.get("/difficulties/area/", {"status": "answered"})) == ["पोस्टर नहीं मिले"]
    assert texts(c.get("/difficulties/area/", {"category": "training"})) == ["पाँच दिन पुरानी प्रशिक्षण की माँग"]
    assert texts(c.get("/difficulties/area/", {"age": "3"})) == ["पाँच दिन पुरानी प्रशिक्षण की माँग"]
    assert texts(c.get("/difficulties/area/", {"age": "1", "order": "oldest"})) == [
        "पाँच दिन पुरानी प्रशिक्षण की माँग", "ऐप में लॉगिन नहीं हो रहा"]
    assert texts(c.get("/difficulties/area/", {"age": "1"})) == [
        "ऐप में लॉगिन नहीं हो रहा", "पाँच दिन पुरानी प्रशिक्षण की माँग"]
    # The counts follow the other filters.
    assert c.get("/difficulties/area/", {"category": "content"}).context["p"].counts["all"] == 1
    by_unit = c.get("/difficulties/area/", {"unit": world.gaya_ac.pk})
    assert len(texts(by_unit)) == 3 and by_unit.context["unit_crumbs"][-1] == world.gaya_ac
    # The drill-down offers the units below the chosen one.
    assert [u.pk for u in by_unit.context["below"]] == [world.gaya_booth.parent.parent_id]


def test_the_state_admin_sees_both_districts_and_patna_only_its_own(world, area, login_as):
    assert login_as(world.state_admin).get("/difficulties/area/").context["p"].counts["all"] == 4
    r = login_as(world.patna_coord).get("/difficulties/area/")
    assert texts(r) == [PATNA_TEXT] and "पोस्टर" not in r.content.decode()


def test_gaya_gets_404_for_a_patna_unit_and_a_clear_message_for_bad_values(world, area, login_as):
    c = login_as(world.gaya_coord)
    assert c.get("/difficulties/area/", {"unit": world.patna.pk}).status_code == 404
    assert c.get("/difficulties/area/", {"unit": 99_999_999}).status_code == 404
    for bad in ({"status": "maybe"}, {"age": "abc"}, {"age": "0"}, {"order": "up"}, {"page": "x"},
                {"unit": "x"}, {"unit": "9" * 30}):
        r = c.get("/difficulties/area/", bad)
        assert r.status_code == 400 and r.context["error"], bad
    assert c.get("/difficulties/area/", {"category": "nonsense"}).status_code == 404


def test_pages_of_the_list(world, area, login_as, monkeypatch):
    monkeypatch.setattr(selectors, "AREA_PAGE", 2)
    c = login_as(world.gaya_coord)
    first = c.get("/difficulties/area/")
    assert first.context["p"].pages == 2 and len(texts(first)) == 2
    second = c.get("/difficulties/area/", {"page": "2"})
    assert texts(second) == ["पाँच दिन पुरानी प्रशिक्षण की माँग"]
    assert 'rel="prev"' in second.content.decode()
    assert texts(c.get("/difficulties/area/", {"page": "9"})) == []


def test_unit_search_finds_units_in_the_area_only(world, area, login_as):
    c = login_as(world.gaya_coord)
    found = c.get("/difficulties/area/", {"uq": "bodh"}).context["found_units"]
    assert [u.pk for u in found] == [world.gaya_ac.pk]
    assert c.get("/difficulties/area/", {"uq": "bankipur"}).context["found_units"] == []


def test_the_list_costs_a_few_queries(world, area, login_as, django_assert_max_num_queries):
    c = login_as(world.gaya_coord)
    c.get("/difficulties/area/")
    with django_assert_max_num_queries(16):
        c.get("/difficulties/area/", {"unit": world.gaya_ac.pk, "category": "technical", "age": "1"})


def test_the_api_filters_the_same_way(client, world, area, api_as):
    h = api_as(world.gaya_coord)
    r = client.get("/api/v1/difficulties", **h)
    assert r.status_code == 200
    body = r.json()
    assert body["counts"] == {"all": 3, "open": 2, "with_me": 1, "below": 1, "answered": 1, "solved": 0}
    assert {d["text"] for d in body["items"]} == {"पाँच दिन पुरानी प्रशिक्षण की माँग", "ऐप में लॉगिन नहीं हो रहा",
                                                   "पोस्टर नहीं मिले"}
    assert [d["text"] for d in body["waiting"]] == ["ऐप में लॉगिन नहीं हो रहा"]
    r = client.get("/api/v1/difficulties", {"status": "below", "older_than_days": 3, "unit": world.gaya_ac.pk}, **h)
    assert [d["text"] for d in r.json()["items"]] == ["पाँच दिन पुरानी प्रशिक्षण की माँग"]
    assert r.json()["total"] == 1 and r.json()["pages"] == 1
    assert client.get("/api/v1/difficulties", {"unit": world.patna.pk}, **h).status_code == 404
    assert client.get("/api/v1/difficulties", {"unit": 2**31 - 1}, **h).status_code == 404
    unknown = client.get("/api/v1/difficulties", {"category": "nonsense"}, **h)
    assert unknown.status_code == 404 and unknown.json()["detail"]
    bad = client.get("/api/v1/difficulties", {"status": "maybe"}, **h)
    assert bad.status_code == 422 and bad.json()["detail"]
    assert PATNA_TEXT not in client.get("/api/v1/difficulties", **h).content.decode()


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_with_the_same_filters_in_csv_and_excel(world, area, login_as):
    c = login_as(world.gaya_coord)
    r = c.get("/difficulties/area/export.csv", {"status": "open", "order": "oldest"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = _csv_rows(r)
    assert len(rows[0]) == 7 and len(rows) == 3
    assert rows[1][6] == "पाँच दिन पुरानी प्रशिक्षण की माँग" and rows[2][6] == "ऐप में लॉगिन नहीं हो रहा"
    assert rows[1][1] == "गया › बोधगया › मंडल 2 › शक्ति केंद्र 2 › बूथ 2"
    assert rows[2][4].startswith("गया") and rows[2][5]  # waiting with the district, an answer due
    x = c.get("/difficulties/area/export.xlsx", {"status": "open", "order": "oldest"})
    assert x.status_code == 200
    back = list(tables.records("d.xlsx", b"".join(x.streaming_content)))
    assert [r[6] for r in back[1:]] == [rows[1][6], rows[2][6]] and back[0] == rows[0]
    text = "".join(",".join(r) for r in rows)
    assert PATNA_TEXT not in text and "9000000005" not in text and "+91" not in text
    assert c.get("/difficulties/area/export.csv", {"unit": world.patna.pk}).status_code == 404
    assert c.get("/difficulties/area/export.pdf").status_code == 404
    assert c.get("/difficulties/area/export.csv", {"age": "x"}).status_code == 400


def test_an_export_over_the_limit_is_refused_with_a_message(world, area, login_as, monkeypatch):
    monkeypatch.setattr(tables, "EXPORT_MAX_ROWS", {"csv": 2, "xlsx": 1})
    c = login_as(world.gaya_coord)
    too_many = c.get("/difficulties/area/export.csv")
    assert too_many.status_code == 400 and "3" in too_many.content.decode()
    excel = c.get("/difficulties/area/export.xlsx", {"status": "open"}).content.decode()
    assert "CSV" in excel and "Excel" in excel
    assert c.get("/difficulties/area/export.csv", {"status": "open"}).status_code == 200
