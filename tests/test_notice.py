"""The privacy notice lists every personal field (issue 13: "a test fails when a model gains a personal field
that the notice does not list"), and its text cannot change without a new version.

A field is personal when it can hold something about a person (text, JSON, a network or e-mail address, a
file, a date of birth) and sits on Person or on a model with a key to Person (the person's own data). Each
such field is listed by an item of the notice (people.notice.ITEMS, "fields") or excused below, with the
reason it says nothing about the person (a code, a status, a hash, a path in the tree, a random id)."""

from types import SimpleNamespace

from django.apps import apps
from django.db import models

from sampark.people import notice
from sampark.people.models import Person

# Fields that pass the test of type but say nothing about the person, each with the reason.
NOT_PERSONAL = {
    "people.PersonSession.session_key": "the session's random key (the credential), nothing about the person",
    "people.ApiToken.prefix": "the first characters of a random token, to tell tokens apart",
    "people.ApiToken.key_hash": "a keyed hash of a random token",
    "people.TOTPDevice.secret_encrypted": "a random secret shared with the authenticator app, encrypted",
    "people.RecoveryCode.code_hash": "a keyed hash of a random recovery code",
    "people.Passkey.credential_id": "a random id the phone made for the passkey",
    "people.Passkey.public_key": "the passkey's public key: random, nothing about the person",
    "people.TransferRequest.approver_path": "a path in the tree: which unit decides the transfer",
    "people.TransferRequest.status": "a status code",
    "directives.Directive.target_path": "whom a directive goes to: a unit's path in the tree",
    "directives.Directive.levels": "whom a directive goes to: level codes",
    "directives.Directive.roles": "whom a directive goes to: role codes",
    "directives.Directive.teams": "whom a directive goes to: team codes",
    "directives.Directive.priority": "a priority code",
    "directives.Directive.status": "a status code",
    "directives.Attachment.content_type": "a file type",
    "directives.Receipt.kind": "a code: read or acknowledged",
    "directives.Message.kind": "a code: what kind of message",
    "directives.Message.channel": "a code: app, SMS or WhatsApp",
    "directives.Message.status": "a status code",
    "directives.Message.last_error": "a delivery gateway's error text about the message",
    "directives.Message.external_id": "the delivery gateway's id for the message",
    "directives.Message.ref": "a key naming what the message is about (a directive, a day, a difficulty's step)",
    "directives.Message.link": "a path in the app that the message opens",
    "reports.Report.unit_path": "a path in the tree: the unit reported on",
    "reports.Report.body_hash": "a hash of the report, to tell a retry from a change",
    "difficulties.Difficulty.unit_path": "a path in the tree: the unit of the difficulty",
    "difficulties.Difficulty.handling_path": "a path in the tree: the unit handling it",
    "difficulties.Difficulty.status": "a status code",
    "difficulties.Difficulty.body_hash": "a hash of the difficulty, to tell a retry from a change",
    "difficulties.DifficultyEvent.kind": "a code: what step",
    "difficulties.ReviewNote.unit_path": "a path in the tree: the unit reviewed",
    "difficulties.ActionItem.unit_path": "a path in the tree: the unit of the task",
    "events.Event.unit_path": "a path in the tree: the organising unit",
    "events.Event.audience_path": "whom an event invites: a unit's path in the tree",
    "events.Event.levels": "whom an event invites: level codes",
    "events.Event.roles": "whom an event invites: role codes",
    "events.Event.teams": "whom an event invites: team codes",
    "events.Event.status": "a status code",
    "events.Rsvp.unit_path": "a path in the tree: the unit the answer is counted under",
    "events.Checkin.unit_path": "a path in the tree: the unit the attendance is counted under",
    "events.ReviewEntry.kind": "a code: activity, difficulty or instruction",
    "events.ReviewEntry.unit_path": "a path in the tree: the unit reviewed",
    "events.EventReport.lang": "a language code",
    "events.EventReport.status": "a status code",
    "network.Handle.unit_path": "a path in the tree: the unit the handle counts under",
    "network.Handle.status": "a status code: shown or hidden",
    "network.Snapshot.status": "a status code: counted, awaiting confirmation or not accepted",
    "network.Snapshot.source": "a code: entered by the member, a coordinator, or imported",
}

# Types that can hold something about a person. (CharField covers its kin: e-mail, URL, slug, paths.)
PERSONAL_TYPES = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField,
                  models.FileField, models.BinaryField)
BIRTH_WORDS = ("birth", "dob", "born")


def is_personal_type(field) -> bool:
    if isinstance(field, PERSONAL_TYPES):
        return True
    return (isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
            and any(word in field.name.lower() for word in BIRTH_WORDS))


def holds_a_person(model) -> bool:
    return model is Person or any(f.is_relation and f.related_model is Person for f in model._meta.concrete_fields)


def personal_fields(all_models) -> set[str]:
    return {f"{m._meta.label}.{f.name}"
            for m in all_models if not (m._meta.abstract or m._meta.proxy) and holds_a_person(m)
            for f in m._meta.concrete_fields if not f.is_relation and is_personal_type(f)}


def sampark_models():
    return [m for m in apps.get_models() if m.__module__.startswith("sampark.")]


def unlisted(found: set[str], listed: set[str], excused: dict[str, str]) -> list[str]:
    """What a developer must do for each personal field neither listed nor excused."""
    return [f"{name}: a personal field the privacy notice does not list. Add it to an item's fields in "
            f"sampark/people/notice.py (and change NOTICE_VERSION: everyone is asked again), or, if it says "
            f"nothing about the person, to NOT_PERSONAL in tests/test_notice.py with the reason."
            for name in sorted(found - listed - set(excused))]


def test_every_personal_field_is_listed_by_the_notice_or_excused():
    problems = unlisted(personal_fields(sampark_models()), notice.covered_fields(), NOT_PERSONAL)
    assert not problems, "\n".join(problems)


def test_what_the_notice_and_the_excuses_name_exists_and_they_do_not_overlap():
    every = {f"{m._meta.label}.{f.name}" for m in apps.get_models() for f in m._meta.concrete_fields}
    assert notice.covered_fields() <= every, notice.covered_fields() - every
    assert set(NOT_PERSONAL) <= every, set(NOT_PERSONAL) - every
    assert not notice.covered_fields() & set(NOT_PERSONAL)
    assert set(NOT_PERSONAL) <= personal_fields(sampark_models()), "an excuse for a field that is not personal"


def test_the_check_can_fail():
    found = personal_fields(sampark_models())
    # A field the notice stopped listing is reported, by name, with what to do.
    [problem] = unlisted(found, notice.covered_fields() - {"people.Person.phone"}, NOT_PERSONAL)
    assert problem.startswith("people.Person.phone: a personal field the privacy notice does not list")
    assert "NOTICE_VERSION" in problem and "NOT_PERSONAL" in problem
    # A model that gains a key to a person and a text field is found (a stand-in, not a real model).
    nickname = models.CharField(max_length=50)
    nickname.name = "nickname"
    born = models.DateField()
    born.name = "date_of_birth"
    joined = models.DateTimeField()
    joined.name = "joined_at"
    key = models.ForeignKey(Person, on_delete=models.CASCADE)
    key.name = "person"
    fake = SimpleNamespace(_meta=SimpleNamespace(label="people.Nickname", abstract=False, proxy=False,
                                                 concrete_fields=[key, nickname, born, joined]))
    found_too = personal_fields([*sampark_models(), fake])
    assert found_too - found == {"people.Nickname.nickname", "people.Nickname.date_of_birth"}
    assert [p.split(":")[0] for p in unlisted(found_too, notice.covered_fields(), NOT_PERSONAL)] == [
        "people.Nickname.date_of_birth", "people.Nickname.nickname"]
    # Without a key to a person, the same field is not the person's data.
    loose = SimpleNamespace(_meta=SimpleNamespace(label="org.Loose", abstract=False, proxy=False,
                                                  concrete_fields=[nickname]))
    assert personal_fields([loose]) == set()


# Each version's text and coverage, as published. A change to the notice without a new version fails here:
# set a new NOTICE_VERSION (everyone consents again) and record its fingerprint.
FINGERPRINTS = {
    "2026-11-28": "132b08070f5de2658b4431a4ac38e361fa5b3ca35a808f25af5b4114e5eaab53",  # first published with issue 13
    "2026-11-28.2": "f06bb448f754918cb4143547a4c4f857c1a1c6d5213252c9ead77bc47b02fbc8",  # + when directives reach the phone
    "2026-11-28.3": "ca2523df6fd087bbcbd45ed217bdb1b9dc9a92116a45e6667a10044b4e9b0331",  # + events: answers, check-ins, roles
    "2026-11-28.4": "95724c3510bd9f5ef5b9c95cf426bb26cafce49afea5c7a08ad5ba5ec9a27189",  # + network: handles and counts
}


def test_the_notice_text_changes_only_with_a_new_version():
    assert notice.fingerprint() == FINGERPRINTS.get(notice.NOTICE_VERSION), (
        "The privacy notice changed: set a new NOTICE_VERSION in sampark/people/notice.py and record "
        f'"{notice.NOTICE_VERSION}": "{notice.fingerprint()}" (with the new version) in FINGERPRINTS.')


def test_every_item_and_section_is_written_in_hindi_and_english(db):
    keys = [i.key for i in notice.ITEMS] + [s.key for s in notice.SECTIONS]
    assert len(keys) == len(set(keys))
    for text in [t for i in notice.ITEMS for t in (i.what, i.kept)] + [t for s in notice.SECTIONS
                                                                         for t in (s.title, s.text)]:
        assert any("\u0900" <= ch <= "\u097f" for ch in text.hi), text.hi
        assert text.en and not any("\u0900" <= ch <= "\u097f" for ch in text.en), text.en
        # The same durations and links are named in both languages.
        assert sorted(part.split("}")[0] for part in text.hi.split("{")[1:]) == sorted(
            part.split("}")[0] for part in text.en.split("{")[1:]), text.en
    for lang in ("hi", "en"):
        shown = notice.rendered(lang)
        texts = [shown["intro"]] + [i[k] for i in shown["items"] for k in ("what", "kept")] + [
            s[k] for s in shown["sections"] for k in ("title", "text")]
        assert not [t for t in texts if "{" in t or "}" in t]


def test_durations_read_the_settings_and_policies(db, settings):
    from sampark.core import policies

    settings.SAMPARK_SESSION_IDLE_MINUTES = 90
    settings.SAMPARK_SESSION_MAX_DAYS = 1
    policies.refresh()
    hi, en = notice.durations("hi"), notice.durations("en")
    assert hi["session_idle"] == "90 मिनट" and en["session_idle"] == "90 minutes"
    assert hi["session_max"] == "24 घंटे" and en["session_max"] == "24 hours"
    assert en["grace"] == "7 days" and en["inactive"] == "730 days" and en["outbox_days"] == "30 days"
    assert notice.duration(60, "en") == "1 hour" and notice.duration(60, "hi") == "1 घंटा"
