"""Issue 13: a leader moves a member out of the part they lead by a transfer request that a leader
of the lowest unit above both places decides. The destination is found by name among the units of
the leader's state: names of places only, never people, counts or activity."""

import json

import pytest
from django.test import Client
from django.utils import translation

from sampark.core.models import AuditEntry, OutboxMessage
from sampark.org.models import Unit
from sampark.people.models import Post, Role, Team, TransferRequest, TransferStatus
from sampark.people.services import PeopleError, add_post, approve_transfer, request_transfer

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def in_unit(person, unit) -> bool:
    return Post.objects.filter(person=person, unit=unit, active=True).exists()


def api(api_as, person):
    headers = api_as(person)
    client = Client()

    def call(method, url, body=None, **query):
        if method == "GET":
            return client.get(API + url, query, **headers)
        return client.post(API + url, json.dumps(body or {}), content_type="application/json", **headers)

    return call


def ask(world, api_as):
    """Patna's coordinator asks to move Patna's booth worker to Gaya's booth."""
    r = api(api_as, world.patna_coord)("POST", "/transfers", {"person": world.patna_worker.pk,
                                                               "to_unit": world.gaya_booth.pk})
    assert r.status_code == 201, r.content
    return r.json()


def test_the_leader_of_a_members_posts_asks_to_move_them_out(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        t = request_transfer(world.patna_coord, world.patna_worker, unit=world.gaya_booth, role=Role.WORKER,
                             team=Team.SOCIAL_MEDIA)
    assert (t.person, t.from_unit, t.to_unit, t.requested_by, t.status) == (
        world.patna_worker, world.patna_booth, world.gaya_booth, world.patna_coord, TransferStatus.PENDING)
    assert t.approver_path == world.bihar.path
    assert in_unit(world.patna_worker, world.patna_booth)  # nothing moves before the decision
    assert AuditEntry.objects.filter(action="transfer.request").count() == 1
    # The state in-charge, who decides, is told (in Hindi, their language); nobody else.
    told = list(OutboxMessage.objects.values_list("to", "body"))
    assert [to for to, _ in told] == [world.state_admin.phone]
    assert "विनोद तावड़े" in told[0][1] and "बूथ 2" in told[0][1] and "निर्णय" in told[0][1]


def test_a_burst_of_requests_tells_the_deciders_once(world, django_capture_on_commit_callbacks):
    def asks(asker, person, unit):
        with django_capture_on_commit_callbacks(execute=True):
            request_transfer(asker, person, unit=unit, role=Role.WORKER)
        return OutboxMessage.objects.count()

    assert asks(world.patna_coord, world.patna_worker, world.gaya_booth) == 1
    assert asks(world.patna_coord, world.patna_worker, world.gaya_ac) == 1  # the same asker's burst
    assert asks(world.patna_coord, world.gaya_worker, world.patna_booth) == 1  # (as an import would)
    assert asks(world.gaya_coord, world.gaya_worker, world.patna_ac) == 2  # another asker: told again


def test_a_move_out_is_asked_only_within_the_state_and_by_who_leads_all_the_posts(world):
    with pytest.raises(PeopleError) as exc:  # another state: not even a name to ask for
        request_transfer(world.patna_coord, world.patna_worker, unit=world.lucknow, role=Role.WORKER)
    assert exc.value.status == 404
    with pytest.raises(PeopleError) as exc:  # a worker leads nothing
        request_transfer(world.patna_worker, world.patna_worker, unit=world.gaya_booth, role=Role.WORKER)
    assert exc.value.status == 404
    with pytest.raises(PeopleError) as exc:  # someone of Gaya is not Patna's to send
        request_transfer(world.patna_coord, world.gaya_worker, unit=world.gaya_ac, role=Role.WORKER)
    assert exc.value.status == 404
    add_post(None, person=world.patna_worker, unit=world.gaya_ac, role=Role.WORKER)
    with pytest.raises(PeopleError) as exc:  # one of the posts lies outside Patna
        request_transfer(world.patna_coord, world.patna_worker, unit=world.gaya_booth, role=Role.WORKER)
    assert exc.value.status == 403
    assert not TransferRequest.objects.exists()


def test_destinations_are_names_of_places_of_the_state_only(world, api_as):
    call = api(api_as, world.patna_coord)
    for q, expected in (("gaya", {world.gaya, world.gaya_ac}), ("गया", {world.gaya, world.gaya_ac}),
                        ("Bodh Gaya", {world.gaya_ac})):
        found = call("GET", "/transfers/destinations", q=q).json()
        assert {u["id"] for u in found} >= {u.pk for u in expected}, q
        for u in found:
            assert set(u) == {"id", "name_hi", "name_en", "level", "label"}  # no counts, people or activity
            assert set(u["level"]) == {"code", "name_hi", "name_en"}
    by_id = {u["id"]: u for u in call("GET", "/transfers/destinations", q="gaya").json()}
    assert by_id[world.gaya_ac.pk]["label"] == "बोधगया · गया"
    # Inside a unit: its children, down to the booths, each with its place.
    sk = Unit.objects.get(parent__parent=world.gaya_ac)
    booths = call("GET", "/transfers/destinations", under=sk.pk).json()
    assert [(u["id"], u["label"]) for u in booths] == [
        (world.gaya_booth.pk, "बूथ 2 · शक्ति केंद्र 2 · मंडल 2 · बोधगया · गया")]
    assert [u["id"] for u in call("GET", "/transfers/destinations", q="booth", under=world.gaya.pk).json()] == [
        world.gaya_booth.pk]
    # Another state's places are neither found nor opened.
    assert call("GET", "/transfers/destinations", q="lucknow").json() == []
    assert call("GET", "/transfers/destinations", under=world.lucknow.pk).status_code == 404
    assert api(api_as, world.up_coord)("GET", "/transfers/destinations", q="gaya").json() == []
    # Nor does anyone who leads nothing find a place.
    assert api(api_as, world.patna_worker)("GET", "/transfers/destinations", q="gaya").json() == []
    text = call("GET", "/transfers/destinations", q="booth").content.decode()
    assert "Amal" not in text and "member_count" not in text and "9000000005" not in text


def test_the_lowest_leader_above_both_approves_and_the_post_moves(world, api_as):
    units = [world.patna_booth, world.patna, world.gaya_booth, world.gaya, world.bihar]
    before = dict(Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("pk", "member_count"))
    asked = ask(world, api_as)
    assert (asked["status"], asked["role"], asked["team"]) == ("pending", "worker", "social_media")  # the post's
    assert asked["asked_by_me"] and not asked["can_decide"]
    assert asked["to_unit"]["label"] == "बूथ 2 · शक्ति केंद्र 2 · मंडल 2 · बोधगया · गया"
    # The Patna coordinator cannot decide what they asked (403, they see it); others see nothing (404).
    assert api(api_as, world.patna_coord)("POST", f"/transfers/{asked['id']}/approve").status_code == 403
    for other in (world.gaya_coord, world.up_coord, world.gaya_worker):
        call = api(api_as, other)
        assert call("POST", f"/transfers/{asked['id']}/approve").status_code == 404
        assert call("POST", f"/transfers/{asked['id']}/reject").status_code == 404
        assert call("GET", "/transfers").json() == []
    admin = api(api_as, world.state_admin)
    waiting = admin("GET", "/transfers").json()
    assert [(t["id"], t["can_decide"], t["person_name"]) for t in waiting] == [(asked["id"], True, "विनोद तावड़े")]
    r = admin("POST", f"/transfers/{asked['id']}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    old = Post.objects.get(person=world.patna_worker, unit=world.patna_booth)
    assert not old.active and old.ended_at is not None  # ended, kept in the history
    new = Post.objects.get(person=world.patna_worker, active=True)
    assert (new.unit, new.role, new.team) == (world.gaya_booth, Role.WORKER, Team.SOCIAL_MEDIA)
    after = dict(Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("pk", "member_count"))
    assert after == {world.patna_booth.pk: before[world.patna_booth.pk] - 1, world.patna.pk: before[world.patna.pk] - 1,
                     world.gaya_booth.pk: before[world.gaya_booth.pk] + 1, world.gaya.pk: before[world.gaya.pk] + 1,
                     world.bihar.pk: before[world.bihar.pk]}
    # Twice: 409, nothing more moves.
    again = admin("POST", f"/transfers/{asked['id']}/approve")
    assert again.status_code == 409 and set(again.json()) == {"detail"}
    assert admin("POST", f"/transfers/{asked['id']}/reject").status_code == 409
    assert Post.objects.filter(person=world.patna_worker).count() == 2
    # The one who asked sees the outcome (no longer the person's name: they are Gaya's now).
    mine = api(api_as, world.patna_coord)("GET", "/transfers").json()
    assert [(t["status"], t["person_name"], t["from_unit"] is not None) for t in mine] == [("approved", None, True)]
    # Gaya's coordinator, where the member came, sees it too; it is not theirs to decide.
    theirs = api(api_as, world.gaya_coord)("GET", "/transfers").json()
    assert [(t["id"], t["person_name"], t["can_decide"]) for t in theirs] == [(asked["id"], "विनोद तावड़े", False)]


def test_a_rejected_move_leaves_the_member_where_they_are(world, api_as):
    asked = ask(world, api_as)
    r = api(api_as, world.state_admin)("POST", f"/transfers/{asked['id']}/reject")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert in_unit(world.patna_worker, world.patna_booth) and not in_unit(world.patna_worker, world.gaya_booth)
    assert api(api_as, world.state_admin)("POST", f"/transfers/{asked['id']}/approve").status_code == 409
    assert api(api_as, world.gaya_coord)("GET", "/transfers").json() == []  # a refusal tells Gaya nothing


def test_asking_again_returns_the_same_waiting_request(world, api_as):
    first, second = ask(world, api_as), ask(world, api_as)
    assert first["id"] == second["id"]
    assert TransferRequest.objects.count() == 1 and AuditEntry.objects.filter(action="transfer.request").count() == 1
    # Another role is another request.
    call = api(api_as, world.patna_coord)
    r = call("POST", "/transfers", {"person": world.patna_worker.pk, "to_unit": world.gaya_booth.pk, "role": "head"})
    assert r.status_code == 201 and r.json()["id"] != first["id"]


def test_the_api_refuses_what_the_caller_cannot_reach(world, api_as):
    call = api(api_as, world.patna_coord)
    for body in ({"person": world.gaya_worker.pk, "to_unit": world.patna_booth.pk},  # a person they cannot see
                 {"person": world.patna_worker.pk, "to_unit": world.lucknow.pk},  # a place of another state
                 {"person": world.patna_worker.pk, "to_unit": 10**12},
                 {"person": 2**63, "to_unit": world.gaya_booth.pk}):
        r = call("POST", "/transfers", body)
        assert r.status_code == 404, body
    r = call("POST", "/transfers", {"person": world.patna_worker.pk, "to_unit": world.gaya_booth.pk, "role": "king"})
    assert r.status_code == 422 and r.json()["detail"] == "यह पद मान्य नहीं है।"
    assert call("POST", "/transfers/999999/approve").status_code == 404
    assert not TransferRequest.objects.exists()


def test_the_pages_ask_and_show_the_outcome(world, login_as):
    c = login_as(world.patna_coord)
    page = c.get(f"/people/{world.patna_worker.pk}/").content.decode()
    assert 'id="transfer-find"' in page and "दूसरे स्थान पर भेजें" in page
    found = c.get(f"/people/{world.patna_worker.pk}/transfer/", {"q": "गया"}).content.decode()
    assert "बोधगया" in found and "यहाँ भेजने का अनुरोध करें" in found and "अमल" not in found
    r = c.post(f"/people/{world.patna_worker.pk}/transfer/", {"to_unit": world.gaya_booth.pk, "role": "worker",
                                                               "team": "social_media"})
    assert r.status_code == 302 and r["Location"] == "/people/transfers/"
    t = TransferRequest.objects.get()
    assert (t.from_unit, t.to_unit) == (world.patna_booth, world.gaya_booth)
    r = c.post(f"/people/{world.patna_worker.pk}/transfer/", {"to_unit": world.lucknow.pk, "role": "worker"})
    assert r.status_code == 404 and TransferRequest.objects.count() == 1
    # The state in-charge is shown it at home and decides.
    admin = login_as(world.state_admin)
    assert "1 स्थानांतरण अनुरोध आपके निर्णय की प्रतीक्षा में है" in admin.get("/").content.decode()
    assert admin.post(f"/people/transfers/{t.pk}/approve/").status_code == 302
    # Gaya's coordinator sees the member who came; Patna's the outcome of what they asked.
    gaya = login_as(world.gaya_coord).get("/people/transfers/").content.decode()
    assert 'id="transfers-came"' in gaya and "विनोद तावड़े" in gaya
    asked = login_as(world.patna_coord).get("/people/transfers/").content.decode()
    assert 'id="transfers-asked"' in asked and "स्वीकृत" in asked


def test_a_gaya_leader_cannot_open_the_chooser_for_patnas_member(world, login_as):
    c = login_as(world.gaya_coord)
    assert c.get(f"/people/{world.patna_worker.pk}/transfer/", {"q": "gaya"}).status_code == 404
    assert c.post(f"/people/{world.patna_worker.pk}/transfer/", {"to_unit": world.gaya_booth.pk,
                                                                  "role": "worker"}).status_code == 404
    assert not TransferRequest.objects.exists()


def test_the_service_asked_twice_returns_the_first_until_it_is_decided(world):
    first = request_transfer(world.patna_coord, world.patna_worker, unit=world.gaya_booth, role=Role.WORKER)
    again = request_transfer(world.patna_coord, world.patna_worker, unit=world.gaya_booth, role=Role.WORKER)
    assert again.pk == first.pk
    approve_transfer(world.state_admin, first)
    third = request_transfer(world.gaya_coord, world.patna_worker, unit=world.gaya_ac, role=Role.WORKER)
    assert third.pk != first.pk  # decided ones do not stand in the way


def test_the_list_costs_the_same_queries_for_one_transfer_or_many(world, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = api(api_as, world.state_admin)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert call("GET", "/transfers").status_code == 200
        return len(ctx.captured_queries)

    request_transfer(world.patna_coord, world.patna_worker, unit=world.gaya_booth, role=Role.WORKER)
    call("GET", "/transfers")  # the first call reads the session and policies
    one = queries()
    request_transfer(world.patna_coord, world.patna_worker, unit=world.gaya_ac, role=Role.HEAD)
    request_transfer(world.gaya_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    assert len(call("GET", "/transfers").json()) == 3
    assert queries() == one
