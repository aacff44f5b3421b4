"""Audit rows: written by every service, never changed or removed through the ORM."""

import pytest
from django.db import transaction

from sampark.core import audit
from sampark.core.models import AuditEntry


@pytest.fixture
def entry(world):
    return audit.record(world.state_admin, "unit.rename", world.patna, before={"name_en": "A"}, after={"name_en": "B"})


def test_record_keeps_who_what_when_before_after(entry, world):
    row = AuditEntry.objects.get(pk=entry.pk)
    assert row.actor_id == world.state_admin.pk
    assert (row.action, row.object_type, row.object_id) == ("unit.rename", "org.unit", str(world.patna.pk))
    assert row.before == {"name_en": "A"} and row.after == {"name_en": "B"} and row.at is not None


def test_record_accepts_an_id_or_nobody_as_actor(db):
    assert audit.record(7, "x", object_type="t", object_id="1").actor_id == 7
    assert audit.record(None, "x", object_type="t").actor_id is None


def test_an_audit_row_cannot_be_saved_again(entry):
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "unit.rename"


def test_an_audit_row_cannot_be_deleted(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("attempt", [
    lambda qs: qs.update(action="forged"),
    lambda qs: qs.delete(),
    lambda qs: qs.filter(action="unit.rename").update(after=None),
    lambda qs: AuditEntry.objects.bulk_update(list(qs), ["action"]),
])
def test_querysets_refuse_updates_and_deletes(entry, attempt):
    with pytest.raises(PermissionError), transaction.atomic():
        attempt(AuditEntry.objects.all())
    row = AuditEntry.objects.get(pk=entry.pk)
    assert row.action == "unit.rename" and row.after == {"name_en": "B"}


def test_no_audit_row_holds_a_name_a_phone_or_a_free_text(world, django_capture_on_commit_callbacks):
    """The audit log keeps ids, codes, statuses, counts and which fields changed: a representative
    run of actions leaves none of the names, phones or texts anywhere in its rows."""
    import json
    import uuid

    from django.utils import timezone

    from sampark.difficulties import services as difficulties
    from sampark.directives import authoring
    from sampark.org.services import rename_unit
    from sampark.people import auth
    from sampark.people.services import add_post, create_person, update_person
    from sampark.reports.services import correct_report, submit_report

    secrets = ["Zorawar Quixote", "ज़ोरावर क्विक्सोट", "Zubin Quasimodo", "ज़ुबिन कासिमोडो", "9876512345",
               "secret-difficulty-text", "secret-answer-text", "secret-topic-text", "secret-topic-fixed",
               "secret-reason", "secret-note", "secret-item", "Secret Directive Title", "secret directive body",
               "secret edited body", "secret-token-label", "secret-info-request"]
    with django_capture_on_commit_callbacks(execute=True):
        p = create_person(world.gaya_coord, phone="98765 12345", name_en="Zorawar Quixote", name_hi="ज़ोरावर क्विक्सोट")
        add_post(world.gaya_coord, person=p, unit=world.gaya_booth, role="worker")
        update_person(world.gaya_coord, p, name_en="Zubin Quasimodo", name_hi="ज़ुबिन कासिमोडो", lang="en")
        auth.issue_token(world.gaya_coord, p, label="secret-token-label")
        d, _ = difficulties.raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth,
                                             category="technical", text="secret-difficulty-text")
        difficulties.request_info(world.gaya_coord, d, text="secret-info-request")
        difficulties.answer_difficulty(world.gaya_coord, d, text="secret-answer-text")
        difficulties.add_review_note(world.gaya_coord, world.gaya_ac, text="secret-note")
        difficulties.add_action_item(world.gaya_coord, world.gaya_ac, owner=world.gaya_coord, text="secret-item",
                                     due_on=timezone.localdate())
        report, _ = submit_report(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth.pk, type="meeting",
                                  date=timezone.localdate().isoformat(),
                                  values={"attendance": 5, "topic": "secret-topic-text"})
        correct_report(world.gaya_worker, report, values={"attendance": 6, "topic": "secret-topic-fixed"},
                       reason="secret-reason")
        directive = authoring.create_directive(world.gaya_coord, target_unit=world.gaya,
                                               title="Secret Directive Title", body="secret directive body")
        authoring.publish_directive(world.gaya_coord, directive)
        authoring.edit_directive(world.gaya_coord, directive, title="Secret Directive Title",
                                 body="secret edited body")
        rename_unit(world.state_admin, world.gaya_ac, name_hi="नया नाम", name_en="New Name")

    rows = list(AuditEntry.objects.order_by("seq").values())
    actions = {r["action"] for r in rows}
    assert {"person.create", "person.update", "post.add", "token.issue", "difficulty.raise", "difficulty.answer",
            "review.note", "review.action_item", "report.submit", "report.correct", "directive.create",
            "directive.edit", "unit.rename"} <= actions
    dump = json.dumps(rows, default=str, ensure_ascii=False)
    assert [s for s in secrets if s in dump] == []
    assert "New Name" not in dump and "नया नाम" not in dump
    # What an auditor needs is still there: who, what, which object, which fields changed.
    update = next(r for r in rows if r["action"] == "person.update")
    assert (update["actor_id"], update["object_id"]) == (world.gaya_coord.pk, str(p.pk))
    assert update["before"] == {"lang": "hi", "is_active": True}
    assert update["after"] == {"lang": "en", "is_active": True, "changed": ["name_en", "name_hi"]}
    edit = next(r for r in rows if r["action"] == "directive.edit")
    assert edit["after"]["changed"] == ["body"] and edit["after"]["body_len"] == len("secret edited body")
    fixed = next(r for r in rows if r["action"] == "report.correct")
    assert fixed["after"]["changed"] == ["attendance", "topic"] and fixed["after"]["version"] == 2
    note = next(r for r in rows if r["action"] == "review.note")
    assert note["after"] == {"unit": world.gaya_ac.pk, "text_len": len("secret-note")}


@pytest.mark.parametrize(("given", "kept"), [("10.1.2.3", "10.1.2.0"), ("2001:db8:aa:bb::7", "2001:db8:aa::"),
                                             ("not an address", None), (None, None)])
def test_an_address_is_kept_as_its_network_only(db, given, kept):
    assert AuditEntry.objects.get(pk=audit.record(None, "login", object_type="t", ip=given).pk).ip == kept


def test_rows_are_written_only_through_the_chain(db):
    with pytest.raises(PermissionError):
        AuditEntry.objects.create(action="forged", object_type="t")
    with pytest.raises(PermissionError):
        AuditEntry.objects.bulk_create([AuditEntry(action="forged", object_type="t")])
    assert not AuditEntry.objects.filter(action="forged").exists()
