"""Issue 12 finding 3 through the API: a lone surrogate ("\\ud800") in any JSON text field answers 422
with a Hindi message and writes nothing (it used to be a 500 on write); bidi overrides and control
characters are dropped; a joiner inside Devanagari is kept."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.core.models import AuditEntry
from sampark.difficulties.models import Difficulty, DifficultyEvent
from sampark.directives.models import Directive, Receipt
from sampark.reports.models import Report, ReportRevision

BAD = "बैठक \ud800 हुई"


def send(client, method, url, headers, payload):
    # json.dumps escapes the lone surrogate as "\ud800", as a phone's JSON library would.
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json", **headers)


def is_hindi(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


def counts():
    return (Directive.objects.count(), Receipt.objects.count(), Report.objects.count(),
            ReportRevision.objects.count(), Difficulty.objects.count(), DifficultyEvent.objects.count(),
            AuditEntry.objects.count())


def refused(r):
    assert r.status_code == 422, (r.status_code, r.content[:300])
    body = r.json()
    assert isinstance(body["detail"], str) and is_hindi(body["detail"]), body
    return body


def directive_body(world, **over):
    return {"title": "बूथ बैठक करें", "body": "रविवार तक", "target_unit": world.bihar.pk,
            "due_at": (timezone.now() + timedelta(days=1)).isoformat(), "teams": ["social_media"]} | over


def report_body(world, **over):
    return {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "type": "meeting",
            "date": timezone.localdate().isoformat(), "values": {"attendance": 5, "topic": "बूथ बैठक"}} | over


@pytest.fixture
def objects(client, world, api_as):
    """A published directive to the booths, a report and a difficulty of the Gaya booth."""
    admin = api_as(world.state_admin)
    d = send(client, "post", "/api/v1/directives", admin, directive_body(world)).json()
    assert client.post(f"/api/v1/directives/{d['id']}/publish", **admin).status_code == 200
    rep = report_body(world)
    assert send(client, "post", "/api/v1/reports", api_as(world.gaya_worker), rep).status_code == 201
    diff = {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "training", "text": "कब?"}
    assert send(client, "post", "/api/v1/difficulties", api_as(world.gaya_worker), diff).status_code == 201
    return {"directive": d["id"], "report": rep["id"], "difficulty": diff["id"]}


def cases(world, o):
    """(who, method, url, body) for every text field the API takes."""
    did, rid, fid = o["directive"], o["report"], o["difficulty"]
    raise_ = {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "training", "text": "ठीक"}
    return [
        ("state_admin", "post", "/api/v1/directives", directive_body(world, title=BAD)),
        ("state_admin", "post", "/api/v1/directives", directive_body(world, body=BAD)),
        ("state_admin", "post", "/api/v1/directives", directive_body(world, required_action=BAD)),
        ("state_admin", "post", "/api/v1/directives", directive_body(world, teams=[BAD])),
        ("state_admin", "post", "/api/v1/directives", directive_body(world, levels=[BAD])),
        ("state_admin", "post", "/api/v1/directives", directive_body(world, priority=BAD)),
        ("state_admin", "patch", f"/api/v1/directives/{did}", {"title": BAD, "body": "x"}),
        ("state_admin", "patch", f"/api/v1/directives/{did}", {"title": "x", "body": BAD}),
        ("gaya_worker", "post", f"/api/v1/directives/{did}/ack", {"reply": BAD}),
        ("gaya_worker", "post", "/api/v1/reports", report_body(world, values={"attendance": 5, "topic": BAD})),
        ("gaya_worker", "post", "/api/v1/reports", report_body(world, values={"attendance": 5, BAD: "x"})),
        ("gaya_worker", "post", "/api/v1/reports", report_body(world, type=BAD)),
        ("gaya_worker", "post", "/api/v1/reports", report_body(world, date=BAD)),
        ("gaya_worker", "post", "/api/v1/reports/batch", [report_body(world, values={"attendance": 5, "topic": BAD})]),
        ("gaya_worker", "patch", f"/api/v1/reports/{rid}", {"values": {"attendance": 6, "topic": BAD}}),
        ("gaya_worker", "patch", f"/api/v1/reports/{rid}", {"values": {"attendance": 6}, "reason": BAD}),
        ("gaya_worker", "post", "/api/v1/difficulties", raise_ | {"text": BAD}),
        ("gaya_worker", "post", "/api/v1/difficulties", raise_ | {"link": "https://x.in/" + BAD}),
        ("gaya_worker", "post", "/api/v1/difficulties", raise_ | {"category": BAD}),
        ("gaya_coord", "post", f"/api/v1/difficulties/{fid}/answer", {"text": BAD}),
        ("gaya_coord", "post", f"/api/v1/difficulties/{fid}/request-info", {"text": BAD}),
        ("gaya_worker", "post", f"/api/v1/difficulties/{fid}/info", {"text": BAD}),
        ("gaya_coord", "post", f"/api/v1/difficulties/{fid}/assign", {"person": world.gaya_coord.pk, "text": BAD}),
        ("gaya_worker", "post", f"/api/v1/difficulties/{fid}/reopen", {"rating": 1, "text": BAD}),
        ("gaya_worker", "post", f"/api/v1/difficulties/{fid}/confirm", {"rating": 4, "text": BAD}),
    ]


def test_a_lone_surrogate_in_any_text_field_is_a_hindi_422_and_writes_nothing(client, world, api_as, objects):
    headers = {who: api_as(getattr(world, who)) for who in ("state_admin", "gaya_worker", "gaya_coord")}
    before = counts()
    for who, method, url, payload in cases(world, objects):
        r = send(client, method, url, headers[who], payload)
        refused(r)
        assert counts() == before, (method, url, payload)
    assert Report.objects.get().values["topic"] == "बूथ बैठक"


def test_the_service_refuses_too_when_called_without_the_api(world):
    """clean() itself refuses, so a caller other than the API (an import, a page) gets the same error."""
    from sampark.core.text import UnsafeText
    from sampark.difficulties import services

    with pytest.raises(UnsafeText):
        services.raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category="training",
                                  text=BAD, now=timezone.now())
    assert not Difficulty.objects.exists()


def test_bidi_overrides_and_controls_are_dropped_and_a_devanagari_joiner_is_kept(client, world, api_as):
    r = send(client, "post", "/api/v1/directives", api_as(world.state_admin),
             directive_body(world, title="\u202eबैठक\u202c\x00 करें\u2066", body="a\x01b\u200dc"))
    assert r.status_code == 201, r.content
    d = Directive.objects.get()
    assert (d.title, d.body) == ("बैठक करें", "abc")
    joined = "क्\u200dष"
    r = send(client, "post", "/api/v1/difficulties", api_as(world.gaya_worker),
             {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "training", "text": f"{joined} \u200d"})
    assert r.status_code == 201, r.content
    assert Difficulty.objects.get().text == joined


def test_a_page_form_cannot_carry_a_lone_surrogate(client, world, login_as):
    """Pages take form posts, which Django decodes with replacement: the UTF-8 bytes of a lone
    surrogate arrive as U+FFFD, never as a surrogate, so a page cannot reach the 500 either."""
    login_as(world.gaya_worker)
    did = str(uuid.uuid4())
    raw = f"id={did}&unit={world.gaya_booth.pk}&category=content&text=%E0%A4%95%ED%A0%80%E0%A4%96"
    r = client.post("/difficulties/new/", raw, content_type="application/x-www-form-urlencoded")
    assert r.status_code < 500
    stored = Difficulty.objects.filter(pk=did).values_list("text", flat=True).first() or ""
    assert not any("\ud800" <= ch <= "\udfff" for ch in stored)
