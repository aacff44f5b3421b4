"""Reports up through the API: submit idempotently, see only what is visible, correct, roll up."""

import io
import json
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from sampark.core.models import AuditEntry
from sampark.reports import jobs, rollups
from sampark.reports.models import Report, ReportDaily, ReportRevision, RollupPending
from tests.personas import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def body(unit, attendance=25, **extra):
    b = {"id": str(uuid.uuid4()), "unit": unit.pk, "type": "meeting", "date": timezone.localdate().isoformat(),
         "values": {"attendance": attendance, "topic": "बूथ बैठक"}}
    b.update(extra)
    return b


def post(client, headers, payload):
    return client.post("/api/v1/reports", json.dumps(payload), content_type="application/json", **headers)


def fold():
    return jobs.tick(timezone.now())


def page_client(person):
    """A separate logged-in page client."""
    from django.test import Client

    return log_in(Client(), person)


def jpeg_bytes(size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(out, "JPEG")
    return out.getvalue()


def test_gaya_worker_meeting_report_appears_once_and_rolls_up(client, world, api_as):
    h = api_as(world.gaya_worker)
    payload = body(world.gaya_booth)
    first = post(client, h, payload)
    assert first.status_code == 201, first.content
    again = post(client, h, payload)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Report.objects.count() == 1
    assert AuditEntry.objects.filter(action="report.submit").count() == 1
    assert fold() == {"folded": 1}
    assert RollupPending.objects.count() == 0

    today = timezone.localdate()
    for viewer, unit in [(world.gaya_coord, world.gaya), (world.state_admin, world.bihar)]:
        r = client.get(f"/api/v1/units/{unit.pk}/rollup?type=meeting&by=child", **api_as(viewer))
        assert r.status_code == 200, r.content
        data = r.json()
        assert data["reports"] == 1 and data["sums"] == {"attendance": 25}
        assert data["from"] <= today.isoformat() <= data["to"]
    bihar = client.get(f"/api/v1/units/{world.bihar.pk}/rollup?type=meeting&by=child",
                       **api_as(world.state_admin)).json()
    by_unit = {c["unit"]: c for c in bihar["children"]}
    assert by_unit[world.gaya.pk]["reports"] == 1 and by_unit[world.gaya.pk]["sums"]["attendance"] == 25
    assert by_unit[world.patna.pk]["reports"] == 0
    # Every ancestor got exactly the one report, and the fold matches a recount.
    assert rollups.current() == rollups.recount()
    assert ReportDaily.objects.filter(unit_id=world.centre.pk, day=today).get().reports == 1


def test_same_id_different_body_is_409(client, world, api_as):
    h = api_as(world.gaya_worker)
    payload = body(world.gaya_booth)
    assert post(client, h, payload).status_code == 201
    changed = dict(payload, values={"attendance": 26})
    r = post(client, h, changed)
    assert r.status_code == 409
    assert r.json()["detail"]
    invalid = dict(payload, values={"attendance": "many"})
    assert post(client, h, invalid).status_code == 409
    assert Report.objects.get().values["attendance"] == 25


def test_patna_people_and_up_get_404_for_gaya_report(client, world, api_as):
    payload = body(world.gaya_booth)
    assert post(client, api_as(world.gaya_worker), payload).status_code == 201
    fold()
    for outsider in (world.patna_worker, world.patna_coord, world.up_coord):
        h = api_as(outsider)
        assert client.get(f"/api/v1/reports/{payload['id']}", **h).status_code == 404
        assert client.get(f"/api/v1/units/{world.gaya.pk}/rollup", **h).status_code == 404
        assert client.patch(f"/api/v1/reports/{payload['id']}", json.dumps({"values": {"attendance": 1}}),
                            content_type="application/json", **h).status_code == 404
    # Patna cannot report for a Gaya unit either: it is not visible to them.
    assert post(client, api_as(world.patna_worker), body(world.gaya_booth)).status_code == 404
    for insider in (world.gaya_worker, world.gaya_coord, world.state_admin):
        assert client.get(f"/api/v1/reports/{payload['id']}", **api_as(insider)).status_code == 200
    # The worker sees only the booth's subtree.
    assert client.get(f"/api/v1/units/{world.gaya.pk}/rollup", **api_as(world.gaya_worker)).status_code == 404


def test_who_may_report(client, world, api_as):
    # A leader above may report for a booth below; a booth worker may not report for the district.
    assert post(client, api_as(world.gaya_coord), body(world.gaya_booth)).status_code == 201
    assert post(client, api_as(world.state_admin), body(world.gaya)).status_code == 201
    r = post(client, api_as(world.gaya_worker), body(world.gaya))
    assert r.status_code == 404  # the district is above the worker: not visible
    # Booth committee is only for booths.
    r = post(client, api_as(world.gaya_coord), body(world.gaya, type="booth_committee", values={"members": 11}))
    assert r.status_code == 422
    assert Report.objects.count() == 2


@pytest.mark.parametrize("values,field", [
    ({}, "attendance"),
    ({"attendance": -1}, "attendance"),
    ({"attendance": "बहुत"}, "attendance"),
    ({"attendance": 5, "colour": "red"}, "colour"),
])
def test_bad_values_get_clear_errors(client, world, api_as, values, field):
    r = post(client, api_as(world.gaya_worker), body(world.gaya_booth, values=values))
    assert r.status_code == 422
    assert field in r.json()["errors"]
    assert Report.objects.count() == 0 and RollupPending.objects.count() == 0


def test_devanagari_digits_and_future_date(client, world, api_as):
    h = api_as(world.gaya_worker)
    r = post(client, h, body(world.gaya_booth, values={"attendance": "४२"}))
    assert r.status_code == 201 and r.json()["values"]["attendance"] == 42
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    r = post(client, h, body(world.gaya_booth, date=future))
    assert r.status_code == 422 and "date" in r.json()["errors"]
    assert post(client, h, body(world.gaya_booth, id="not-a-uuid")).status_code == 422


def test_correction_updates_rollups_and_keeps_history(client, world, api_as):
    payload = body(world.gaya_booth, attendance=25)
    post(client, api_as(world.gaya_worker), payload)
    fold()
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    # The Patna coordinator cannot; the Gaya coordinator (a leader above) can.
    r = client.patch(f"/api/v1/reports/{payload['id']}", json.dumps({"values": {"attendance": 40}, "date": yesterday,
                                                                    "reason": "गिनती सुधारी"}),
                     content_type="application/json", **api_as(world.gaya_coord))
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2 and r.json()["values"]["attendance"] == 40
    fold()
    rev = ReportRevision.objects.get()
    assert rev.values["attendance"] == 25 and rev.version == 1
    assert rollups.current() == rollups.recount()
    data = client.get(f"/api/v1/units/{world.bihar.pk}/rollup?type=meeting", **api_as(world.state_admin)).json()
    assert data["reports"] == 1 and data["sums"]["attendance"] == 40
    today_rows = ReportDaily.objects.filter(unit_id=world.bihar.pk, day=timezone.localdate()).get()
    assert today_rows.reports == 0
    # A worker elsewhere in the subtree who is not the author cannot correct.
    other = post(client, api_as(world.gaya_coord), body(world.gaya_booth))
    r = client.patch(f"/api/v1/reports/{other.json()['id']}", json.dumps({"values": {"attendance": 1}}),
                     content_type="application/json", **api_as(world.gaya_worker))
    assert r.status_code == 403


def test_batch_submit_mixes_outcomes(client, world, api_as):
    good = body(world.gaya_booth)
    bad = body(world.gaya_booth, values={})
    r = client.post("/api/v1/reports/batch", json.dumps([good, bad, good]), content_type="application/json",
                    **api_as(world.gaya_worker))
    assert r.status_code == 200
    assert [i["status"] for i in r.json()] == [201, 422, 200]
    assert Report.objects.count() == 1


def test_photo_upload_strips_and_is_served_only_to_visible(client, world, api_as, media):
    payload = body(world.gaya_booth)
    h = api_as(world.gaya_worker)
    post(client, h, payload)
    pid = str(uuid.uuid4())
    upload = io.BytesIO(jpeg_bytes())
    upload.name = "meeting.jpg"
    r = client.post(f"/api/v1/reports/{payload['id']}/photos", {"id": pid, "file": upload}, **h)
    assert r.status_code == 201, r.content
    photos = r.json()["photos"]
    assert len(photos) == 1 and photos[0]["id"] == pid
    upload.seek(0)
    again = client.post(f"/api/v1/reports/{payload['id']}/photos", {"id": pid, "file": upload}, **h)
    assert again.status_code == 200 and len(again.json()["photos"]) == 1
    url = photos[0]["url"]
    assert not url.startswith("/media")
    # Served through the visibility check only.
    ok = page_client(world.state_admin).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert page_client(world.patna_worker).get(url).status_code == 404
    assert page_client(world.patna_coord).get(url).status_code == 404
