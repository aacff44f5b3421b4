"""The difficulties API: raise (idempotent), read with history, answer, reopen, confirm; 404 outside
visibility. The clock is moved by running tick() with an explicit ``now``."""

import uuid
from datetime import timedelta

from django.utils import timezone

from sampark.difficulties.jobs import tick
from sampark.difficulties.models import Difficulty


def post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def raise_one(client, world, api_as, **over):
    body = {"id": str(uuid.uuid4()), "unit": world.gaya_booth.pk, "category": "training",
            "text": "नए सदस्यों को प्रशिक्षण कब मिलेगा?"} | over
    return body, post(client, "/api/v1/difficulties", api_as(world.gaya_worker), body)


def test_raise_is_idempotent_and_conflicts_on_another_body(client, world, api_as):
    body, r = raise_one(client, world, api_as)
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["status"] == "open" and first["level"] == "shakti_kendra"
    assert first["handling_unit"]["id"] == world.gaya_booth.parent_id
    assert [e["kind"] for e in first["history"]] == ["raised"]
    again = post(client, "/api/v1/difficulties", api_as(world.gaya_worker), body)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    other = post(client, "/api/v1/difficulties", api_as(world.gaya_worker), body | {"text": "कुछ और"})
    assert other.status_code == 409 and other.json()["detail"]
    assert Difficulty.objects.count() == 1


def test_bad_input_gets_a_clear_message_not_a_500(client, world, api_as):
    h = api_as(world.gaya_worker)
    _, r = raise_one(client, world, api_as, category="nonsense")
    assert r.status_code == 400 and r.json()["detail"]
    _, r = raise_one(client, world, api_as, text="  ")
    assert r.status_code == 400
    _, r = raise_one(client, world, api_as, link="javascript:alert(1)")
    assert r.status_code == 400
    r = post(client, "/api/v1/difficulties", h, {"id": "not-a-uuid", "unit": 1, "category": "x", "text": "x"})
    assert r.status_code == 422
    # Raising in Patna from Gaya: the unit is not visible, so 404.
    _, r = raise_one(client, world, api_as, unit=world.patna_booth.pk)
    assert r.status_code == 404
    # Visible but no post there (the district above the booth): 403 with a reason.
    _, r = raise_one(client, world, api_as, unit=world.gaya.pk)
    assert r.status_code == 404 or r.status_code == 403
    assert Difficulty.objects.count() == 0


def test_escalates_then_answered_reopened_and_confirmed(client, world, api_as):
    _, r = raise_one(client, world, api_as)
    did = r.json()["id"]
    url = f"/api/v1/difficulties/{did}"
    now = timezone.now()
    tick(now + timedelta(hours=25))
    tick(now + timedelta(hours=50))
    seen = client.get(url, **api_as(world.gaya_worker)).json()
    assert seen["level"] == "assembly" and seen["escalations"] == 2
    assert [(e["kind"], e["to_unit"]["level"]) for e in seen["history"][1:]] == [
        ("escalated", "mandal"), ("escalated", "assembly")]
    assert seen["can_act"] is False

    # The worker cannot answer their own; the Gaya coordinator can.
    assert post(client, url + "/answer", api_as(world.gaya_worker), {"text": "x"}).status_code == 403
    coord = client.get(url, **api_as(world.gaya_coord)).json()
    assert coord["can_act"] is True
    r = post(client, url + "/answer", api_as(world.gaya_coord), {"text": "रविवार को ज़िला कार्यालय में प्रशिक्षण"})
    assert r.status_code == 200 and r.json()["status"] == "answered"

    r = post(client, url + "/reopen", api_as(world.gaya_worker), {"rating": 9})
    assert r.status_code == 400
    r = post(client, url + "/reopen", api_as(world.gaya_worker), {"rating": 2, "text": "समय नहीं बताया"})
    assert r.status_code == 200 and r.json()["status"] == "reopened" and r.json()["level"] == "assembly"
    post(client, url + "/answer", api_as(world.gaya_coord), {"text": "सुबह 10 बजे"})
    r = post(client, url + "/confirm", api_as(world.gaya_worker), {"rating": 4})
    assert r.status_code == 200 and r.json()["status"] == "solved"
    assert [e["kind"] for e in r.json()["history"]] == [
        "raised", "escalated", "escalated", "answered", "reopened", "answered", "solved"]
    assert post(client, url + "/confirm", api_as(world.gaya_worker), {}).status_code == 409


def test_patna_and_up_get_404_for_gayas_difficulty(client, world, api_as):
    _, r = raise_one(client, world, api_as)
    url = "/api/v1/difficulties/" + r.json()["id"]
    for outsider in (world.patna_coord, world.patna_worker, world.up_coord):
        h = api_as(outsider)
        assert client.get(url, **h).status_code == 404
        for action, body in (("/answer", {"text": "x"}), ("/reopen", {"rating": 1}), ("/confirm", {}),
                             ("/request-info", {"text": "x"}), ("/assign", {"person": outsider.pk}),
                             ("/merge", {"ids": []})):
            assert post(client, url + action, h, body).status_code == 404, action
        assert client.get(f"/api/v1/units/{world.gaya.pk}/difficulty-stats", **h).status_code == 404
    assert client.get(f"/api/v1/difficulties/{uuid.uuid4()}", **api_as(world.state_admin)).status_code == 404
    assert client.get("/api/v1/difficulties/nonsense", **api_as(world.state_admin)).status_code == 404
    assert client.get(url, **api_as(world.state_admin)).status_code == 200


def test_lists_mine_and_waiting_and_stats(client, world, api_as):
    _, r = raise_one(client, world, api_as)
    mine = client.get("/api/v1/difficulties", **api_as(world.gaya_worker)).json()
    assert [d["id"] for d in mine["mine"]] == [r.json()["id"]] and mine["waiting"] == []
    # Waiting at the shakti kendra: nobody leads there, so the district coordinator's list is empty
    # until it reaches a unit they lead; after enough timeouts it reaches Gaya itself.
    assert client.get("/api/v1/difficulties", **api_as(world.gaya_coord)).json()["waiting"] == []
    now = timezone.now()
    for h in (25, 50, 100):
        tick(now + timedelta(hours=h))
    waiting = client.get("/api/v1/difficulties", **api_as(world.gaya_coord)).json()["waiting"]
    assert [d["level"] for d in waiting] == ["district"]
    stats = client.get(f"/api/v1/units/{world.bihar.pk}/difficulty-stats", **api_as(world.state_admin)).json()
    assert stats["open"] == 1 and stats["overdue"] == 1 and stats["top_categories"][0]["category"] == "training"
    assert stats["open_by_level"] == [{"level": "district", "open": 1}]


def test_merge_request_info_and_assign_over_the_api(client, world, api_as):
    from sampark.people.models import Role
    from sampark.people.services import add_post, create_person

    _, a = raise_one(client, world, api_as, text="पहली")
    _, b = raise_one(client, world, api_as, text="दूसरी")
    a_url, b_id = "/api/v1/difficulties/" + a.json()["id"], b.json()["id"]
    h = api_as(world.gaya_coord)
    r = post(client, a_url + "/merge", h, {"ids": [b_id]})
    assert r.status_code == 200
    assert client.get("/api/v1/difficulties/" + b_id, **h).json()["merged_into"] == a.json()["id"]
    r = post(client, a_url + "/request-info", h, {"text": "कौन सा गाँव?"})
    assert r.json()["status"] == "info_requested" and r.json()["due_at"] is None
    r = post(client, a_url + "/info", api_as(world.gaya_worker), {"text": "बोधगया"})
    assert r.json()["status"] == "open"
    helper = create_person(None, phone="+919000000077", name_hi="सुनील", name_en="Sunil")
    add_post(None, person=helper, unit=world.gaya_booth, role=Role.WORKER)
    r = post(client, a_url + "/assign", h, {"person": helper.pk, "text": "देखें"})
    assert r.status_code == 200 and r.json()["assigned_to"] == helper.pk
    waiting = client.get("/api/v1/difficulties", **api_as(helper)).json()["waiting"]
    assert [d["id"] for d in waiting] == [a.json()["id"]]
    r = post(client, a_url + "/answer", api_as(helper), {"text": "हो गया"})
    assert r.status_code == 200
    assert client.get("/api/v1/difficulties/" + b_id, **h).json()["status"] == "answered"


def test_openapi_describes_the_difficulty_endpoints(client, world):
    spec = client.get("/api/v1/openapi.json").json()
    for p in ("/api/v1/difficulties", "/api/v1/difficulties/{difficulty_id}",
              "/api/v1/difficulties/{difficulty_id}/answer", "/api/v1/difficulties/{difficulty_id}/reopen",
              "/api/v1/difficulties/{difficulty_id}/confirm"):
        assert p in spec["paths"], p
