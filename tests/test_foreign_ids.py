"""Issue 12 finding 13: a client-made id already held by an object the actor cannot see answers 404,
as anything unseen does (GET of that id answers the same), and writes nothing. It used to answer
409, which told a Patna worker that the id exists in Gaya. An id held by an object the actor can
see (their own, or one in their subtree) is still a plain 409 conflict."""

import io
import json
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from sampark.core.models import AuditEntry
from sampark.difficulties.models import Difficulty, DifficultyEvent
from sampark.reports.models import Report, ReportPhoto, RollupPending


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report(unit, **over):
    return {"id": str(uuid.uuid4()), "unit": unit.pk, "type": "meeting", "date": timezone.localdate().isoformat(),
            "values": {"attendance": 7, "topic": "बैठक"}} | over


def post_json(client, url, headers, payload):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(out, "JPEG")
    out.seek(0)
    out.name = "p.jpg"
    return out


def snapshot():
    return (Report.objects.count(), RollupPending.objects.count(), ReportPhoto.objects.count(),
            Difficulty.objects.count(), DifficultyEvent.objects.count(), AuditEntry.objects.count())


def not_found(r):
    assert r.status_code == 404, (r.status_code, r.content[:300])
    assert r.json() == {"detail": "Not found"}


@pytest.fixture
def gaya(client, world, api_as):
    """A Gaya report with a photo, and a Gaya difficulty, each under a client-made id."""
    h = api_as(world.gaya_worker)
    rep = report(world.gaya_booth)
    assert post_json(client, "/api/v1/reports", h, rep).status_code == 201
    photo = str(uuid.uuid4())
    assert client.post(f"/api/v1/reports/{rep['id']}/photos", {"id": photo, "file": jpeg()}, **h).status_code == 201
    diff = {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "training", "text": "कब?"}
    assert post_json(client, "/api/v1/difficulties", h, diff).status_code == 201
    return {"report": rep["id"], "photo": photo, "difficulty": diff["id"]}


def test_a_gaya_report_id_posted_from_patna_is_not_found(client, world, api_as, gaya):
    h = api_as(world.patna_worker)
    before = snapshot()
    not_found(client.get(f"/api/v1/reports/{gaya['report']}", **h))  # what an unseen id answers anywhere
    not_found(post_json(client, "/api/v1/reports", h, report(world.patna_booth, id=gaya["report"])))
    batch = post_json(client, "/api/v1/reports/batch", h, [report(world.patna_booth, id=gaya["report"])])
    assert batch.status_code == 200
    assert [(i["status"], i["detail"]) for i in batch.json()] == [(404, "Not found")]
    # An invalid body under that id gets the error any fresh id would get, not a conflict.
    fresh = post_json(client, "/api/v1/reports", h, report(world.patna_booth, values={}))
    foreign = post_json(client, "/api/v1/reports", h, report(world.patna_booth, id=gaya["report"], values={}))
    assert (foreign.status_code, foreign.json()) == (fresh.status_code, fresh.json()) == (422, fresh.json())
    assert snapshot() == before


def test_a_visible_id_is_still_a_conflict(client, world, api_as, gaya):
    """The Gaya coordinator sees the Gaya report, so reusing its id with another body is a 409."""
    r = post_json(client, "/api/v1/reports", api_as(world.gaya_coord), report(world.gaya_booth, id=gaya["report"]))
    assert r.status_code == 409


def test_a_gaya_photo_id_posted_from_patna_is_not_found(client, world, api_as, gaya):
    h = api_as(world.patna_worker)
    mine = report(world.patna_booth)
    assert post_json(client, "/api/v1/reports", h, mine).status_code == 201
    before = snapshot()
    r = client.post(f"/api/v1/reports/{mine['id']}/photos", {"id": gaya["photo"], "file": jpeg()}, **h)
    not_found(r)
    assert snapshot() == before
    # Reusing a photo id of a visible report (the worker's own other report) is still a conflict.
    other = report(world.patna_booth)
    assert post_json(client, "/api/v1/reports", h, other).status_code == 201
    pid = str(uuid.uuid4())
    assert client.post(f"/api/v1/reports/{mine['id']}/photos", {"id": pid, "file": jpeg()}, **h).status_code == 201
    assert client.post(f"/api/v1/reports/{other['id']}/photos", {"id": pid, "file": jpeg()}, **h).status_code == 409


def test_a_gaya_difficulty_id_posted_from_patna_is_not_found(client, world, api_as, gaya):
    h = api_as(world.patna_worker)
    before = snapshot()
    not_found(client.get(f"/api/v1/difficulties/{gaya['difficulty']}", **h))
    r = post_json(client, "/api/v1/difficulties", h, {"id": gaya["difficulty"], "unit": world.patna_booth.pk,
                                                      "category": "training", "text": "कब?"})
    not_found(r)
    assert snapshot() == before
    # The Gaya worker's own id with another body stays a conflict.
    r = post_json(client, "/api/v1/difficulties", api_as(world.gaya_worker),
                  {"id": gaya["difficulty"], "unit": world.gaya_booth.pk, "category": "training", "text": "और"})
    assert r.status_code == 409


def test_directive_client_ids_are_per_author(client, world, api_as):
    """A directive's idempotency key is scoped to its author: another leader's key is just a fresh key."""
    key = str(uuid.uuid4())
    body = {"title": "बैठक", "target_unit": world.gaya.pk, "client_uuid": key}
    assert post_json(client, "/api/v1/directives", api_as(world.gaya_coord), body).status_code == 201
    r = post_json(client, "/api/v1/directives", api_as(world.patna_coord), body | {"target_unit": world.patna.pk})
    assert r.status_code == 201
