"""The programme, the review inside the event, photos, editing an event, and the setup of kinds and
programme roles: API and pages, in Hindi; bad input named; organisers only; Gaya's event unseen."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from sampark.core.models import AuditEntry
from sampark.difficulties.models import ActionItem, ReviewNote
from sampark.events import services
from sampark.events.models import EventKind, EventPhoto, ProgrammeItem, ProgrammeRole, ReviewEntry

HI = {"HTTP_ACCEPT_LANGUAGE": "hi"}


def post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def make_event(world, organiser=None, unit=None, **over):
    start = timezone.now() + timedelta(days=2)
    fields = {"unit": unit or world.bihar, "title": "प्रदेश कार्यशाला", "kind": "workshop", "starts_at": start,
              "ends_at": start + timedelta(hours=6), "venue": "प्रदेश कार्यालय", "is_review": True} | over
    event, _ = services.create_event(organiser or world.state_admin, **fields)
    return event


@pytest.fixture
def event(world):
    return make_event(world)


@pytest.fixture
def gaya_event(world):
    return make_event(world, world.gaya_coord, world.gaya, title="गया बैठक", kind="meeting", is_review=False)


def jpeg(size=(800, 600)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


# --- the programme ------------------------------------------------------------------------------

def test_programme_members_and_guests_in_order(client, world, api_as, event):
    h = api_as(world.state_admin)
    url = f"/api/v1/events/{event.pk}/programme"
    r = post(client, url, h, {"role": "presiding", "person": world.state_admin.pk})
    assert r.status_code == 201, r.content
    assert r.json()["person"]["id"] == world.state_admin.pk and r.json()["position"] == 1
    guest = {"role": "chief_guest", "guest_name": "डॉ. संजय जायसवाल", "guest_title": "सांसद"}
    r = post(client, url, h, guest)
    assert r.status_code == 201 and r.json()["person"] is None and r.json()["role_name"]
    # A retry of the very same item is the first one, not a second.
    again = post(client, url, h, guest)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    r3 = post(client, url, h, {"role": "address", "person": world.patna_coord.pk,
                               "text": "सोशल मीडिया के महत्व पर बोले"})
    assert r3.status_code == 201
    assert ProgrammeItem.objects.filter(event=event).count() == 3
    # Move the address up, remove the chief guest: positions stay 1..n.
    r = client.patch(f"{url}/{r3.json()['id']}", {"move": "up"}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["position"] == 2
    listed = client.get(url, **h).json()
    assert [i["role"] for i in listed] == ["presiding", "address", "chief_guest"]
    chief = listed[2]["id"]
    assert client.delete(f"{url}/{listed[0]['id']}", **h).status_code == 204
    listed = client.get(url, **h).json()
    assert [(i["role"], i["position"]) for i in listed] == [("address", 1), ("chief_guest", 2)]
    # A member in the audience sees the programme, but cannot change it.
    w = api_as(world.patna_worker)
    assert [i["role"] for i in client.get(url, **w).json()] == ["address", "chief_guest"]
    assert post(client, url, w, {"role": "thanks", "guest_name": "x", "guest_title": "y"}).status_code == 403
    assert client.delete(f"{url}/{chief}", **w).status_code == 403
    # Edit the guest's title.
    r = client.patch(f"{url}/{chief}", {"guest_title": "पश्चिम चंपारण सांसद"}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["guest_title"] == "पश्चिम चंपारण सांसद"
    assert r.json()["guest_name"] == "डॉ. संजय जायसवाल"
    assert AuditEntry.objects.filter(action__startswith="event.programme_").count() >= 5


def test_programme_bad_input_is_named_in_hindi(client, world, api_as, event, gaya_event):
    h = api_as(world.state_admin) | HI
    url = f"/api/v1/events/{event.pk}/programme"
    r = post(client, url, h, {"role": "dance", "guest_name": "क", "guest_title": "ख"})
    assert r.status_code == 422 and "role" in r.json()["errors"] and "dance" in r.json()["detail"]
    assert r.json()["detail"] != "Unknown programme role: dance"
    r = post(client, url, h, {"role": "address"})
    assert r.status_code == 422 and "guest_name" in r.json()["errors"]
    r = post(client, url, h, {"role": "address", "guest_name": "राम"})
    assert r.status_code == 422 and "guest_title" in r.json()["errors"]
    r = post(client, url, h, {"role": "address", "person": world.patna_worker.pk, "guest_name": "राम"})
    assert r.status_code == 422 and "person" in r.json()["errors"]
    # A member the organiser cannot see is no member here (UP's coordinator).
    r = post(client, url, h, {"role": "address", "person": world.up_coord.pk})
    assert r.status_code == 422 and "person" in r.json()["errors"]
    assert ProgrammeItem.objects.count() == 0
    # Patna's people cannot see Gaya's event: 404 whatever they ask.
    p = api_as(world.patna_coord)
    gurl = f"/api/v1/events/{gaya_event.pk}/programme"
    assert client.get(gurl, **p).status_code == 404
    assert post(client, gurl, p, {"role": "address", "guest_name": "x", "guest_title": "y"}).status_code == 404


def test_programme_page_in_hindi_with_member_search(client, world, login_as, event):
    login_as(world.state_admin)
    page = client.get(f"/events/{event.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "कार्यक्रम" in text and "मुख्य अतिथि" in text
    # Find a member by a Devanagari or Roman name, then add them.
    found = client.get(f"/events/{event.pk}/programme/", {"q": "मनन"}).content.decode()
    assert f'value="{world.patna_coord.pk}"' in found
    found = client.get(f"/events/{event.pk}/programme/", {"q": "Manan"}).content.decode()
    assert f'value="{world.patna_coord.pk}"' in found
    r = client.post(f"/events/{event.pk}/programme/", {"role": "stage", "person": world.patna_coord.pk})
    assert r.status_code == 302
    r = client.post(f"/events/{event.pk}/programme/", {"role": "thanks", "person": "guest",
                                                       "guest_name": "श्री राम", "guest_title": ""})
    assert r.status_code == 422 and "पद" in r.content.decode()
    r = client.post(f"/events/{event.pk}/programme/", {"role": "thanks", "person": "guest",
                                                       "guest_name": "श्री राम", "guest_title": "महामंत्री"})
    assert r.status_code == 302
    text = client.get(f"/events/{event.pk}/").content.decode()
    assert "मंच संचालन" in text and "मनन कृष्ण" in text and "धन्यवाद ज्ञापन" in text and "श्री राम (महामंत्री)" in text
    assert text.index("मंच संचालन") < text.index("धन्यवाद ज्ञापन")
    last = ProgrammeItem.objects.get(event=event, guest_name="श्री राम")
    assert client.post(f"/events/{event.pk}/programme/{last.pk}/up/").status_code == 302
    assert list(ProgrammeItem.objects.filter(event=event).values_list("role__code", "position")) == [
        ("thanks", 1), ("stage", 2)]
    client.post(f"/events/{event.pk}/programme/{last.pk}/remove/")
    assert list(ProgrammeItem.objects.filter(event=event).values_list("position", flat=True)) == [1]


def test_programme_page_refuses_a_non_organiser(client, world, login_as, event):
    login_as(world.patna_worker)
    assert client.get(f"/events/{event.pk}/").status_code == 200
    r = client.post(f"/events/{event.pk}/programme/", {"role": "stage", "person": "guest",
                                                       "guest_name": "x", "guest_title": "y"})
    assert r.status_code == 403 and "आयोजक" in r.content.decode()
    assert ProgrammeItem.objects.count() == 0


# --- the review inside the event ---------------------------------------------------------------

def test_review_entries_become_notes_and_action_items(client, world, api_as, event):
    h = api_as(world.state_admin)
    url = f"/api/v1/events/{event.pk}/review"
    r = post(client, url, h, {"unit": world.patna.pk, "kind": "activity", "text": "सभी बूथों पर बैठक हुई"})
    assert r.status_code == 201, r.content
    note = ReviewNote.objects.get(pk=r.json()["note"])
    assert note.unit == world.patna and "सभी बूथों पर बैठक हुई" in note.text
    r = post(client, url, h, {"unit": world.gaya.pk, "kind": "difficulty", "text": "इंटरनेट की समस्या"})
    assert r.status_code == 201 and ReviewNote.objects.filter(unit=world.gaya).count() == 1
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    body = {"unit": world.patna.pk, "kind": "instruction", "text": "हर मंडल में प्रशिक्षण", "owner":
            world.patna_coord.pk, "due": due}
    r = post(client, url, h, body)
    assert r.status_code == 201 and r.json()["owner"]["id"] == world.patna_coord.pk and r.json()["due"] == due
    item = ActionItem.objects.get(pk=r.json()["action_item"])
    assert item.owner == world.patna_coord and item.unit == world.patna
    # Sent again: the same entry, no second action item.
    assert post(client, url, h, body).status_code == 200
    assert ActionItem.objects.count() == 1 and ReviewEntry.objects.count() == 3
    # The owner sees it among their action items; the district review shows the note and the item.
    mine = client.get("/api/v1/action-items", **api_as(world.patna_coord)).json()
    assert "हर मंडल में प्रशिक्षण" in str(mine)
    # Patna's coordinator sees Patna's entries only (not Gaya's) in the event's review.
    seen = client.get(url, **api_as(world.patna_coord)).json()
    assert {e["unit"]["id"] for e in seen} == {world.patna.pk}
    assert {e["unit"]["id"] for e in client.get(url, **h).json()} == {world.patna.pk, world.gaya.pk}


def test_district_review_page_shows_the_events_notes(client, world, login_as, event):
    from sampark.events import review

    review.add_entry(world.state_admin, event, unit=world.patna, kind="difficulty", text="कार्यकर्ताओं की कमी")
    review.add_entry(world.state_admin, event, unit=world.patna, kind="instruction", text="सूची भेजें",
                     owner=world.patna_coord, due=timezone.localdate() + timedelta(days=3))
    login_as(world.state_admin)
    text = client.get(f"/difficulties/review/{world.bihar.pk}/", {"at": world.patna.pk}).content.decode()
    assert "कार्यकर्ताओं की कमी" in text and "सूची भेजें" in text


def test_review_bad_input_in_hindi(client, world, api_as, event, gaya_event):
    h = api_as(world.state_admin) | HI
    url = f"/api/v1/events/{event.pk}/review"
    r = post(client, url, h, {"unit": world.patna.pk, "kind": "gossip", "text": "x"})
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    r = post(client, url, h, {"unit": world.patna.pk, "kind": "instruction", "text": "करें"})
    assert r.status_code == 422 and "due" in r.json()["errors"]
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    r = post(client, url, h, {"unit": world.patna.pk, "kind": "instruction", "text": "करें", "due": past})
    assert r.status_code == 422 and "due" in r.json()["errors"]
    # The owner must hold a post in the unit (Gaya's worker does not hold one in Patna).
    due = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = post(client, url, h, {"unit": world.patna.pk, "kind": "instruction", "text": "करें", "due": due,
                              "owner": world.gaya_worker.pk})
    assert r.status_code == 422 and "owner" in r.json()["errors"]
    # A unit outside the audience (UP) is not there.
    assert post(client, url, h, {"unit": world.up.pk, "kind": "activity", "text": "x"}).status_code == 404
    # A non-review event records no review; a non-organiser is refused.
    r = post(client, f"/api/v1/events/{gaya_event.pk}/review", api_as(world.gaya_coord),
             {"unit": world.gaya.pk, "kind": "activity", "text": "x"})
    assert r.status_code == 409
    assert post(client, url, api_as(world.patna_coord), {"unit": world.patna.pk, "kind": "activity",
                                                         "text": "x"}).status_code == 403
    # Gaya's event is not seen from Patna.
    assert client.get(f"/api/v1/events/{gaya_event.pk}/review", **api_as(world.patna_coord)).status_code == 404
    assert ReviewEntry.objects.count() == 0 and ActionItem.objects.count() == 0 and ReviewNote.objects.count() == 0


def test_review_page_unit_by_unit(client, world, login_as, event):
    login_as(world.state_admin)
    r = client.get(f"/events/{event.pk}/review/")
    text = r.content.decode()
    assert r.status_code == 200 and "पटना" in text and "गतिविधि" in text
    r = client.get(f"/events/{event.pk}/review/", {"at": world.gaya.pk})
    assert "गया" in r.content.decode() and f"?at={world.patna.pk}" in r.content.decode()
    r = client.post(f"/events/{event.pk}/review/", {"unit": world.gaya.pk, "kind": "instruction",
                                                    "text": "बूथ समिति बनाएं", "owner": world.gaya_coord.pk})
    assert r.status_code == 422 and ActionItem.objects.count() == 0
    r = client.post(f"/events/{event.pk}/review/", {"unit": world.gaya.pk, "kind": "instruction",
                                                    "text": "बूथ समिति बनाएं", "owner": world.gaya_coord.pk,
                                                    "due": (timezone.localdate() + timedelta(days=5)).isoformat()})
    assert r.status_code == 302 and ActionItem.objects.get().owner == world.gaya_coord
    text = client.get(f"/events/{event.pk}/").content.decode()
    assert "समीक्षा" in text and "बूथ समिति बनाएं" in text and "रितेश रंजन" in text


# --- photos -------------------------------------------------------------------------------------

def test_photos_added_once_served_with_thumbnails(client, world, login_as, event, gaya_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login_as(world.state_admin)
    pid = uuid.uuid4()
    r = client.post(f"/events/{event.pk}/photos/add/", {"id": str(pid), "file": jpeg(), "caption": "मंच"})
    assert r.status_code == 302
    client.post(f"/events/{event.pk}/photos/add/", {"id": str(pid), "file": jpeg()})  # a retry
    assert EventPhoto.objects.count() == 1
    thumb = client.get(f"/events/{event.pk}/photos/{pid}/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) < 800
    assert client.get(f"/events/{event.pk}/photos/{pid}/").status_code == 200
    assert f"/events/{event.pk}/photos/{pid}/thumb/" in client.get(f"/events/{event.pk}/").content.decode()
    # Not a photo: refused in Hindi, nothing stored.
    bad = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    r = client.post(f"/events/{event.pk}/photos/add/", {"id": str(uuid.uuid4()), "file": bad}, follow=True)
    assert "फ़ोटो" in r.content.decode() or "फोटो" in r.content.decode()
    assert EventPhoto.objects.count() == 1
    # A worker may look but not add; Patna's coordinator cannot see Gaya's photos (404).
    login_as(world.patna_worker)
    assert client.get(f"/events/{event.pk}/photos/{pid}/thumb/").status_code == 200
    r = client.post(f"/events/{event.pk}/photos/add/", {"id": str(uuid.uuid4()), "file": jpeg()})
    assert r.status_code == 403 and EventPhoto.objects.count() == 1
    from sampark.events import photos

    gp, _ = photos.add_photo(world.gaya_coord, gaya_event, photo_id=uuid.uuid4(), upload=jpeg())
    login_as(world.patna_coord)
    assert client.get(f"/events/{gaya_event.pk}/photos/{gp.pk}/thumb/").status_code == 404
    assert client.get(f"/events/{gaya_event.pk}/photos/{gp.pk}/").status_code == 404
    assert client.get(f"/events/{event.pk}/photos/{gp.pk}/").status_code == 404  # another event's photo


def test_photos_through_the_api(client, world, api_as, event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = api_as(world.state_admin)
    url = f"/api/v1/events/{event.pk}/photos"
    pid = str(uuid.uuid4())
    r = client.post(url, {"id": pid, "file": jpeg(), "caption": "मंच"}, **h)
    assert r.status_code == 201, r.content
    assert r.json()["id"] == pid and r.json()["thumb"].endswith(f"/photos/{pid}/thumb/")
    assert client.post(url, {"id": pid, "file": jpeg()}, **h).status_code == 200
    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    r = client.post(url, {"id": str(uuid.uuid4()), "file": bad}, **h, **HI)
    assert r.status_code == 422 and "file" in r.json()["errors"] and "फ़ोटो" in r.json()["detail"]
    r = client.post(url, {"id": str(uuid.uuid4()), "file": jpeg()}, **api_as(world.patna_worker))
    assert r.status_code == 403
    assert [p["id"] for p in client.get(url, **api_as(world.patna_worker)).json()] == [pid]
    assert EventPhoto.objects.count() == 1


# --- editing ------------------------------------------------------------------------------------

def test_edit_page_and_patch(client, world, login_as, api_as, event):
    login_as(world.state_admin)
    page = client.get(f"/events/{event.pk}/edit/")
    assert page.status_code == 200 and "प्रदेश कार्यशाला" in page.content.decode()
    start = timezone.localtime(event.starts_at)
    data = {"title": "प्रदेश स्तरीय कार्यशाला", "kind": "workshop", "unit": world.bihar.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "venue": "पटना"}
    r = client.post(f"/events/{event.pk}/edit/", data)
    assert r.status_code == 400 and "समाप्त" in r.content.decode()
    data["ends_at"] = (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/events/{event.pk}/edit/", data).status_code == 302
    event.refresh_from_db()
    assert event.title == "प्रदेश स्तरीय कार्यशाला" and event.venue == "पटना"
    r = client.patch(f"/api/v1/events/{event.pk}", {"venue": "बापू सभागार"}, content_type="application/json",
                     **api_as(world.state_admin))
    assert r.status_code == 200 and r.json()["venue"] == "बापू सभागार" and r.json()["title"] == event.title
    r = client.patch(f"/api/v1/events/{event.pk}", {"venue": "x"}, content_type="application/json",
                     **api_as(world.patna_worker))
    assert r.status_code == 403
    login_as(world.patna_worker)
    assert client.get(f"/events/{event.pk}/edit/").status_code == 403


# --- setup --------------------------------------------------------------------------------------

def test_setup_of_kinds_and_roles(client, world, login_as):
    login_as(world.centre_admin)
    page = client.get("/setup/events/")
    assert page.status_code == 200 and "कार्यशाला" in page.content.decode() and "अध्यक्षता" in page.content.decode()
    r = client.post("/setup/events/", {"op": "add_kind", "code": "rally", "name_hi": "रैली", "name_en": "Rally"})
    assert r.status_code == 302 and EventKind.objects.get(code="rally").name_hi == "रैली"
    r = client.post("/setup/events/", {"op": "add_kind", "code": "rally", "name_hi": "रैली", "name_en": "Rally"})
    assert r.status_code == 400
    r = client.post("/setup/events/", {"op": "add_role", "code": "anchor", "name_hi": "", "name_en": "Anchor"})
    assert r.status_code == 400 and "हिन्दी" in r.content.decode()
    # What was typed stays in the form it was typed in, and only there.
    assert 'id="role-code" name="code" maxlength="32" required pattern="[a-z0-9_]+" value="anchor"' in r.content.decode()
    assert 'id="kind-code" name="code" maxlength="32" required pattern="[a-z0-9_]+" value=""' in r.content.decode()
    role = ProgrammeRole.objects.get(code="other")
    r = client.post("/setup/events/", {"op": "update_role", "role": role.pk, "name_hi": "अन्य कार्यक्रम",
                                       "name_en": "Other"})
    role.refresh_from_db()
    assert r.status_code == 302 and role.name_hi == "अन्य कार्यक्रम" and not role.active
    assert AuditEntry.objects.filter(action__in=["event_kind.add", "programme_role.update"]).count() == 2
    # An inactive role is offered no more.
    event = make_event(world)
    from sampark.events import programme
    from sampark.events.services import EventError

    with pytest.raises(EventError):
        programme.add_item(world.state_admin, event, role="other", guest_name="x", guest_title="y")
    # A state's leader may look, not change; a worker sees nothing.
    login_as(world.state_admin)
    assert client.post("/setup/events/", {"op": "add_kind", "code": "x", "name_hi": "x", "name_en": "x"}
                       ).status_code == 403
    login_as(world.patna_worker)
    assert client.get("/setup/events/").status_code == 404
