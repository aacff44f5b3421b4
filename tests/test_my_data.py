"""The right of access (DPDP Act): "my data" gives everything held about the person, only theirs,
as JSON (API and page) and CSV; and every key to a person in any model is covered by a section."""

import csv
import io
import json
import uuid
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from sampark.core import mydata
from sampark.difficulties import services as difficulty_services
from sampark.directives import authoring as directive_services
from sampark.directives.models import Message
from sampark.directives.receipts import acknowledge
from sampark.people import services as people_services
from sampark.people.auth import issue_token
from sampark.people.models import Passkey, Person, PersonSession
from sampark.reports import services as report_services
from tests.personas import enrol_authenticator

# Keys to a person that no section lists, each with the reason it is not "the person's data".
NOT_THEIRS = {
    "people.PersonToken.person": "search keys derived from the name, which the person section gives",
    "people.TransferRequest.requested_by": "a leader's act about another person: that person's data",
    "people.TransferRequest.decided_by": "a leader's act about another person: that person's data",
    "people.ErasureRequest.confirmed_by": "a leader's act about another person: that person's data",
    "directives.Revision.edited_by": "an earlier text of a directive; the directives written are listed",
    "directives.Attachment.uploaded_by": "a file of a directive; the directives written are listed",
    "directives.WhatsAppWindow.person": "only when they last wrote on WhatsApp, a delivery timer",
    "reports.ReportRevision.edited_by": "an earlier version of a report; the report is listed",
    "reports.ReportPhoto.uploaded_by": "a photo of a report; the report is listed",
    "difficulties.Difficulty.assigned_to": "someone else's difficulty, handled in a leader's role",
    "difficulties.DifficultyEvent.actor": "steps in handling a difficulty (the raiser's is listed)",
    "difficulties.DifficultyEvent.person": "steps in handling a difficulty (the raiser's is listed)",
    "difficulties.ReviewNote.author": "a note about a unit in a review, not about the person",
    "difficulties.ActionItem.created_by": "an item given to someone else, who sees it",
    "difficulties.ActionItem.done_by": "an item owned by someone else, who sees it",
}
# Audit rows name people by actor_id (a number, not a key) and keep no personal data beyond ids.


def _keys_to_person() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)
                    and field.related_model is Person):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def _uncovered(sections) -> set[str]:
    covered = {key for section in sections.values() for key in section.covers}
    return _keys_to_person() - covered - set(NOT_THEIRS)


def test_every_key_to_a_person_is_covered_by_a_section_or_excused():
    covered = {key for section in mydata.registered_sections().values() for key in section.covers}
    assert _uncovered(mydata.registered_sections()) == set(), "add a my-data section for these, or a reason"
    assert covered & set(NOT_THEIRS) == set()
    assert covered | set(NOT_THEIRS) <= _keys_to_person(), "a section or a reason names a key that no longer exists"


def test_the_coverage_check_can_fail():
    # Without the posts section, its key to the person is reported (the check is not vacuous).
    sections = mydata.registered_sections()
    del sections["posts"]
    assert _uncovered(sections) == {"people.Post.person"}


def _one_of_each(world, person, booth, mark):
    now = timezone.now()
    report_services.submit_report(person, id=uuid.uuid4(), unit=booth, type="meeting",
                                  date=timezone.localdate(), values={"attendance": 7, "topic": mark + " report"})
    difficulty_services.raise_difficulty(person, id=uuid.uuid4(), unit=booth, category="content",
                                         text=mark + " difficulty", now=now)
    coord = world.patna_coord if booth == world.patna_booth else world.gaya_coord
    area = world.patna if booth == world.patna_booth else world.gaya
    difficulty_services.add_action_item(coord, area, owner=person, text=mark + " item",
                                        due_on=timezone.localdate() + timedelta(days=7), now=now)
    directive = directive_services.create_directive(coord, target_unit=area, title=mark + " directive", body=mark)
    directive = directive_services.publish_directive(coord, directive)
    acknowledge(person, directive, reply=mark + " reply")
    # Made directly: a real message is queued by a reminder tick, a passkey needs an authenticator,
    # a session a browser; the sections read them all the same.
    Message.objects.create(recipient=person, directive=directive, kind="reminder", channel="app",
                           body=mark + " message", created_at=now)
    Passkey.objects.create(person=person, credential_id=mark + "-passkey", public_key=b"-", label=mark + " key")
    PersonSession.objects.create(session_key=(mark.lower() * 10)[:40], session_data="", expire_date=now + timedelta(days=1),
                                 person=person, created_at=now, last_seen_at=now, user_agent=mark + " phone",
                                 ip_prefix="10.1.2.0/24")
    issue_token(person, person, label=mark + " token")
    enrol_authenticator(person)
    # Asked by the other district's coordinator, decided above both.
    other_booth = world.gaya_booth if booth == world.patna_booth else world.patna_booth
    other_coord = world.gaya_coord if booth == world.patna_booth else world.patna_coord
    people_services.request_transfer(other_coord, person, unit=other_booth, role="worker")


def _check_holds_patna_not_gaya(data: dict, world):
    text = json.dumps(data, ensure_ascii=False)
    assert "GAYAMARK" not in text and world.gaya_worker.phone not in text and world.gaya_worker.name_hi not in text
    assert data["person"] == [data["person"][0]] and data["person"][0]["phone"] == world.patna_worker.phone
    assert data["person"][0]["name_hi"] == "विनोद तावड़े"
    assert [p["unit_name_hi"] for p in data["posts"]] == ["बूथ 1"]
    assert data["posts"][0]["unit_path"] == world.patna_booth.path
    made = [s for s in data["sessions"] if s["device"] == "PATNAMARK phone"]  # besides this test's log-in
    assert len(made) == 1 and made[0]["network_prefix"] == "10.1.2.0/24"
    assert {(r["kind"], r["reply"], r["directive_title"]) for r in data["receipts"]} == {
        ("read", "", "PATNAMARK directive"), ("ack", "PATNAMARK reply", "PATNAMARK directive")}
    assert [m["body"] for m in data["messages"]] == ["PATNAMARK message"]
    assert [r["values"]["topic"] for r in data["reports"]] == ["PATNAMARK report"]
    assert data["reports"][0]["unit"] == world.patna_booth.pk and data["reports"][0]["type"] == "meeting"
    assert [d["text"] for d in data["difficulties"]] == ["PATNAMARK difficulty"]
    assert data["difficulties"][0]["status"]
    assert [a["text"] for a in data["action_items"]] == ["PATNAMARK item"]
    assert [t["to_unit"] for t in data["transfers"]] == [world.gaya_booth.pk]
    assert [t["label"] for t in data["api_tokens"]] == ["PATNAMARK token"]
    kinds = {f["kind"]: f for f in data["second_factor"]}
    assert kinds["authenticator"]["enrolled_at"] and kinds["recovery_codes"]["codes_left"] == 10
    assert kinds["passkey"]["label"] == "PATNAMARK key"
    assert data["directives_written"] == []
    from sampark.people.notice import NOTICE_VERSION

    assert [(c["notice_version"], c["withdrawn_at"]) for c in data["consents"]] == [(NOTICE_VERSION, None)]
    # Facts only: no secret, hash or key.
    for word in ("secret", "hash", "public_key", "credential_id", "session_key", "session_data"):
        assert word not in text


def test_my_data_holds_everything_of_mine_and_nothing_of_anyone_else(world, client, login_as):
    _one_of_each(world, world.patna_worker, world.patna_booth, "PATNAMARK")
    _one_of_each(world, world.gaya_worker, world.gaya_booth, "GAYAMARK")
    assert set(mydata.registered_sections()) == {
        "person", "posts", "sessions", "second_factor", "api_tokens", "transfers", "receipts", "messages",
        "directives_written", "reports", "difficulties", "action_items", "phone_reveals",
        "erasure_requests", "consents", "event_rsvps", "event_checkins", "event_programme", "events_written",
        "network_handles", "network_reviewed"}

    login_as(world.patna_worker)
    r = client.get("/api/v1/me/data")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    assert "विनोद".encode() in r.content  # UTF-8 as itself, not \u escapes
    _check_holds_patna_not_gaya(json.loads(r.content), world)

    r = client.get("/account/data/?download=json")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    _check_holds_patna_not_gaya(json.loads(r.content), world)

    r = client.get("/account/data/?download=csv")
    assert r.status_code == 200
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert "GAYAMARK" not in body and world.gaya_worker.phone not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    sections = {row["section"] for row in rows}
    assert {"person", "posts", "sessions", "second_factor", "api_tokens", "transfers", "receipts", "messages",
            "reports", "difficulties", "action_items", "consents"} <= sections
    assert any(row["section"] == "reports" and "PATNAMARK report" in row["values"] for row in rows)
    assert next(row for row in rows if row["section"] == "person")["phone"] == "'+919000000004"  # kept as text

    page = client.get("/account/data/").content.decode()
    assert "मेरा डेटा" in page and "PATNAMARK difficulty" in page and "GAYAMARK" not in page


def test_my_data_needs_a_log_in(client, world):
    assert client.get("/api/v1/me/data").status_code == 401
    assert client.get("/account/data/").status_code == 302


def test_a_person_corrects_their_own_name_and_language_and_nothing_else(client, world, login_as, api_as):
    """The right of correction: one's own name and language directly, on the page and in the API; a bad
    value is refused with its message and nothing changes."""
    me = world.patna_worker
    login_as(me)
    r = client.post("/account/data/name/", {"name_hi": "विनोद तावडे", "name_en": "Vinod Tawade", "lang": "en"})
    assert r.status_code == 302 and r.url == "/account/data/"
    me.refresh_from_db()
    assert (me.name_hi, me.name_en, me.lang) == ("विनोद तावडे", "Vinod Tawade", "en")
    from sampark.people.models import PersonToken

    assert PersonToken.objects.filter(person=me).exists()  # searchable by the new spelling
    r = client.post("/account/data/name/", {"name_hi": "", "name_en": "", "lang": "hi"})
    assert r.status_code == 400 and "name" in r.content.decode().lower()
    me.refresh_from_db()
    assert me.name_en == "Vinod Tawade" and me.lang == "en"
    headers = api_as(me)
    r = client.patch("/api/v1/me", {"name_en": "Vinod T.", "lang": "hi"}, content_type="application/json", **headers)
    assert r.status_code == 200 and r.json()["name_en"] == "Vinod T." and r.json()["lang"] == "hi"
    r = client.patch("/api/v1/me", {"phone": "+919999999999"}, content_type="application/json", **headers)
    assert r.status_code == 422  # the phone is corrected by a coordinator, not here
    r = client.patch("/api/v1/me", {"lang": "fr"}, content_type="application/json", **headers)
    assert r.status_code == 422 and "detail" in r.json()
    me.refresh_from_db()
    assert (me.name_en, me.lang, me.phone) == ("Vinod T.", "hi", "+919000000004")
