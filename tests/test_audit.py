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
