"""Issue 12 finding 9: API errors are JSON in one shape ({"detail": str} plus "errors" {field: message}
for field problems): 401 for a caller with no credentials (it was 403 "CSRF check Failed"), 400 for a
body that is not JSON, 413 for a body over the limit, 422 for fields of the wrong type."""

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from sampark.difficulties.models import Difficulty
from sampark.reports.models import Report

WRITES = [
    ("post", "/api/v1/difficulties"), ("post", "/api/v1/reports"), ("post", "/api/v1/reports/batch"),
    ("post", "/api/v1/directives"), ("post", "/api/v1/directives/1/ack"), ("post", "/api/v1/directives/1/read"),
    ("patch", "/api/v1/directives/1"), ("post", "/api/v1/action-items/1/done"),
]


def only_the_shape(body):
    assert isinstance(body, dict) and isinstance(body["detail"], str) and body["detail"], body
    assert set(body) <= {"detail", "errors"}, body
    if "errors" in body:
        assert body["errors"] and all(isinstance(k, str) and isinstance(v, str) for k, v in body["errors"].items())


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_a_write_without_credentials_is_401_json(db, method, url):
    client = Client(enforce_csrf_checks=True)
    r = getattr(client, method)(url, json.dumps({"id": str(uuid.uuid4())}), content_type="application/json")
    assert r.status_code == 401, (r.status_code, r.content[:200])
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "Unauthorized"}


def test_a_bad_token_is_401_too(db):
    r = Client().post("/api/v1/reports", "{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401 and r.json() == {"detail": "Unauthorized"}


@pytest.fixture
def directive(client, world, api_as):
    """A published directive to the Gaya booth: its ack reads the body itself."""
    admin = api_as(world.state_admin)
    d = client.post("/api/v1/directives", {"title": "बैठक", "target_unit": world.gaya.pk},
                    content_type="application/json", **admin).json()
    assert client.post(f"/api/v1/directives/{d['id']}/publish", **admin).status_code == 200
    return d["id"]


def test_a_body_that_is_not_json_is_400_json(client, world, api_as, directive):
    h = api_as(world.gaya_worker)
    for url in ("/api/v1/difficulties", "/api/v1/reports", "/api/v1/reports/batch", f"/api/v1/directives/{directive}/ack"):
        r = client.post(url, b'{"id": "x", "text": ', content_type="application/json", **h)
        assert r.status_code == 400, (url, r.status_code, r.content[:200])
        only_the_shape(r.json())
    assert not Difficulty.objects.exists() and not Report.objects.exists()


def test_a_body_over_the_limit_is_413_json(client, world, api_as, settings, directive):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    h = api_as(world.gaya_worker)
    big = {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "training", "text": "क" * 3_000}
    for url in ("/api/v1/difficulties", "/api/v1/reports/batch", f"/api/v1/directives/{directive}/ack"):
        r = client.post(url, json.dumps(big if "batch" not in url else [big]), content_type="application/json", **h)
        assert r.status_code == 413, (url, r.status_code, r.content[:200])
        only_the_shape(r.json())
    assert not Difficulty.objects.exists()


def test_field_errors_have_the_documented_shape(client, world, api_as):
    h = api_as(world.gaya_worker)
    r = client.post("/api/v1/difficulties", {"unit": "booth", "category": 3}, content_type="application/json", **h)
    assert r.status_code == 422
    body = r.json()
    only_the_shape(body)
    assert {"id", "unit", "text"} <= set(body["errors"]), body
    r = client.post("/api/v1/reports", json.dumps({"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk,
                                                   "type": "meeting", "date": "2020-13-01", "values": {}}),
                    content_type="application/json", **h)
    assert r.status_code == 422
    only_the_shape(r.json())
    assert "date" in r.json()["errors"]


def test_service_errors_have_the_one_shape(client, world, api_as):
    h = api_as(world.patna_worker)
    r = client.post("/api/v1/directives", {"title": "x", "target_unit": world.patna_booth.pk},
                    content_type="application/json", **h)
    assert r.status_code == 403
    only_the_shape(r.json())
    r = client.post(f"/api/v1/difficulties/{uuid.uuid4()}/answer", {"text": "x"}, content_type="application/json", **h)
    assert r.status_code == 404 and r.json() == {"detail": "Not found"}
    r = client.post(f"/api/v1/difficulties/{uuid.uuid4()}/assign", {"person": 999999},
                    content_type="application/json", **h)
    assert r.status_code == 404 and r.json() == {"detail": "Not found"}
    did = str(uuid.uuid4())
    client.post("/api/v1/difficulties", {"id": did, "unit": world.patna_booth.pk, "category": "training",
                                         "text": "कब?"}, content_type="application/json", **h)
    r = client.post(f"/api/v1/difficulties/{did}/assign", {"person": 999999}, content_type="application/json",
                    **api_as(world.patna_coord))
    assert r.status_code == 400
    only_the_shape(r.json())


def test_a_form_with_too_many_fields_is_413_json(client, world, api_as, settings):
    h = api_as(world.gaya_worker)
    rid = str(uuid.uuid4())
    r = client.post("/api/v1/reports", json.dumps({"id": rid, "unit": world.gaya_booth.pk, "type": "meeting",
                                                   "date": timezone.localdate().isoformat(),
                                                   "values": {"attendance": 3}}),
                    content_type="application/json", **h)
    assert r.status_code == 201, r.content
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    r = client.post(f"/api/v1/reports/{rid}/photos", {f"f{i}": "x" for i in range(10)}, **h)
    assert r.status_code == 413, (r.status_code, r.content[:200])
    only_the_shape(r.json())


def test_an_unknown_api_address_is_a_json_404(client):
    for url in ("/api/v1/nothing-here", "/api/v2/inbox", "/api/"):
        r = client.get(url)
        assert r.status_code == 404 and r["Content-Type"].startswith("application/json"), url
        assert r.json() == {"detail": "Not found"}
