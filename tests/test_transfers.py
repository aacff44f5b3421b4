"""Issue 12, finding 5: a leader's import touches only people inside their reach or new people; a
member elsewhere moves only by a transfer request that a leader above both places approves, and
nothing a leader is told reveals who is a member outside their reach."""

import csv
import io
import re

import pytest
from django.utils import translation

from sampark.core.models import AuditEntry
from sampark.org.imports import import_file
from sampark.org.models import Unit
from sampark.org.services import move_unit
from sampark.people.models import Person, Post, Role, TransferRequest, TransferStatus
from sampark.people.services import (
    PeopleError,
    add_post,
    approve_transfer,
    create_person,
    end_post,
    reject_transfer,
    request_transfer,
)

pytestmark = pytest.mark.django_db

HEAD = ["phone", "name_hi", "name_en", "lang", "unit_level", "unit_code", "role", "team"]
GAYA_PHONE = "9000000005"  # the Gaya booth worker
UNKNOWN_PHONE = "9812345678"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def people_csv(world, phone, name_hi="", name_en="") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEAD, [phone, name_hi, name_en, "", "booth", f"#{world.patna_booth.pk}", "worker", ""]])
    return out.getvalue().encode()


def outcome(result) -> tuple:
    return ([(e.line, e.column, e.message) for e in result.errors], result.rows, result.created, result.updated,
            result.unchanged, result.transfers)


def in_unit(person, unit) -> bool:
    return Post.objects.filter(person=person, unit=unit, active=True).exists()


def page_of(response) -> str:
    """The page without what differs on every request (the CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("names", [("", ""), ("नया नाम", "New Name")])
def test_a_check_reads_a_member_elsewhere_like_an_unknown_phone(world, names):
    gaya = import_file(world.patna_coord, "people", "p.csv", people_csv(world, GAYA_PHONE, *names), dry_run=True)
    unknown = import_file(world.patna_coord, "people", "p.csv", people_csv(world, UNKNOWN_PHONE, *names), dry_run=True)
    assert outcome(gaya) == outcome(unknown)
    if not names[0]:
        assert [e.message for e in gaya.errors] == ["A new person needs a name in Hindi or English."]


def test_the_check_page_is_the_same_for_both_phones(world, login_as):
    c = login_as(world.patna_coord, lang="en")

    def check(phone):
        f = io.BytesIO(people_csv(world, phone))
        f.name = "people.csv"
        return c.post("/org/import/", {"kind": "people", "check_only": "1", "file": f})

    gaya, unknown = check(GAYA_PHONE), check(UNKNOWN_PHONE)
    assert gaya.status_code == unknown.status_code == 400
    assert page_of(gaya) == page_of(unknown)
    assert "needs a name" in page_of(gaya)


def test_applying_never_attaches_a_member_elsewhere_but_asks_for_a_transfer(world):
    result = import_file(world.patna_coord, "people", "p.csv", people_csv(world, GAYA_PHONE, "अमल", "Amal"))
    assert result.errors == [] and (result.created, result.transfers) == (0, 1)
    assert not in_unit(world.gaya_worker, world.patna_booth) and in_unit(world.gaya_worker, world.gaya_booth)
    assert Person.objects.get(pk=world.gaya_worker.pk).name_en == "Amal Awasthi"  # not renamed either
    t = TransferRequest.objects.get()
    assert (t.person, t.from_unit, t.to_unit, t.role, t.requested_by, t.status) == (
        world.gaya_worker, world.gaya_booth, world.patna_booth, Role.WORKER, world.patna_coord, TransferStatus.PENDING)
    assert t.approver_path == world.bihar.path  # the lowest unit above Patna and Gaya
    assert AuditEntry.objects.filter(action="transfer.request").count() == 1
    # The same file again asks nothing more.
    import_file(world.patna_coord, "people", "p.csv", people_csv(world, GAYA_PHONE, "अमल", "Amal"))
    assert TransferRequest.objects.count() == 1


def test_services_refuse_to_take_a_member_elsewhere(world):
    with pytest.raises(PeopleError) as exc:
        add_post(world.patna_coord, person=world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    assert exc.value.status == 409
    with pytest.raises(PeopleError) as exc:  # nor give posts outside where they lead
        add_post(world.patna_coord, person=world.patna_worker, unit=world.gaya_booth, role=Role.WORKER)
    assert exc.value.status == 404
    with pytest.raises(PeopleError):  # a booth worker leads nothing
        add_post(world.patna_worker, person=world.patna_worker, unit=world.patna_booth, role=Role.HEAD)
    assert not in_unit(world.gaya_worker, world.patna_booth)
    add_post(world.patna_coord, person=world.patna_worker, unit=world.patna_booth, role=Role.HEAD)  # inside: fine


def test_only_a_leader_above_both_places_approves(world, django_assert_max_num_queries):
    t = request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    for not_above in (world.patna_coord, world.gaya_coord, world.patna_worker, world.up_coord):
        with pytest.raises(PeopleError) as exc:
            approve_transfer(not_above, t)
        assert exc.value.status == 403
    assert in_unit(world.gaya_worker, world.gaya_booth)
    booths = Unit.objects.filter(pk__in=[world.gaya_booth.pk, world.patna_booth.pk])
    before = dict(booths.values_list("pk", "member_count"))
    approve_transfer(world.state_admin, t)
    t.refresh_from_db()
    assert (t.status, t.decided_by) == (TransferStatus.APPROVED, world.state_admin) and t.decided_at
    assert in_unit(world.gaya_worker, world.patna_booth) and not in_unit(world.gaya_worker, world.gaya_booth)
    after = dict(booths.values_list("pk", "member_count"))
    assert after[world.gaya_booth.pk] == before[world.gaya_booth.pk] - 1
    assert after[world.patna_booth.pk] == before[world.patna_booth.pk] + 1
    assert Person.objects.visible_to(world.patna_coord).filter(pk=world.gaya_worker.pk).exists()
    assert not Person.objects.visible_to(world.gaya_coord).filter(pk=world.gaya_worker.pk).exists()
    assert AuditEntry.objects.filter(action="transfer.approve").count() == 1
    with pytest.raises(PeopleError) as exc:
        approve_transfer(world.state_admin, t)
    assert exc.value.status == 409


def test_a_rejected_transfer_leaves_the_person_where_they_are(world):
    t = request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    reject_transfer(world.state_admin, t)
    t.refresh_from_db()
    assert t.status == TransferStatus.REJECTED
    assert in_unit(world.gaya_worker, world.gaya_booth) and not in_unit(world.gaya_worker, world.patna_booth)


def test_who_sees_a_transfer_request(world):
    t = request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    seen = {name: TransferRequest.objects.visible_to(getattr(world, name)).filter(pk=t.pk).exists()
            for name in ("patna_coord", "state_admin", "gaya_coord", "patna_worker", "gaya_worker", "up_coord")}
    assert seen == {"patna_coord": True, "state_admin": True, "gaya_coord": False, "patna_worker": False,
                    "gaya_worker": False, "up_coord": False}


def test_the_transfer_page(world, login_as):
    import_file(world.patna_coord, "people", "p.csv", people_csv(world, GAYA_PHONE, "अमल", "Amal"))
    t = TransferRequest.objects.get()
    # The one who asked sees where it stands, not who the person is or where they are now.
    asker = login_as(world.patna_coord)
    page = asker.get("/people/transfers/").content.decode()
    assert "+919000000005" in page and "अमल अवस्थी" not in page and "बूथ 2" not in page
    assert asker.post(f"/people/transfers/{t.pk}/approve/").status_code == 302
    t.refresh_from_db()
    assert t.status == TransferStatus.PENDING
    # Others get 404.
    for other in (world.gaya_coord, world.patna_worker):
        c = login_as(other)
        assert "+919000000005" not in c.get("/people/transfers/").content.decode()
        assert c.post(f"/people/transfers/{t.pk}/approve/").status_code == 404
        assert c.post(f"/people/transfers/{t.pk}/reject/").status_code == 404
    # The state in-charge sees it in Hindi with the person and both places, and approves it.
    admin = login_as(world.state_admin)
    page = admin.get("/people/transfers/").content.decode()
    assert "अमल अवस्थी" in page and "बूथ 2" in page and "बूथ 1" in page and "स्वीकृत करें" in page
    assert "+919000000005" not in page and "+91 90XXX XX005" in page  # masked for the one who decides
    assert admin.post(f"/people/transfers/{t.pk}/approve/").status_code == 302
    assert in_unit(world.gaya_worker, world.patna_booth) and not in_unit(world.gaya_worker, world.gaya_booth)
    assert "अमल अवस्थी" not in admin.get("/people/transfers/").content.decode()  # no longer waiting


def test_someone_who_is_a_member_nowhere_is_taken_in_like_a_new_person(world):
    former = create_person(None, phone="+919812300000", name_hi="पुराना", name_en="Former")
    add_post(None, person=former, unit=world.gaya_booth, role=Role.WORKER)
    end_post(None, Post.objects.get(person=former))
    check = import_file(world.patna_coord, "people", "p.csv", people_csv(world, "9812300000"), dry_run=True)
    unknown = import_file(world.patna_coord, "people", "p.csv", people_csv(world, UNKNOWN_PHONE), dry_run=True)
    assert outcome(check) == outcome(unknown)
    result = import_file(world.patna_coord, "people", "p.csv", people_csv(world, "9812300000", "नया", "New"))
    assert (result.created, result.transfers) == (1, 0)
    former.refresh_from_db()
    assert (former.name_hi, former.name_en) == ("नया", "New") and in_unit(former, world.patna_booth)
    assert not TransferRequest.objects.exists()


def test_a_moved_subtree_moves_the_decision_with_it(world):
    t = request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    move_unit(None, world.gaya, world.up)  # Gaya now lies under Uttar Pradesh: only the Centre is above both
    t.refresh_from_db()
    assert t.approver_path == world.centre.path
    with pytest.raises(PeopleError):
        approve_transfer(world.state_admin, t)


def test_the_home_page_tells_a_deciding_leader_of_waiting_transfers(world, login_as):
    request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    body = login_as(world.state_admin).get("/").content.decode()
    assert "1 स्थानांतरण अनुरोध आपके निर्णय की प्रतीक्षा में है" in body and 'href="/people/transfers/"' in body
    # The one who asked cannot decide it, nor can the member's own district.
    for person in (world.patna_coord, world.gaya_coord, world.patna_worker):
        assert "/people/transfers/" not in login_as(person).get("/").content.decode()
