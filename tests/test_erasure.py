"""Erasure and deactivation (issue 13, DPDP Act): a member asks for erasure or withdraws consent, their
coordinator is told and may erase at once, the timed work erases after the grace period and erases
the long idle; erasing replaces name, phone and free texts in every app and keeps reports and counts.
Deactivation is apart: posts end, log-in stops, reactivation brings the posts back."""

import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from PIL import Image

from sampark.core import erasure as core_erasure
from sampark.core import files
from sampark.core.audit import AuditEntry
from sampark.core.channels import MemorySMS
from sampark.core.jobs import run_ticks
from sampark.core.models import OutboxMessage
from sampark.difficulties import services as difficulty_services
from sampark.difficulties.models import ActionItem, Difficulty, DifficultyEvent, ReviewNote
from sampark.directives import authoring
from sampark.directives.models import Message, Receipt
from sampark.directives.receipts import acknowledge
from sampark.people import auth, deactivation, erasure
from sampark.people import services as people_services
from sampark.people.models import (
    ApiToken,
    ErasureRequest,
    LoginCode,
    Passkey,
    Person,
    PersonSession,
    PersonToken,
    Post,
    RecoveryCode,
    TOTPDevice,
)
from sampark.reports import services as report_services
from sampark.reports.models import Report, ReportPhoto
from tests.personas import enrol_authenticator

pytestmark = pytest.mark.django_db
ERASED = core_erasure.ERASED

# Text fields of models that hold a key to a person, and of the person, that no eraser handles,
# each with the reason it may stay after the person is erased.
KEPT = {
    "people.Consent.notice_version": "the version of the notice consented to: a date code, nothing the person wrote",
    "people.Person.name_hi": "replaced by the pseudonym in people.erasure.erase (tested below)",
    "people.Person.name_en": "replaced by the pseudonym in people.erasure.erase (tested below)",
    "people.Person.phone": "replaced by a placeholder in people.erasure.erase (tested below)",
    "people.Person.search_name": "rebuilt from the pseudonym in people.erasure.erase",
    "people.PersonToken.token": "rebuilt from the pseudonym in people.erasure.erase",
    "people.ErasureRequest.pseudonym": "the pseudonym itself, no personal data",
    "people.Post.unit_path": "a place in the tree",
    "people.TransferRequest.approver_path": "a place in the tree",
    "directives.Directive.target_path": "a place in the tree",
    "directives.Directive.levels": "codes of levels",
    "directives.Directive.roles": "codes of roles",
    "directives.Directive.teams": "codes of teams",
    "directives.Directive.title": "directives are the organisation's instructions to many, kept as written",
    "directives.Directive.body": "directives are the organisation's instructions to many, kept as written",
    "directives.Directive.required_action": "directives are the organisation's instructions, kept as written",
    "directives.Revision.title": "an earlier text of a directive (see Directive.title)",
    "directives.Revision.body": "an earlier text of a directive (see Directive.body)",
    "directives.Attachment.name": "a file sent with a directive (see Directive.body)",
    "directives.Attachment.content_type": "a file type",
    "directives.Attachment.file": "a file sent with a directive (see Directive.body)",
    "reports.Report.unit_path": "a place in the tree",
    "reports.Report.body_hash": "a hash for safe retries, no text",
    "difficulties.Difficulty.unit_path": "a place in the tree",
    "difficulties.Difficulty.handling_path": "a place in the tree",
    "difficulties.Difficulty.body_hash": "a hash for safe retries, no text",
    "difficulties.ReviewNote.unit_path": "a place in the tree",
    "difficulties.ActionItem.unit_path": "a place in the tree",
    "events.Event.title": "events are the organisation's record, kept as written (see Directive.title)",
    "events.Event.description": "events are the organisation's record, kept as written (see Directive.body)",
    "events.Event.venue": "a place where an event was held",
    "events.Event.unit_path": "a place in the tree",
    "events.Event.audience_path": "a place in the tree",
    "events.Event.levels": "codes of levels",
    "events.Event.roles": "codes of roles",
    "events.Event.teams": "codes of teams",
    "events.Rsvp.unit_path": "a place in the tree",
    "events.Checkin.unit_path": "a place in the tree",
    "events.ReviewEntry.unit_path": "a place in the tree",
    "events.ProgrammeItem.guest_name": "a guest who is not a member, named as in public; an erased member is "
                                       "named by key (the pseudonym), never here",
    "events.ProgrammeItem.guest_title": "a guest's public title (see guest_name)",
    "events.EventReport.text": "an event's report, sent to many, kept as written (see Directive.body)",
}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField, models.BinaryField)


def _text_fields_of_people_models() -> set[str]:
    """Text-like fields (not a choice) of the person, and of every model with a key to a person."""
    found = set()
    for model in apps.get_models():
        keys = [f for f in model._meta.get_fields() if f.is_relation and f.concrete
                and (f.many_to_one or f.one_to_one) and f.related_model is Person]
        if model is not Person and not keys:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, TEXT_FIELDS) and not f.choices and not f.primary_key:
                found.add(f"{model._meta.label}.{f.name}")
    return found


def _unhandled(erasers) -> set[str]:
    covered = {c for e in erasers.values() for c in e.covers}
    return {key for key in _text_fields_of_people_models()
            if key not in covered and key.rsplit(".", 1)[0] + ".*" not in covered} - set(KEPT)


def test_every_text_of_a_person_is_erased_or_kept_for_a_reason():
    erasers = core_erasure.registered_erasers()
    assert set(erasers) == {"people", "reports", "directives", "difficulties", "events", "network"}
    assert _unhandled(erasers) == set(), "register an eraser for these (core.erasure), or give a reason in KEPT"
    covered = {c for e in erasers.values() for c in e.covers}
    assert covered & set(KEPT) == set()
    assert set(KEPT) <= _text_fields_of_people_models(), "KEPT names a field that no longer exists"


def test_the_coverage_check_can_fail():
    erasers = core_erasure.registered_erasers()
    del erasers["directives"]
    assert _unhandled(erasers) == {"directives.Receipt.reply", "directives.Message.body",
                                   "directives.Message.channel", "directives.Message.template",
                                   "directives.Message.params", "directives.Message.last_error",
                                   "directives.Message.external_id", "directives.Message.ref",
                                   "directives.Message.link"}


# --- asking -----------------------------------------------------------------------------------------

def test_the_api_asks_once_and_a_retry_returns_the_same_request(world, client, api_as,
                                                                django_capture_on_commit_callbacks):
    headers = api_as(world.patna_worker)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/me/erasure", {"reason": "erasure"}, content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "reason", "requested_at", "takes_effect_at"} and body["reason"] == "erasure"
    req = ErasureRequest.objects.get()
    assert req.due_at - req.requested_at == timedelta(days=7) and req.done_at is None
    again = client.post("/api/v1/me/erasure", {"reason": "withdraw_consent"}, content_type="application/json",
                        **headers)
    assert again.status_code == 200 and again.json() == body
    assert ErasureRequest.objects.count() == 1
    bad = client.post("/api/v1/me/erasure", {"reason": "forget me"}, content_type="application/json", **headers)
    assert bad.status_code == 422 and "detail" in bad.json()
    assert AuditEntry.objects.filter(action="erasure.request").count() == 1
    # The coordinator is told by SMS, which names no one (their page does).
    (to, text), = [(to, t) for to, t in MemorySMS.delivered if to == world.patna_coord.phone]
    assert "मिटाने" in text and "विनोद" not in text and world.patna_worker.phone not in text
    assert OutboxMessage.objects.filter(to=world.patna_coord.phone).count() == 1
    # Nothing happens yet: the grace period runs.
    world.patna_worker.refresh_from_db()
    assert world.patna_worker.name_hi == "विनोद तावड़े" and world.patna_worker.is_active


def test_the_grace_period_is_a_policy(world):
    from sampark.core.policies import set_policy

    set_policy(None, "people.erasure_grace_days", "2")
    req, new = erasure.request_erasure(world.patna_worker, "withdraw_consent")
    assert new and req.due_at - req.requested_at == timedelta(days=2) and req.reason == "withdraw_consent"


def test_the_page_asks_only_after_the_confirmation(world, client, login_as):
    login_as(world.patna_worker)
    page = client.get("/account/data/").content.decode()
    assert "मेरा डेटा मिटाएँ" in page and "सहमति वापस लें" in page and "छद्म नाम" in page
    assert client.post("/account/data/erasure/", {"reason": "erasure"}).status_code == 302
    assert ErasureRequest.objects.count() == 0  # no confirmation, nothing asked
    r = client.post("/account/data/erasure/", {"reason": "withdraw_consent", "confirm": "yes"}, follow=True)
    assert ErasureRequest.objects.get().reason == "withdraw_consent"
    assert 'id="erasure-pending"' in r.content.decode()


# --- the coordinator's page ----------------------------------------------------------------------------

def test_the_coordinator_sees_the_request_and_erases_now_and_others_get_404(world, client, login_as):
    req, _ = erasure.request_erasure(world.patna_worker, "erasure")
    login_as(world.gaya_coord)
    assert "विनोद" not in client.get("/people/erasures/").content.decode()
    assert client.post(f"/people/erasures/{req.pk}/erase/", {"confirm": "yes"}).status_code == 404
    login_as(world.patna_worker)  # their own: a coordinator erases it, or its time
    assert client.post(f"/people/erasures/{req.pk}/erase/", {"confirm": "yes"}).status_code == 404
    login_as(world.patna_coord)
    page = client.get("/people/erasures/").content.decode()
    assert "विनोद तावड़े" in page and "बूथ 1" in page and "अभी मिटाएँ" in page
    client.post(f"/people/erasures/{req.pk}/erase/")  # without the confirmation: nothing
    req.refresh_from_db()
    assert req.done_at is None
    client.post(f"/people/erasures/{req.pk}/erase/", {"confirm": "yes"})
    req.refresh_from_db()
    assert req.done_at is not None and req.confirmed_by == world.patna_coord
    world.patna_worker.refresh_from_db()
    assert world.patna_worker.name_hi == "सदस्य " + req.pseudonym and not world.patna_worker.is_active
    assert "विनोद" not in client.get("/people/erasures/").content.decode()
    assert client.post(f"/people/erasures/{req.pk}/erase/", {"confirm": "yes"}).status_code == 404


# --- erasing ----------------------------------------------------------------------------------------

def _jpeg(name="p.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _one_of_each(world, person, mark):
    """Everything a worker writes, and what lets them act."""
    now = timezone.now()
    report, _ = report_services.submit_report(person, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                                              date=timezone.localdate(), values={"attendance": 7, "topic": mark})
    report_services.add_photo(person, report, photo_id=uuid.uuid4(), upload=_jpeg())
    d, _ = difficulty_services.raise_difficulty(person, id=uuid.uuid4(), unit=world.patna_booth, category="content",
                                                text=mark + " कठिनाई", now=now, photo=_jpeg())
    helper = people_services.create_person(None, phone="9833333333", name_hi="सहायक")
    people_services.add_post(None, person=helper, unit=world.patna_booth, role="worker")
    difficulty_services.assign_difficulty(world.patna_coord, d, person=helper, text="देखिए")
    directive = authoring.publish_directive(world.patna_coord, authoring.create_directive(
        world.patna_coord, target_unit=world.patna, title="बैठक", body="सब आएँ"))
    acknowledge(person, directive, reply=mark + " उत्तर")
    Message.objects.create(recipient=person, directive=directive, kind="reminder", channel="app",
                           body="याद दिलाना", created_at=now)
    Passkey.objects.create(person=person, credential_id=mark + "-key", public_key=b"-", label="फ़ोन")
    PersonSession.objects.create(session_key=uuid.uuid4().hex, session_data="", expire_date=now + timedelta(days=1),
                                 person=person, created_at=now, last_seen_at=now, user_agent="Android")
    auth.issue_token(person, person, label="ऐप")
    enrol_authenticator(person)
    auth.request_code(person.phone)
    return report, d


def test_erasing_replaces_name_phone_and_free_texts_and_keeps_reports(world, settings, tmp_path,
                                                                      django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    person, mark = world.patna_worker, "तावड़ेलिखा"
    report, d = _one_of_each(world, person, mark)
    photo_files = [tmp_path / p.file for p in ReportPhoto.objects.all()] + [tmp_path / d.photo.name]
    photo_files += [tmp_path / files.thumb_path(str(f.relative_to(tmp_path))) for f in photo_files]
    assert all(f.exists() for f in photo_files)  # the photos and their thumbnails
    old_phone = person.phone
    req, _ = erasure.request_erasure(person, "erasure")

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(None, req)

    person.refresh_from_db()
    req.refresh_from_db()
    assert len(req.pseudonym) == 6 and req.done_at is not None
    assert (person.name_hi, person.name_en) == ("सदस्य " + req.pseudonym, "Member " + req.pseudonym)
    assert person.phone.startswith("+0") and len(person.phone) == 16 and not person.is_active
    assert old_phone[-10:] not in person.phone
    assert set(PersonToken.objects.filter(person=person).values_list("token", flat=True)) <= set(
        people_services.person_tokens(person.name_hi, person.name_en))
    assert "vnd" not in person.search_name
    for model in (PersonSession, ApiToken, TOTPDevice, RecoveryCode, Passkey):
        assert not model.objects.filter(person=person).exists(), model
    assert not LoginCode.objects.filter(phone=old_phone).exists()
    assert not OutboxMessage.objects.filter(to=old_phone).exists()
    assert not Post.objects.filter(person=person, active=True).exists()
    assert Post.objects.filter(person=person).count() == 1  # the history stays
    # The report stays, its number too; its text and photos go.
    report.refresh_from_db()
    assert report.author_id == person.pk and report.values == {"attendance": 7, "topic": ERASED}
    assert not ReportPhoto.objects.exists() and not any(f.exists() for f in photo_files)
    d.refresh_from_db()
    assert (d.text, d.link, d.photo.name, d.raised_by_id) == (ERASED, "", "", person.pk)
    assert not DifficultyEvent.objects.filter(text__contains=mark).exists()
    assert DifficultyEvent.objects.filter(difficulty=d).count() == 2  # raised, assigned: the steps stay
    assert set(Receipt.objects.filter(person=person).values_list("kind", "reply")) == {("read", ""), ("ack", ERASED)}
    assert not Message.objects.filter(recipient=person).exists()
    # The SMS that carried their text to the one it was passed to is gone too.
    assert not OutboxMessage.objects.filter(body__contains=mark).exists()
    # The audit row names ids only.
    row = AuditEntry.objects.get(action="person.erase")
    assert row.object_id == str(person.pk) and mark not in json.dumps(row.after, ensure_ascii=False)
    # Nobody logs in as them any more.
    with pytest.raises(auth.LoginError):
        auth.request_code(person.phone)
    # Running it again changes nothing.
    assert erasure.erase(None, req).done_at == req.done_at


def test_an_erasure_and_the_rollback_of_it_leave_everything(world, monkeypatch):
    req, _ = erasure.request_erasure(world.patna_worker, "erasure")
    monkeypatch.setitem(core_erasure._ERASERS, "broken", core_erasure.Eraser("broken", lambda p, m: 1 / 0, ()))
    with pytest.raises(ZeroDivisionError):
        erasure.erase(None, req)
    world.patna_worker.refresh_from_db()
    assert world.patna_worker.name_hi == "विनोद तावड़े" and world.patna_worker.is_active
    assert Post.objects.filter(person=world.patna_worker, active=True).count() == 1
    req.refresh_from_db()
    assert req.done_at is None


def test_the_timed_work_erases_after_the_grace_period_once(world):
    req, _ = erasure.request_erasure(world.patna_worker, "erasure")
    assert "erasures_done" not in run_ticks(req.due_at - timedelta(minutes=1))["people"]
    assert ErasureRequest.objects.get().done_at is None
    assert run_ticks(req.due_at)["people"]["erasures_done"] == 1
    assert "erasures_done" not in run_ticks(req.due_at + timedelta(minutes=1))["people"]
    world.patna_worker.refresh_from_db()
    assert world.patna_worker.name_en.startswith("Member ") and not world.patna_worker.is_active
    assert Report.objects.count() == 0  # (none made) ... and the rest of the world is untouched:
    world.gaya_worker.refresh_from_db()
    assert world.gaya_worker.name_hi == "अमल अवस्थी"


def test_a_tick_erases_a_bounded_batch(world, monkeypatch):
    monkeypatch.setattr(erasure, "BATCH", 1)
    a, _ = erasure.request_erasure(world.patna_worker, "erasure")
    erasure.request_erasure(world.gaya_worker, "erasure")
    later = a.due_at + timedelta(days=1)
    assert erasure.erase_due(later) == 1 and erasure.erase_due(later) == 1 and erasure.erase_due(later) == 0


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_erase_each_person_once():
    import threading

    from django.db import connection, connections

    from tests.personas import build_world

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need a file or server database (see test_difficulties)")
    world = build_world()
    people = [world.patna_worker, world.gaya_worker, world.up_coord]
    reqs = [erasure.request_erasure(p, "erasure")[0] for p in people]
    later = max(r.due_at for r in reqs) + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(erasure.erase_due(later))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(results) == len(people)
    for p in people:
        assert AuditEntry.objects.filter(action="person.erase", object_id=str(p.pk)).count() == 1
        p.refresh_from_db()
        assert p.name_en == "Member " + ErasureRequest.objects.get(person=p).pseudonym


# --- retention ---------------------------------------------------------------------------------------

def test_idle_people_without_a_post_are_erased_and_the_others_are_not(world, django_capture_on_commit_callbacks):
    now = timezone.now()
    days = timedelta(days=730)
    idle = people_services.create_person(None, phone="9811111111", name_hi="निष्क्रिय सदस्य")
    world.patna_worker.refresh_from_db()
    assert idle.inactive_since is not None and world.patna_worker.inactive_since is None
    post = world.gaya_worker.posts.get()
    people_services.end_post(None, post)  # their last post ends: idle from now
    world.gaya_worker.refresh_from_db()
    assert world.gaya_worker.inactive_since is not None
    assert erasure.erase_idle(now + days - timedelta(hours=1)) == 0
    # A log-in restarts the clock.
    later = now + timedelta(days=100)
    with django_capture_on_commit_callbacks(execute=True):
        auth.request_code(world.gaya_worker.phone, now=later)
    code = re.search(r"\d{6}", MemorySMS.last_to(world.gaya_worker.phone)).group(0)
    auth.verify_code(world.gaya_worker.phone, code, now=later)
    assert erasure.erase_idle(now + days + timedelta(hours=1)) == 1
    idle.refresh_from_db()
    world.gaya_worker.refresh_from_db()
    assert idle.name_hi.startswith("सदस्य ") and world.gaya_worker.name_hi == "अमल अवस्थी"
    assert ErasureRequest.objects.get(person=idle).reason == "retention"
    assert erasure.erase_idle(now + days + timedelta(days=101)) == 1  # now the worker, 730 days after the log-in
    assert erasure.erase_idle(now + days * 3) == 0  # erased people are not read again
    for holder in (world.patna_worker, world.patna_coord, world.state_admin):
        holder.refresh_from_db()
        assert holder.is_active and holder.inactive_since is None
    # A post given ends the idleness.
    someone = people_services.create_person(None, phone="9822222222", name_hi="नया")
    people_services.add_post(None, person=someone, unit=world.patna_booth, role="worker")
    someone.refresh_from_db()
    assert someone.inactive_since is None


# --- deactivation -----------------------------------------------------------------------------------

def test_deactivate_ends_posts_sessions_tokens_and_log_in_and_reactivate_brings_back(world, client, api_as):
    worker = world.patna_worker
    auth.issue_token(worker, worker)
    PersonSession.objects.create(session_key=uuid.uuid4().hex, session_data="", person=worker,
                                 expire_date=timezone.now() + timedelta(days=1))
    headers = api_as(world.patna_coord)
    assert client.post(f"/api/v1/people/{worker.pk}/deactivate", **api_as(world.gaya_coord)).status_code == 404
    r = client.post(f"/api/v1/people/{worker.pk}/deactivate", **headers)
    assert r.status_code == 200 and r.json() == {"id": worker.pk, "is_active": False}
    worker.refresh_from_db()
    assert not worker.is_active and not Post.objects.filter(person=worker, active=True).exists()
    assert not PersonSession.objects.filter(person=worker).exists()
    assert not ApiToken.objects.filter(person=worker, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="person.deactivate", object_id=str(worker.pk)).count() == 1
    # No code is sent, and no code logs them in; the answers are those of any unknown number.
    MemorySMS.delivered.clear()
    auth.request_code(worker.phone)
    assert MemorySMS.delivered == []
    with pytest.raises(auth.LoginError):
        auth.verify_code(worker.phone, "123456")
    # Gaya's coordinator cannot bring them back; Patna's can, with the post.
    assert client.post(f"/api/v1/people/{worker.pk}/reactivate", **api_as(world.gaya_coord)).status_code == 404
    r = client.post(f"/api/v1/people/{worker.pk}/reactivate", **headers)
    assert r.status_code == 200 and r.json()["is_active"] is True
    assert list(Post.objects.filter(person=worker, active=True).values_list("unit_id", flat=True)) == [
        world.patna_booth.pk]
    worker.refresh_from_db()
    assert worker.inactive_since is None


def test_the_person_page_deactivates_and_reactivates_behind_a_confirmation(world, client, login_as):
    worker = world.patna_worker
    login_as(world.patna_coord)
    page = client.get(f"/people/{worker.pk}/").content.decode()
    assert 'id="person-deactivate"' in page and "निष्क्रिय करें" in page
    client.post(f"/people/{worker.pk}/deactivate/")
    worker.refresh_from_db()
    assert worker.is_active  # not confirmed
    client.post(f"/people/{worker.pk}/deactivate/", {"confirm": "yes"})
    worker.refresh_from_db()
    assert not worker.is_active
    page = client.get(f"/people/{worker.pk}/").content.decode()  # still found, to be reactivated
    assert 'id="person-inactive"' in page and 'id="person-reactivate"' in page
    login_as(world.gaya_coord)
    assert client.get(f"/people/{worker.pk}/").status_code == 404
    assert client.post(f"/people/{worker.pk}/reactivate/", {"confirm": "yes"}).status_code == 404
    login_as(world.patna_coord)
    client.post(f"/people/{worker.pk}/reactivate/", {"confirm": "yes"})
    worker.refresh_from_db()
    assert worker.is_active and Post.objects.filter(person=worker, active=True).count() == 1


def test_an_erased_person_cannot_be_reactivated(world):
    req, _ = erasure.request_erasure(world.patna_worker, "erasure")
    erasure.erase(None, req)
    assert deactivation.deactivated_in_reach(world.patna_coord, world.patna_worker.pk) is None
    with pytest.raises(people_services.PeopleError):
        deactivation.reactivate_person(world.patna_coord, world.patna_worker)


def test_review_notes_and_action_items_written_by_a_leader_are_erased(world):
    item = difficulty_services.add_action_item(world.patna_coord, world.patna_ac, owner=world.patna_worker,
                                               text="मनन का काम", due_on=timezone.localdate() + timedelta(days=3))
    difficulty_services.add_review_note(world.patna_coord, world.patna_ac, text="मनन की टिप्पणी")
    req, _ = erasure.request_erasure(world.patna_coord, "erasure")
    erasure.erase(None, req)
    item.refresh_from_db()
    assert item.text == ERASED and ActionItem.objects.count() == 1
    assert ReviewNote.objects.get().text == ERASED  # append-only, except for this
    assert Difficulty.objects.count() == 0


def test_the_idle_are_read_from_an_index_not_by_scanning_people(world):
    from django.db import connection

    qs = Person.objects.filter(inactive_since__lt=timezone.now()).order_by("inactive_since").values("pk")[:50]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned anyway
            cur.execute("EXPLAIN " + sql, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cur.fetchall())
    assert "inactive_since" in plan and "Seq Scan" not in plan and "SCAN people_person" not in plan.replace(
        "USING INDEX", ""), plan


def test_the_requests_page_costs_the_same_queries_for_one_request_or_many(world, client, login_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_as(world.patna_coord)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/people/erasures/").status_code == 200
        return len(ctx.captured_queries)

    erasure.request_erasure(world.patna_worker, "erasure")
    one = queries()
    for i in range(3):
        member = people_services.add_member(world.patna_coord, unit=world.patna_booth, phone=f"98444000{i}0",
                                            name_hi=f"सदस्य नाम {i}", role="worker")
        erasure.request_erasure(member, "withdraw_consent")
    assert queries() == one
