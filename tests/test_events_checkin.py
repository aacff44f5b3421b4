"""Check-in at events (issue 15): derived codes, exactly-once check-ins through the API (a resend and
a second volunteer count a person once), attendance by level, walk-ins, Hindi messages, 404 outside
visibility, the event page and the district dashboard."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.events import checkins, codes, services
from sampark.events.models import Checkin
from sampark.people.models import Person, Post, Role, Team


def post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def make_event(world, organiser, unit, starts_in=timedelta(hours=1), title="कार्यशाला", **extra):
    now = timezone.now()
    event, _ = services.create_event(organiser, unit=unit, title=title, kind="workshop",
                                     starts_at=now + starts_in, ends_at=now + starts_in + timedelta(hours=6),
                                     audience_unit=unit, now=now, **extra)
    return event


def many_members(unit, n):
    people = Person.objects.bulk_create([Person(phone=f"+9170000{i:05d}", name_hi=f"सदस्य {i}", name_en=f"Member {i}")
                                         for i in range(n)])
    Post.objects.bulk_create([Post(person=p, unit=unit, unit_path=unit.path, role=Role.WORKER,
                                   team=Team.ORGANISATION) for p in people])
    return people


@pytest.mark.parametrize("pid", [1, 9, 31, 32, 1023, 12345, 987654, 2**31 - 1])
def test_codes_round_trip_in_any_typing(pid, settings):
    code = codes.code_for(41, pid)
    assert codes.person_id_for(41, code) == pid
    raw = code.replace("-", "")
    typed = " ".join(raw.lower()).replace("0", "o").replace("1", "l")
    assert codes.person_id_for(41, typed) == pid
    # Another event's code, or one wrong character, names nobody.
    with pytest.raises(codes.CodeError):
        codes.person_id_for(42, code)
    wrong = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    with pytest.raises(codes.CodeError):
        codes.person_id_for(41, wrong)


@pytest.mark.parametrize("bad", ["", "   ", "U", "AB", "!!!-???", "X" * 40])
def test_bad_codes_are_refused(bad):
    with pytest.raises(codes.CodeError):
        codes.person_id_for(41, bad)


def test_a_guessed_code_rarely_passes():
    passed = sum(1 for pid in range(1, 2001) for check in ("000", "ZZZ")
                 if codes._check(7, pid) == check)
    assert passed <= 2  # one in 32,768 each


def test_300_check_ins_each_sent_twice_and_by_two_volunteers_count_300(client, world, api_as):
    event = make_event(world, world.patna_coord, world.patna)
    people = many_members(world.patna_booth, 300)
    door = Person.objects.create(phone="+919111111111", name_hi="द्वारपाल", name_en="Door")
    Post.objects.create(person=door, unit=world.patna, unit_path=world.patna.path, role=Role.WORKER)
    coord, other = api_as(world.patna_coord), api_as(door)
    url = f"/api/v1/events/{event.pk}/checkins"
    for i, p in enumerate(people):
        body = {"id": str(uuid.uuid4()), "code": codes.code_for(event.pk, p.pk)}
        first = post(client, url, coord, body)
        assert first.status_code == 201, first.content
        again = post(client, url, coord, body)  # the outbox's resend: the same id
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        if i % 10 == 0:  # another volunteer checks the same person in again, with another id
            dup = post(client, url, other, {"id": str(uuid.uuid4()), "code": codes.code_for(event.pk, p.pk)})
            assert dup.status_code == 200 and not dup.json()["created"]
            assert "पहले ही" in dup.json()["message"]  # "already checked in at HH:MM"
    assert Checkin.objects.filter(event=event).count() == 300
    a = client.get(f"/api/v1/events/{event.pk}/attendance", **coord).json()
    assert a["named"] == 300 and a["total"] == 300 and a["rows"] == [
        {"unit": world.patna.pk, "name": world.patna.name, "count": 300}]


def test_attendance_by_district_assembly_with_walk_ins(client, world, api_as):
    event = make_event(world, world.state_admin, world.bihar)
    h = api_as(world.state_admin)
    url = f"/api/v1/events/{event.pk}/checkins"
    for p in (world.patna_worker, world.gaya_worker):
        assert post(client, url, h, {"id": str(uuid.uuid4()), "code": codes.code_for(event.pk, p.pk)}).status_code == 201
    # By phone number, in the form people type it.
    r = post(client, url, h, {"id": str(uuid.uuid4()), "phone": "090000 00002"})
    assert r.status_code == 201 and r.json()["person"] == world.patna_coord.pk
    # By id (found by name search).
    r = post(client, url, h, {"id": str(uuid.uuid4()), "person": world.gaya_coord.pk})
    assert r.status_code == 201 and r.json()["method"] == "name"
    for n in (5, 2):
        assert post(client, url, h, {"id": str(uuid.uuid4()), "walk_ins": n}).status_code == 201
    by_district = client.get(f"/api/v1/events/{event.pk}/attendance?by=district", **h).json()
    assert {r["name"]: r["count"] for r in by_district["rows"]} == {world.patna.name: 2, world.gaya.name: 2}
    assert (by_district["named"], by_district["walk_ins"], by_district["total"]) == (4, 7, 11)
    by_assembly = client.get(f"/api/v1/events/{event.pk}/attendance?by=assembly", **h).json()
    # The district coordinators sit above the assembly level: one row without a unit.
    assert {r["name"]: r["count"] for r in by_assembly["rows"]} == {
        world.patna_ac.name: 1, world.gaya_ac.name: 1, "": 2}
    assert client.get(f"/api/v1/events/{event.pk}/attendance?by=galaxy", **h).status_code == 422
    # From one district's subtree only (its dashboard): no walk-ins there.
    patna = checkins.attendance(event, "district", within=world.patna.path)
    assert [(r.unit, r.count) for r in patna.rows] == [(world.patna, 2)] and patna.total == 2


def test_bad_input_is_named_in_hindi_and_writes_nothing(client, world, api_as):
    event = make_event(world, world.patna_coord, world.patna)
    h = api_as(world.patna_coord) | {"HTTP_ACCEPT_LANGUAGE": "hi"}
    url = f"/api/v1/events/{event.pk}/checkins"
    cases = [({"code": "7K3-QXA"}, "code"), ({"code": ""}, "code"), ({"phone": "12345"}, "phone"),
             ({"phone": "9888877777"}, "phone"), ({"walk_ins": 0}, "walk_ins"), ({"walk_ins": 10001}, "walk_ins"),
             ({"person": world.gaya_worker.pk}, "person"), ({}, "code"),
             ({"code": codes.code_for(event.pk, world.patna_worker.pk), "walk_ins": 2}, "walk_ins")]
    for body, field in cases:
        r = post(client, url, h, {"id": str(uuid.uuid4())} | body)
        assert r.status_code == 422, (body, r.content)
        message = r.json()["errors"][field]
        assert any("\u0900" <= ch <= "\u097f" for ch in message), message
    # The same id again with other content (after a first that was taken): the first stands.
    cid = str(uuid.uuid4())
    assert post(client, url, h, {"id": cid, "walk_ins": 3}).status_code == 201
    again = post(client, url, h, {"id": cid, "walk_ins": 9})
    assert again.status_code == 200 and again.json()["walk_ins"] == 3
    assert Checkin.objects.count() == 1


def test_who_may_check_in_and_when(client, world, api_as):
    event = make_event(world, world.patna_coord, world.patna)
    url = f"/api/v1/events/{event.pk}/checkins"
    body = {"id": str(uuid.uuid4()), "walk_ins": 1}
    # Gaya sees nothing of a Patna event: 404, for the check-in, the attendance and the pages.
    for p in (world.gaya_coord, world.gaya_worker, world.up_coord):
        assert post(client, url, api_as(p), body).status_code == 404
        assert client.get(f"/api/v1/events/{event.pk}/attendance", **api_as(p)).status_code == 404
    # An invitee who is not posted at the organising unit sees the event but does not check people in.
    h = api_as(world.patna_worker) | {"HTTP_ACCEPT_LANGUAGE": "hi"}
    r = post(client, url, h, body)
    assert r.status_code == 403 and any("\u0900" <= ch <= "\u097f" for ch in r.json()["detail"])
    # Too early, and too late: 409.
    later = make_event(world, world.patna_coord, world.patna, starts_in=timedelta(days=3), title="बाद में")
    r = post(client, f"/api/v1/events/{later.pk}/checkins", api_as(world.patna_coord), body)
    assert r.status_code == 409
    with pytest.raises(services.EventError) as late:
        checkins.check_in(world.patna_coord, event, id=uuid.uuid4(), walk_ins=1,
                          now=event.ends_at + timedelta(hours=25))
    assert late.value.status == 409
    assert Checkin.objects.count() == 0


def test_pages_show_the_code_the_attendance_and_the_dashboard_panel(client, world, login_as):
    event = make_event(world, world.patna_coord, world.patna, title="सोशल मीडिया कार्यशाला")
    checkins.check_in(world.patna_coord, event, id=uuid.uuid4(), code=codes.code_for(event.pk, world.patna_worker.pk))
    checkins.check_in(world.patna_coord, event, id=uuid.uuid4(), walk_ins=4)
    # The invitee sees their code and QR; not the check-in link.
    login_as(world.patna_worker)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert codes.code_for(event.pk, world.patna_worker.pk) in page and "<svg" in page
    assert f"/events/{event.pk}/checkin/" not in page
    assert client.get(f"/events/{event.pk}/checkin/").status_code == 403
    assert client.get(f"/events/{event.pk}/codes/").status_code == 403
    # The organiser: the check-in page, the printable list, the attendance per district.
    login_as(world.patna_coord)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert 'id="attendance"' in page and world.patna.name in page and world.patna_worker.name in page
    assert 'id="attendance-total">5<' in page
    checkin_page = client.get(f"/events/{event.pk}/checkin/")
    assert checkin_page.status_code == 200 and f'data-checkin="{event.pk}"' in checkin_page.content.decode()
    assert "चेक-इन" in checkin_page.content.decode()
    listed = client.get(f"/events/{event.pk}/codes/").content.decode()
    assert codes.code_for(event.pk, world.patna_worker.pk) in listed and world.patna_worker.name in listed
    # The page's own form (no script): a walk-in, then the same id again is taken once.
    cid = str(uuid.uuid4())
    for _ in range(2):
        client.post(f"/events/{event.pk}/checkin/", {"id": cid, "walk_ins": "2"})
    assert checkins.counts(event) == {"people": 1, "walk_ins": 6, "total": 7}
    # The district dashboard shows the event with how many came from the district.
    dash = client.get(f"/reports/units/{world.patna.pk}/").content.decode()
    assert 'id="events-attendance"' in dash and "सोशल मीडिया कार्यशाला" in dash
    # Gaya's dashboard (seen from the state) does not list it.
    login_as(world.state_admin)
    assert "सोशल मीडिया कार्यशाला" not in client.get(f"/reports/units/{world.gaya.pk}/").content.decode()


def test_the_printable_list_goes_page_by_page_and_stays_light(client, world, login_as):
    import gzip

    many_members(world.patna_booth, 120)
    event = make_event(world, world.patna_coord, world.patna)
    login_as(world.patna_coord)
    pages = [client.get(f"/events/{event.pk}/codes/?page={n}") for n in (1, 2, 3)]
    codes_seen = set()
    for r in pages:
        html = r.content.decode()
        found = set(re.findall(r'<code class="checkin-code">([0-9A-Z-]+)</code>', html))
        assert found and not found & codes_seen
        codes_seen |= found
        assert len(gzip.compress(r.content)) < 30 * 1024, len(gzip.compress(r.content))
    # Everyone invited (the 120, the worker at the booth; not the organiser, who sent the invitation).
    assert len(codes_seen) == 121
    assert codes.code_for(event.pk, world.patna_worker.pk) in codes_seen
    weight = len(gzip.compress(client.get(f"/events/{event.pk}/checkin/").content))
    assert weight < 12 * 1024, weight


def test_my_data_holds_my_check_ins(world):
    from sampark.core import mydata

    event = make_event(world, world.patna_coord, world.patna)
    checkins.check_in(world.patna_coord, event, id=uuid.uuid4(), code=codes.code_for(event.pk, world.patna_worker.pk))
    mine = mydata.collect(world.patna_worker)["event_checkins"]
    assert [(r["event"], r["kind"]) for r in mine] == [(event.pk, "attended")]
    made = mydata.collect(world.patna_coord)["event_checkins"]
    assert [(r["kind"], r["person"]) for r in made] == [("checked_in_others", world.patna_worker.pk)]
    assert mydata.collect(world.gaya_worker)["event_checkins"] == []
