"""Events as a good citizen of the house: "my data" lists a person's answers, check-ins and roles
(theirs only), erasure keeps the counts and blanks their words, their page lists the events they
attended, a unit records its own meeting (an event of kind meeting and its meeting report, once),
the unit page lists its events, and organisers download the attendance (404 outside visibility)."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sampark.core import mydata
from sampark.core.activity import recent_activity
from sampark.core.erasure import ERASED
from sampark.events import services as event_services
from sampark.events.meetings import attendance_of
from sampark.events.models import Checkin, Event, EventPhoto, ProgrammeItem, ProgrammeRole, ReviewEntry, Rsvp
from sampark.people import erasure
from sampark.people.models import Person
from sampark.reports.models import Report

pytestmark = pytest.mark.django_db


def _event(coord, unit, mark, *, days=2):
    start = timezone.now() + timedelta(days=days)
    event, _ = event_services.create_event(coord, unit=unit, title=mark + " कार्यशाला", kind="workshop",
                                           starts_at=start, ends_at=start + timedelta(hours=4), venue=mark)
    return event


def _part_in(event, person, coord, mark):
    """Made directly: the answer, check-in, programme, review and photo services are other parts'."""
    now = timezone.now()
    Rsvp.objects.create(event=event, person=person, answer="yes", unit_path=event.unit_path, answered_at=now)
    Checkin.objects.create(event=event, person=person, unit_path=person.posts.get().unit_path, method="code",
                           checked_in_by=coord, at=now)
    Checkin.objects.create(event=event, walk_ins=5, unit_path=event.unit_path, method="walk_in",
                           checked_in_by=coord, at=now)
    ProgrammeItem.objects.create(event=event, position=1, role=ProgrammeRole.objects.get(code="address"),
                                 person=person, text=mark + " spoke", created_at=now)
    ReviewEntry.objects.create(event=event, unit=event.unit, unit_path=event.unit_path, kind="difficulty",
                               text=mark + " difficulty", author=person, created_at=now)
    EventPhoto.objects.create(event=event, file=f"events/2026/11/{mark}.jpg", caption=mark + " photo",
                              uploaded_by=person, created_at=now)


@pytest.fixture
def two(world):
    patna = _event(world.patna_coord, world.patna, "PATNAMARK")
    gaya = _event(world.gaya_coord, world.gaya, "GAYAMARK")
    _part_in(patna, world.patna_worker, world.patna_coord, "PATNAMARK")
    _part_in(gaya, world.gaya_worker, world.gaya_coord, "GAYAMARK")
    return patna, gaya


def test_my_data_holds_my_answers_check_ins_and_roles_and_nobody_elses(world, two):
    patna, _gaya = two
    data = mydata.collect(world.patna_worker)
    assert [(r["event"], r["answer"]) for r in data["event_rsvps"]] == [(patna.pk, "yes")]
    assert [(c["event"], c["kind"], c["method"]) for c in data["event_checkins"]] == [(patna.pk, "attended", "code")]
    assert [(p["role"], p["text"]) for p in data["event_programme"]] == [("address", "PATNAMARK spoke")]
    assert {w["kind"] for w in data["events_written"]} == {"review_difficulty", "photo"}
    assert "GAYAMARK" not in mydata.as_json(data)
    # The volunteer's own section lists whom they checked in; the organiser's lists the event.
    coord = mydata.collect(world.patna_coord)
    assert {(c["kind"], c["person"], c["walk_ins"]) for c in coord["event_checkins"]} == {
        ("checked_in_others", world.patna_worker.pk, 0), ("checked_in_others", None, 5)}
    assert [w["event"] for w in coord["events_written"] if w["kind"] == "event"] == [patna.pk]


def test_erasure_keeps_the_counts_and_blanks_their_words(world, two, django_capture_on_commit_callbacks):
    patna, gaya = two
    req, _ = erasure.request_erasure(world.patna_worker, "erasure")
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(world.patna_coord, req, confirmed_by=world.patna_coord)
    worker = Person.objects.get(pk=world.patna_worker.pk)
    assert worker.name_hi != "विनोद तावड़े"
    # Counted still, under the pseudonym: the answer and the check-in.
    assert Rsvp.objects.filter(event=patna, person=worker).count() == 1 and attendance_of(patna) == 6
    assert ProgrammeItem.objects.get(event=patna).text == ERASED
    assert ReviewEntry.objects.get(event=patna).text == ERASED
    assert not EventPhoto.objects.filter(event=patna).exists()
    # Nobody else's.
    assert ProgrammeItem.objects.get(event=gaya).text == "GAYAMARK spoke" and EventPhoto.objects.filter(event=gaya).exists()
    text = mydata.as_json(mydata.collect(worker))
    assert not any(f"PATNAMARK {word}" in text for word in ("spoke", "difficulty", "photo"))


def test_the_members_page_lists_events_attended_and_roles_for_those_who_see_them(world, two):
    patna, _gaya = two
    items = [i for i in recent_activity(world.patna_coord, world.patna_worker) if i.kind == "event"]
    assert {i.url for i in items} == {f"/events/{patna.pk}/"} and len(items) == 2
    assert any(i.note == "PATNAMARK spoke" for i in items)
    assert [i for i in recent_activity(world.gaya_coord, world.patna_worker) if i.kind == "event"] == []


# --- a unit's own meeting --------------------------------------------------------------------------

def _meeting_form(world, **over):
    held = timezone.localtime() - timedelta(hours=3)
    return {"client_uuid": str(uuid.uuid4()), "topic": "बूथ की मासिक बैठक", "starts_at": held.strftime("%Y-%m-%dT%H:%M"),
            "venue": "पंचायत भवन", "attendance": "9", "attendees": [str(world.patna_worker.pk)]} | over


def test_a_booth_worker_records_a_meeting_once_as_an_event_and_its_report(world, client, login_as):
    c = login_as(world.patna_worker)
    url = f"/events/meeting/new/?unit={world.patna_booth.pk}"
    page = c.get(url)
    assert page.status_code == 200 and "बैठक दर्ज करें" in page.content.decode()
    form = _meeting_form(world)
    r = c.post(url, form)
    assert r.status_code == 302, r.content.decode()[:2000]
    event = Event.objects.get(client_uuid=form["client_uuid"])
    assert r["Location"] == f"/events/{event.pk}/"
    shown = c.get(r["Location"]).content.decode()
    assert "दर्ज" in shown and "निमंत्रण भेजे गए" not in shown  # a meeting held is recorded, not invited
    assert (event.kind.code, event.unit_id, event.title, event.created_by_id) == (
        "meeting", world.patna_booth.pk, "बूथ की मासिक बैठक", world.patna_worker.pk)
    assert attendance_of(event) == 9
    assert Checkin.objects.get(event=event, person__isnull=False).person_id == world.patna_worker.pk
    assert Checkin.objects.get(event=event, person__isnull=True).walk_ins == 8
    report = Report.objects.get(pk=event.client_uuid)
    assert (report.type.code, report.unit_id, report.values["attendance"], report.values["topic"]) == (
        "meeting", world.patna_booth.pk, 9, "बूथ की मासिक बैठक")
    # Sent again (the answer was lost): the same meeting, nothing doubled.
    again = c.post(url, form)
    assert again.status_code == 302 and again["Location"] == f"/events/{event.pk}/"
    assert Event.objects.filter(kind__code="meeting").count() == 1 and Report.objects.count() == 1
    assert Checkin.objects.filter(event=event).count() == 2
    # The same id with other content is refused, in Hindi.
    other = c.post(url, form | {"attendance": "12"})
    assert other.status_code == 400 and Report.objects.get().values["attendance"] == 9


@pytest.mark.parametrize(("over", "hindi"), [
    ({"attendance": "0"}, "सुनिश्चित करें यह मान"),
    ({"attendance": "abc"}, "पूर्ण संख्या"),
    ({"topic": ""}, "यह क्षेत्र अपेक्षित"),
    ({"topic": "   "}, "यह क्षेत्र अपेक्षित"),
    ({"starts_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}, "बैठक होने के बाद"),
    ({"attendees": ["999999"]}, "मान्य"),
    ({"attendees": [], "attendance": "100001"}, "सुनिश्चित करें"),
])
def test_bad_meeting_input_is_named_in_hindi_and_writes_nothing(world, login_as, over, hindi):
    c = login_as(world.patna_worker)
    r = c.post(f"/events/meeting/new/?unit={world.patna_booth.pk}", _meeting_form(world, **over))
    text = r.content.decode()
    assert r.status_code == 400 and hindi in text, text[text.find('class="error"') - 200:][:600]
    assert not Event.objects.exists() and not Report.objects.exists() and not Checkin.objects.exists()


def test_fewer_came_than_were_named_is_refused(world, login_as):
    c = login_as(world.patna_coord)
    r = c.post(f"/events/meeting/new/?unit={world.patna_booth.pk}",
               _meeting_form(world, attendance="1", attendees=[str(world.patna_worker.pk), str(world.patna_coord.pk)]))
    assert r.status_code == 400 and not Event.objects.exists()


def test_only_those_who_may_report_for_the_unit_record_its_meetings(world, login_as):
    worker = login_as(world.patna_worker)
    assert worker.get(f"/events/meeting/new/?unit={world.patna.pk}").status_code == 404  # above the worker's booth
    assert worker.get(f"/events/meeting/new/?unit={world.gaya_booth.pk}").status_code == 404
    assert worker.get("/events/meeting/new/").status_code == 404
    assert login_as(world.patna_coord).get(f"/events/meeting/new/?unit={world.patna_booth.pk}").status_code == 200


# --- the unit page and the attendance export -------------------------------------------------------

def test_the_unit_page_lists_the_events_of_its_subtree(world, two, login_as):
    patna, gaya = two
    page = login_as(world.patna_coord).get(f"/units/{world.patna.pk}/").content.decode()
    assert patna.title in page and gaya.title not in page and "/events/meeting/new/?unit=" in page
    state = login_as(world.state_admin).get(f"/units/{world.bihar.pk}/").content.decode()
    assert patna.title in state and gaya.title in state


def test_organisers_download_the_attendance_and_others_cannot(world, two, login_as):
    patna, gaya = two
    coord = login_as(world.patna_coord)
    assert f"/events/{patna.pk}/attendance.xlsx" in coord.get(f"/events/{patna.pk}/").content.decode()
    r = coord.get(f"/events/{patna.pk}/attendance.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    named = next(row for row in rows[1:] if row[1] == "विनोद तावड़े")
    assert named[2] == "पटना › बाँकीपुर › मंडल 1 › शक्ति केंद्र 1 › बूथ 1" and named[3] == "1"
    walk = next(row for row in rows[1:] if row[3] == "5")
    assert walk[1] == "बिना निमंत्रण आए" and walk[5] == "मनन कृष्ण"
    assert not any("9000000" in cell for row in rows for cell in row)  # names, never phone numbers
    x = coord.get(f"/events/{patna.pk}/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(x.streaming_content)), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 3
    assert coord.get(f"/events/{gaya.pk}/attendance.csv").status_code == 404
    assert coord.get(f"/events/{patna.pk}/attendance.pdf").status_code == 404
    # An invitee sees the event but not the list of who came (login_as logs the one client in anew).
    worker = login_as(world.patna_worker)
    assert "attendance-export" not in worker.get(f"/events/{patna.pk}/").content.decode()
    assert worker.get(f"/events/{patna.pk}/attendance.csv").status_code == 403
    assert login_as(world.gaya_coord).get(f"/events/{patna.pk}/attendance.csv").status_code == 404
