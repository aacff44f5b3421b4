"""Phones masked everywhere, revealed one at a time (logged, capped, the superior told), exported in
full only behind the second factor, found by a whole number within visibility; and a person's
recent activity, each item only where the viewer may open it (issue 13)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from sampark.core import policies
from sampark.core.activity import recent_activity, registered_sources
from sampark.core.audit import AuditEntry
from sampark.core.channels import MemorySMS
from sampark.difficulties import services as difficulty_services
from sampark.directives import authoring as directive_services
from sampark.directives.receipts import acknowledge
from sampark.people import phones
from sampark.people.models import Person, PhoneReveal, Role, mask_phone
from sampark.people.search import phone_query, search_people
from sampark.people.services import add_post, create_person
from sampark.reports import services as report_services
from tests.personas import enrol_authenticator


@pytest.fixture
def cap_of_two():
    policies.set_policy(None, "people.daily_phone_reveals", "2")
    policies.refresh()
    yield 2


def reveal(client, headers, person):
    return client.post(f"/api/v1/people/{person.pk}/phone", **headers)


# --- the mask -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("phone", "masked"), [
    ("+919876543210", "+91 98XXX XX210"),
    ("+916000000123", "+91 60XXX XX123"),
    ("+447911123456", "+44 XXXXXXX456"),   # two-digit country code
    ("+12025550123", "+1 XXXXXXX123"),     # one-digit
    ("+97150123456", "+971 XXXXX456"),     # three-digit
    ("+8613800138000", "+86 XXXXXXXX000"),
    ("", ""),
])
def test_the_mask_keeps_the_country_code_and_the_last_three_digits(phone, masked):
    assert mask_phone(phone) == masked
    assert Person(phone=phone).masked_phone == masked


def test_leaders_see_masked_numbers_by_default_and_everyone_their_own(client, world, login_as, api_as):
    page = login_as(world.patna_coord).get(f"/people/{world.patna_worker.pk}/").content.decode()
    assert "+919000000004" not in page and "90000 00004" not in page and "+91 90XXX XX004" in page
    assert f'action="/people/{world.patna_worker.pk}/phone/"' in page  # the button to reveal it
    own = login_as(world.patna_worker).get(f"/people/{world.patna_worker.pk}/").content.decode()
    assert 'href="tel:+919000000004"' in own and "/phone/" not in own
    me = client.get("/api/v1/me", **api_as(world.patna_worker)).json()
    assert me["phone"] == "+919000000004"


# --- one reveal -----------------------------------------------------------------------------------

def test_a_leader_reveals_a_number_logged_with_ids_only(client, world, api_as):
    r = reveal(client, api_as(world.patna_coord), world.patna_worker)
    assert r.status_code == 200 and r.json() == {"phone": "+919000000004"}
    row = AuditEntry.objects.get(action="person.phone_reveal")
    assert row.actor_id == world.patna_coord.pk and row.object_id == str(world.patna_worker.pk)
    assert "9000000004" not in json.dumps([row.before, row.after])
    assert PhoneReveal.objects.filter(viewer=world.patna_coord, person=world.patna_worker,
                                      kind=PhoneReveal.Kind.REVEAL).count() == 1


def test_the_reveal_is_404_where_the_caller_may_not_see_the_number(client, world, api_as):
    neighbour = create_person(None, phone="+919111100001", name_en="Neighbour")
    add_post(None, person=neighbour, unit=world.patna_booth, role=Role.WORKER)
    # A worker sees their booth's people but not their numbers; Gaya does not see Patna at all.
    assert reveal(client, api_as(world.patna_worker), neighbour).status_code == 404
    assert reveal(client, api_as(world.gaya_coord), world.patna_worker).status_code == 404
    assert client.post("/api/v1/people/999999999/phone", **api_as(world.patna_coord)).status_code == 404
    # One's own number is simply one's own: not logged, not counted.
    assert reveal(client, api_as(world.patna_worker), world.patna_worker).json()["phone"] == "+919000000004"
    assert not AuditEntry.objects.filter(action__startswith="person.phone_reveal").exists()
    assert not PhoneReveal.objects.exists()


def test_the_web_button_shows_the_number_with_a_tel_link(world, login_as):
    c = login_as(world.patna_coord)
    r = c.post(f"/people/{world.patna_worker.pk}/phone/")
    page = r.content.decode()
    assert r.status_code == 200 and 'href="tel:+919000000004"' in page and "+91 90000 00004" in page
    assert "no-store" in r["Cache-Control"] or "no-cache" in r["Cache-Control"]
    assert AuditEntry.objects.filter(action="person.phone_reveal", actor_id=world.patna_coord.pk).count() == 1
    assert login_as(world.patna_worker).post(f"/people/{world.gaya_worker.pk}/phone/").status_code == 404
    assert login_as(world.gaya_coord).post(f"/people/{world.patna_worker.pk}/phone/").status_code == 404


# --- the daily cap ----------------------------------------------------------------------------------

def _members(world, n):
    out = []
    for i in range(n):
        p = create_person(None, phone=f"+91912345{i:04d}", name_en=f"Member {i}")
        add_post(None, person=p, unit=world.patna_booth, role=Role.WORKER)
        out.append(p)
    return out


def test_the_cap_refuses_and_tells_the_superior_once_a_day(client, world, api_as, cap_of_two,
                                                           django_capture_on_commit_callbacks):
    a, b, c, d = _members(world, 4)
    headers = api_as(world.patna_coord)
    with django_capture_on_commit_callbacks(execute=True):
        assert reveal(client, headers, a).status_code == 200
        assert not MemorySMS.delivered
        assert reveal(client, headers, b).status_code == 200  # the second reaches the cap: told now
    told = [(to, body) for to, body in MemorySMS.delivered if to == world.state_admin.phone]
    assert len(told) == 1 and "मनन कृष्ण" in told[0][1] and "2" in told[0][1]
    with django_capture_on_commit_callbacks(execute=True):
        for p in (c, d, c):
            r = reveal(client, headers, p)
            assert r.status_code == 429 and "9123" not in r.content.decode()
            assert "2" in r.json()["detail"]
    assert len(MemorySMS.delivered) == 1  # once that day, however many refusals
    assert AuditEntry.objects.filter(action="person.phone_reveal_refused").count() == 3
    assert phones.reveals_today(world.patna_coord) == 2
    # Another leader's count is their own; tomorrow the count starts again.
    assert reveal(client, api_as(world.state_admin), c).status_code == 200
    tomorrow = timezone.now() + timedelta(days=1)
    assert phones.reveal_phone(world.patna_coord, c, now=tomorrow) == c.phone


def test_the_cap_with_no_superior_tells_nobody(world, cap_of_two, django_capture_on_commit_callbacks):
    # The Centre's in-charge has nobody above; the state in-charge has the Centre's.
    a, b, c = _members(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        phones.reveal_phone(world.centre_admin, a)
        phones.reveal_phone(world.centre_admin, b)
        with pytest.raises(phones.RevealRefused):
            phones.reveal_phone(world.centre_admin, c)
    assert phones.superiors(world.centre_admin) == [] and MemorySMS.delivered == []
    assert phones.superiors(world.state_admin) == [world.centre_admin]
    assert phones.superiors(world.patna_coord) == [world.state_admin]
    assert phones.superiors(world.patna_worker) == []  # nobody leads the shakti kendra above the booth


def test_the_web_page_says_the_cap_is_reached(world, login_as, cap_of_two):
    a, b, c = _members(world, 3)
    page = login_as(world.patna_coord, "en")
    for p in (a, b):
        assert page.post(f"/people/{p.pk}/phone/").status_code == 200
    r = page.post(f"/people/{c.pk}/phone/")
    assert r.status_code == 429 and "daily limit" in r.content.decode() and c.phone not in r.content.decode()


def test_my_data_lists_the_reveals(world):
    phones.reveal_phone(world.patna_coord, world.patna_worker)
    from sampark.people.mydata import phone_reveals

    assert [(r["kind"], r["person"]) for r in phone_reveals(world.patna_coord)] == [
        ("reveal", world.patna_worker.pk)]
    theirs = phone_reveals(world.patna_worker)
    assert [r["kind"] for r in theirs] == ["your_number_revealed"] and "person" not in theirs[0]


# --- bulk: the people export ------------------------------------------------------------------------------

def test_the_export_has_full_numbers_only_after_the_second_factor_and_is_audited(client, world, login_as):
    from sampark.people import twofactor

    url = f"/org/units/{world.patna.pk}/export/people.csv"
    enrol_authenticator(world.patna_coord)
    c = login_as(world.patna_coord)  # the factor just given
    body = b"".join(c.get(url).streaming_content).decode("utf-8-sig")
    assert "'+919000000004" in body
    row = AuditEntry.objects.get(action="people.export_phones")
    assert row.actor_id == world.patna_coord.pk and row.after == {"count": 1}
    assert row.object_id == str(world.patna.pk)
    assert PhoneReveal.objects.count() == 0  # its own logged action, not the daily cap's
    # A leader who is not asked for the factor (below district, not enrolled) gets masked numbers.
    ac = create_person(None, phone="+919000000077", name_en="AC coordinator")
    add_post(None, person=ac, unit=world.patna_ac, role=Role.COORDINATOR)
    c = login_as(ac)
    session = c.session
    session.pop(twofactor.PASSED_KEY)
    session.save()
    body = b"".join(c.get(f"/org/units/{world.patna_ac.pk}/export/people.csv").streaming_content).decode("utf-8-sig")
    assert "+919000000004" not in body and "'+91 90XXX XX004" in body
    assert "'+919000000077" in body  # their own
    assert AuditEntry.objects.filter(action="people.export_phones").count() == 1


# --- phone search ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["9000000004", "90000 00004", "+91 90000-00004", "09000000004",
                                   "९००००००००४", "+९१ ९०००० ००००४"])
def test_a_whole_number_finds_the_person_within_visibility(world, query):
    assert phone_query(query) == "+919000000004"
    assert search_people(world.patna_coord, query) == [world.patna_worker]
    assert search_people(world.gaya_coord, query) == []


def test_part_of_a_number_finds_nobody(world):
    for query in ("90000", "0000004", "9000000", "+91 9000"):
        assert phone_query(query) is None
        assert search_people(world.patna_coord, query) == []


def test_phone_search_is_one_query_for_the_person(world, django_assert_num_queries):
    world.patna_coord.visible_roots()  # read once per request, before
    with django_assert_num_queries(2):  # the person by the unique phone index (within the subtrees), their posts
        assert search_people(world.patna_coord, "9000000004") == [world.patna_worker]


def test_phone_search_on_the_page_and_the_api_shows_the_masked_number(client, world, login_as, api_as):
    r = client.get("/api/v1/search", {"q": "90000 00004"}, **api_as(world.patna_coord)).json()
    assert [p["id"] for p in r["people"]] == [world.patna_worker.pk]
    assert r["people"][0]["phone"] == "+91 90XXX XX004"
    r = client.get("/api/v1/search", {"q": "90000 00004"}, **api_as(world.gaya_coord)).json()
    assert r["people"] == []
    page = login_as(world.patna_coord).get("/search/", {"q": "+91 90000 00004"}).content.decode()
    assert "विनोद तावड़े" in page and "+91 90XXX XX004" in page and "+919000000004" not in page
    page = login_as(world.gaya_coord).get("/search/", {"q": "+91 90000 00004"}).content.decode()
    assert "विनोद तावड़े" not in page


# --- recent activity ----------------------------------------------------------------------------------

def _activity_in(world, person, booth, area, coord, mark):
    now = timezone.now()
    report_services.submit_report(person, id=uuid.uuid4(), unit=booth, type="meeting",
                                  date=timezone.localdate(), values={"attendance": 7, "topic": mark})
    difficulty_services.raise_difficulty(person, id=uuid.uuid4(), unit=booth, category="content",
                                         text=mark + " difficulty", now=now)
    directive = directive_services.create_directive(coord, target_unit=area, title=mark + " directive", body=mark)
    directive = directive_services.publish_directive(coord, directive)
    acknowledge(person, directive, reply=mark + " reply\nline two")


def test_the_activity_shows_only_what_the_viewer_may_open(world, login_as):
    # A member working in both districts: Patna's coordinator sees only the Patna half.
    both = create_person(None, phone="+919222200001", name_hi="दो जगह", name_en="Two Places")
    add_post(None, person=both, unit=world.patna_booth, role=Role.WORKER)
    add_post(None, person=both, unit=world.gaya_booth, role=Role.WORKER)
    _activity_in(world, both, world.patna_booth, world.patna, world.patna_coord, "PATNAMARK")
    _activity_in(world, both, world.gaya_booth, world.gaya, world.gaya_coord, "GAYAMARK")
    with translation.override("en"):
        seen = recent_activity(world.patna_coord, both)
        labels = [i.label for i in seen]
        assert {i.kind for i in seen} == {"ack", "report", "difficulty"} and len(seen) == 3
        assert "Acknowledged: PATNAMARK directive" in labels
        assert not any("GAYA" in label or "Booth 2" in label for label in labels)
        assert [i.at for i in seen] == sorted((i.at for i in seen), reverse=True)
        assert len(recent_activity(world.state_admin, both)) == 6
        assert len(recent_activity(world.state_admin, both, limit=4)) == 4
    page = login_as(world.patna_coord).get(f"/people/{both.pk}/").content.decode()
    assert "हाल की गतिविधि" in page and "PATNAMARK directive" in page and "GAYAMARK" not in page
    assert 'id="activity"' in page and "/reports/r/" in page and "/difficulties/" in page
    # The acknowledgement's reply is shown with it, escaped, its line break kept.
    assert '<q class="reply">PATNAMARK reply<br>line two</q>' in page and "GAYAMARK reply" not in page


def test_each_activity_source_is_one_query(world, django_assert_num_queries):
    _activity_in(world, world.patna_worker, world.patna_booth, world.patna, world.patna_coord, "X")
    viewer = world.patna_coord
    viewer.visible_roots(), viewer.leading_roots()
    # The viewer's audience for directives (their posts, read by Directive.visible_to), then one per source.
    with django_assert_num_queries(1 + len(registered_sources())):
        assert len(recent_activity(viewer, world.patna_worker)) == 3
