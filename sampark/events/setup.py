"""Setting events up (an administrator's writes; atomic, audited): the kinds of event and the roles of
a programme, each with Hindi and English names. A code never changes (the API and the report use it);
names may, and an inactive kind or role stays on the events that have it but is offered no more."""

from django.db import transaction
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.events.models import EventKind, ProgrammeRole
from sampark.org.setup import SetupError, clean_code, clean_names

NAME_MAX = 100
CODE_MAX = 32


def _add(actor, model, action: str, exists: str, *, code, name_hi, name_en):
    code = clean_code(code, CODE_MAX)
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    if model.objects.filter(code=code).exists():
        raise SetupError(exists.format(code=code))
    position = (model.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    row = model.objects.create(code=code, name_hi=name_hi, name_en=name_en, position=position)
    audit.record(actor, action, row, after={"code": code, "name_hi": name_hi, "name_en": name_en})
    return row


def _update(actor, model, action: str, row, *, name_hi, name_en, active: bool):
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    row = model.objects.select_for_update().get(pk=row.pk)
    before = {"name_hi": row.name_hi, "name_en": row.name_en, "active": row.active}
    row.name_hi, row.name_en, row.active = name_hi, name_en, bool(active)
    row.save(update_fields=["name_hi", "name_en", "active"])
    audit.record(actor, action, row, before=before, after={"name_hi": name_hi, "name_en": name_en,
                                                           "active": row.active})
    return row


@transaction.atomic
def add_kind(actor, *, code: str, name_hi: str, name_en: str) -> EventKind:
    return _add(actor, EventKind, "event_kind.add", _("There is already a kind of event with the code {code}."),
                code=code, name_hi=name_hi, name_en=name_en)


@transaction.atomic
def update_kind(actor, kind: EventKind, *, name_hi: str, name_en: str, active: bool) -> EventKind:
    return _update(actor, EventKind, "event_kind.update", kind, name_hi=name_hi, name_en=name_en, active=active)


@transaction.atomic
def add_role(actor, *, code: str, name_hi: str, name_en: str) -> ProgrammeRole:
    return _add(actor, ProgrammeRole, "programme_role.add", _("There is already a programme role with the code {code}."),
                code=code, name_hi=name_hi, name_en=name_en)


@transaction.atomic
def update_role(actor, role: ProgrammeRole, *, name_hi: str, name_en: str, active: bool) -> ProgrammeRole:
    return _update(actor, ProgrammeRole, "programme_role.update", role, name_hi=name_hi, name_en=name_en,
                   active=active)
