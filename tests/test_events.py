"""Events: organise, invite (a directive without acknowledgement to the audience), see, cancel; bad
input named in the user's language; 404 outside visibility."""

import uuid
from datetime import timedelta

from django.utils import timezone

from sampark.directives import selectors as directive_selectors
from sampark.events.models import Event


def post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def body_for(world, **over):
    start = timezone.now() + timedelta(days=2)
    return {"title": "सोशल मीडिया कार्यशाला", "kind": "workshop", "unit": world.patna.pk,
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=6)).isoformat(),
            "venue": "ज़िला कार्यालय, पटना", "audience_unit": world.patna.pk} | over


def test_create_invites_the_audience_through_their_inbox(client, world, api_as):
    body = body_for(world, client_uuid=str(uuid.uuid4()))
    r = post(client, "/api/v1/events", api_as(world.patna_coord), body)
    assert r.status_code == 201, r.content
    event = r.json()
    assert event["status"] == "published" and event["kind"] == "workshop" and event["invitation"]
    inbox = directive_selectors.inbox(world.patna_worker)
    invitation = next(d for d in inbox if d.pk == event["invitation"])
    assert not invitation.requires_ack and f"/events/{event['id']}/" in invitation.body
    # The worker in the audience sees the event; Gaya's people do not (404).
    assert client.get(f"/api/v1/events/{event['id']}", **api_as(world.patna_worker)).status_code == 200
    assert client.get(f"/api/v1/events/{event['id']}", **api_as(world.gaya_coord)).status_code == 404
    assert client.get(f"/api/v1/events/{event['id']}", **api_as(world.gaya_worker)).status_code == 404
    # A retry with the same id is the same event; with other content 409.
    again = post(client, "/api/v1/events", api_as(world.patna_coord), body)
    assert again.status_code == 200 and again.json()["id"] == event["id"]
    other = post(client, "/api/v1/events", api_as(world.patna_coord), body | {"title": "दूसरा"})
    assert other.status_code == 409
    assert Event.objects.count() == 1


def test_a_state_event_reaches_every_district_below(client, world, api_as):
    r = post(client, "/api/v1/events", api_as(world.state_admin), body_for(world, unit=world.bihar.pk,
                                                                          audience_unit=world.bihar.pk))
    assert r.status_code == 201, r.content
    eid = r.json()["id"]
    for p in (world.patna_worker, world.gaya_worker, world.gaya_coord):
        assert client.get(f"/api/v1/events/{eid}", **api_as(p)).status_code == 200
    assert client.get(f"/api/v1/events/{eid}", **api_as(world.up_coord)).status_code == 404
    listed = client.get("/api/v1/events", **api_as(world.gaya_worker)).json()
    assert [e["id"] for e in listed["upcoming"]] == [eid]


def test_bad_input_is_named_in_hindi(client, world, api_as):
    h = api_as(world.patna_coord) | {"HTTP_ACCEPT_LANGUAGE": "hi"}
    start = timezone.now() + timedelta(days=1)
    r = post(client, "/api/v1/events", h, body_for(world, ends_at=(start - timedelta(days=2)).isoformat()))
    assert r.status_code == 422 and "ends_at" in r.json()["errors"]
    r = post(client, "/api/v1/events", h, body_for(world, kind="picnic"))
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    r = post(client, "/api/v1/events", h, body_for(world, title="   "))
    assert r.status_code == 422 and r.json()["errors"]["title"]
    # Organising in another district: 404; a worker cannot organise at the district: 403.
    assert post(client, "/api/v1/events", h, body_for(world, unit=world.gaya.pk)).status_code == 404
    r = post(client, "/api/v1/events", api_as(world.patna_worker),
             body_for(world, unit=world.patna_booth.pk, audience_unit=None))
    assert r.status_code == 403
    # The audience must lie below the organiser.
    r = post(client, "/api/v1/events", api_as(world.state_admin), body_for(world, audience_unit=world.bihar.pk))
    assert r.status_code == 422 and "audience_unit" in r.json()["errors"]
    assert Event.objects.count() == 0


def test_cancel_withdraws_the_invitation(client, world, api_as):
    eid = post(client, "/api/v1/events", api_as(world.patna_coord), body_for(world)).json()["id"]
    r = post(client, f"/api/v1/events/{eid}/cancel", api_as(world.patna_worker), {})
    assert r.status_code == 403
    r = post(client, f"/api/v1/events/{eid}/cancel", api_as(world.patna_coord), {})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert not [d for d in directive_selectors.inbox(world.patna_worker) if d.title.endswith("कार्यशाला")]


def test_pages_create_and_show_an_event_in_hindi(client, world, login_as):
    login_as(world.patna_coord)
    assert client.get("/events/").status_code == 200
    page = client.get("/events/new/")
    assert page.status_code == 200
    start = timezone.localtime(timezone.now() + timedelta(days=3))
    form = {"title": "बूथ बैठक", "kind": "meeting", "unit": world.patna.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
            "client_uuid": str(uuid.uuid4()), "publish": "1"}
    bad = client.post("/events/new/", form | {"title": ""})
    assert bad.status_code == 400
    r = client.post("/events/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    event = Event.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert "बूथ बैठक" in page and "बैठक" in page
    again = client.post("/events/new/", form)
    assert again.status_code == 302 and Event.objects.count() == 1
    assert event.is_published


def test_a_draft_is_seen_only_by_its_organisers(client, world, api_as):
    r = post(client, "/api/v1/events", api_as(world.patna_coord), body_for(world, publish=False))
    assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["invitation"] is None
    eid = r.json()["id"]
    assert client.get(f"/api/v1/events/{eid}", **api_as(world.state_admin)).status_code == 200
    assert client.get(f"/api/v1/events/{eid}", **api_as(world.patna_worker)).status_code == 404
    r = post(client, f"/api/v1/events/{eid}/publish", api_as(world.patna_coord), {})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert client.get(f"/api/v1/events/{eid}", **api_as(world.patna_worker)).status_code == 200
