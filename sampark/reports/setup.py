"""Setting report types and their fields up (an administrator's writes; atomic, audited).

What keeps the reports already sent and the daily roll-up right:
- a numeric field takes a free roll-up slot of its type (v1..v4, ``NUMERIC_SLOTS``) when added, or
  is refused: the daily table sums each slot, so two fields never share one;
- once a type has reports, its fields' codes and kinds never change and no field is removed (the
  reports' values, and the slot sums, refer to them), and no choice value is dropped; labels,
  limits, "required" and new choices may change, and new fields may be added;
- a type with reports is never deleted: it is set inactive (no new reports; the old ones stay).
Changes reach the report form at once (it reads the types on each load)."""

from django.db import transaction
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import clean
from sampark.org.models import Level, Unit
from sampark.org.setup import SetupError, clean_code, clean_names, whole
from sampark.reports.models import (
    NUMERIC_SLOTS,
    FieldKind,
    ReportDaily,
    ReportField,
    ReportType,
    RollupPending,
)

NAME_MAX = 100
CODE_MAX = 32
CHOICES_MAX = 50
BIG = 10**15


def has_reports(rtype: ReportType) -> bool:
    """Whether any report of the type was sent: it is in the fold's queue or in the roots' daily rows
    (each report is counted at the root). Both are index reads; the report rows have no index by type."""
    roots = Unit.objects.filter(parent=None).values("pk")
    return (RollupPending.objects.filter(type_id=rtype.pk).exists()
            or ReportDaily.objects.filter(unit_id__in=roots, type_id=rtype.pk).exists())


def _levels(level_ids) -> list[Level]:
    ids = {int(i) for i in level_ids or [] if str(i).isdigit()}
    levels = list(Level.objects.filter(pk__in=ids))
    if len(levels) != len(ids):
        raise SetupError(_("Unknown level."))
    return levels


def _type_snapshot(t: ReportType) -> dict:
    return {"code": t.code, "active": t.active, "order": t.order,
            "levels": sorted(t.levels.values_list("code", flat=True))}


@transaction.atomic
def add_report_type(actor, *, code: str, name_hi: str, name_en: str, level_ids=(), order=0) -> ReportType:
    code = clean_code(code, CODE_MAX)
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    order = whole(order or 0, label=_("Order"), maximum=10000)
    levels = _levels(level_ids)
    if ReportType.objects.filter(code=code).exists():
        raise SetupError(_("There is already a report type with the code {code}.").format(code=code))
    rtype = ReportType.objects.create(code=code, name_hi=name_hi, name_en=name_en, order=order)
    rtype.levels.set(levels)
    audit.record(actor, "report_type.add", rtype, after=_type_snapshot(rtype))
    return rtype


@transaction.atomic
def update_report_type(actor, rtype: ReportType, *, name_hi: str, name_en: str, active: bool, order=0,
                       level_ids=()) -> ReportType:
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    order = whole(order or 0, label=_("Order"), maximum=10000)
    levels = _levels(level_ids)
    rtype = ReportType.objects.select_for_update().get(pk=rtype.pk)
    before = _type_snapshot(rtype)
    rtype.name_hi, rtype.name_en, rtype.active, rtype.order = name_hi, name_en, bool(active), order
    rtype.save(update_fields=["name_hi", "name_en", "active", "order"])
    rtype.levels.set(levels)
    audit.record(actor, "report_type.update", rtype, before=before, after=_type_snapshot(rtype))
    return rtype


@transaction.atomic
def remove_report_type(actor, rtype: ReportType) -> None:
    """Delete a type nobody reported yet (and no directive asks for); otherwise refuse: set it inactive."""
    from django.db.models import ProtectedError

    rtype = ReportType.objects.select_for_update().get(pk=rtype.pk)
    if has_reports(rtype):
        raise SetupError(_("Reports of this type exist, so it cannot be deleted. Set it inactive instead: "
                           "no new reports, the old ones stay."))
    snapshot = _type_snapshot(rtype)
    pk = rtype.pk
    try:
        with transaction.atomic():
            rtype.delete()
    except ProtectedError:
        raise SetupError(_("A directive asks for reports of this type, so it cannot be deleted. Set it inactive "
                           "instead.")) from None
    audit.record(actor, "report_type.remove", object_type="reports.reporttype", object_id=str(pk), before=snapshot)


def _choices(raw: str, kind: str) -> list[dict]:
    """One choice a line: ``value | हिन्दी | English`` (a line with only a value uses it as the names)."""
    if kind != FieldKind.CHOICE:
        return []
    out, seen = [], set()
    for line in str(raw or "").splitlines():
        parts = [clean(p) for p in line.split("|")]
        if not parts[0]:
            continue
        value = clean_code(parts[0], CODE_MAX)
        if value in seen:
            raise SetupError(_("The choice {value} is given twice.").format(value=value))
        seen.add(value)
        hi = parts[1] if len(parts) > 1 and parts[1] else value
        en = parts[2] if len(parts) > 2 and parts[2] else hi
        if len(hi) > NAME_MAX or len(en) > NAME_MAX:
            raise SetupError(_("A name may have at most {n} characters.").format(n=NAME_MAX))
        out.append({"value": value, "hi": hi, "en": en})
    if not out:
        raise SetupError(_("A choice field needs its choices, one a line: value | हिन्दी | English."))
    if len(out) > CHOICES_MAX:
        raise SetupError(_("At most {n} choices.").format(n=CHOICES_MAX))
    return out


def _limits(kind: str, min_value, max_value) -> tuple[int | None, int | None]:
    if kind != FieldKind.NUMBER:
        return None, None
    lo = whole(min_value, label=_("Smallest value"), minimum=-BIG, maximum=BIG) if str(min_value or "").strip() else None
    hi = whole(max_value, label=_("Largest value"), minimum=-BIG, maximum=BIG) if str(max_value or "").strip() else None
    if lo is not None and hi is not None and lo > hi:
        raise SetupError(_("The smallest value is larger than the largest."))
    return lo, hi


def _field_snapshot(f: ReportField) -> dict:
    return {"type": f.type.code, "code": f.code, "kind": f.kind, "slot": f.slot, "required": f.required,
            "min": f.min_value, "max": f.max_value, "choices": [c["value"] for c in f.choices]}


@transaction.atomic
def add_report_field(actor, rtype: ReportType, *, code: str, label_hi: str, label_en: str, kind: str,
                     required: bool = False, min_value=None, max_value=None, choices: str = "") -> ReportField:
    rtype = ReportType.objects.select_for_update().get(pk=rtype.pk)  # one field added at a time: free slots
    code = clean_code(code, CODE_MAX)
    label_hi, label_en = clean_names(label_hi, label_en, NAME_MAX)
    if kind not in FieldKind.values:
        raise SetupError(_("Choose the kind of the field."))
    if rtype.fields.filter(code=code).exists():
        raise SetupError(_("This report type already has a field with the code {code}.").format(code=code))
    slot = None
    if kind == FieldKind.NUMBER:
        taken = set(rtype.fields.exclude(slot=None).values_list("slot", flat=True))
        slot = next((s for s in range(1, NUMERIC_SLOTS + 1) if s not in taken), None)
        if slot is None:
            raise SetupError(_("A report type holds at most {n} number fields (the daily totals have {n} columns). "
                               "Add this one as text, or make another report type.").format(n=NUMERIC_SLOTS))
    lo, hi = _limits(kind, min_value, max_value)
    order = (rtype.fields.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    field = ReportField.objects.create(type=rtype, code=code, label_hi=label_hi, label_en=label_en, kind=kind,
                                       required=bool(required), min_value=lo, max_value=hi, slot=slot, order=order,
                                       choices=_choices(choices, kind))
    audit.record(actor, "report_field.add", field, after=_field_snapshot(field))
    return field


@transaction.atomic
def update_report_field(actor, field: ReportField, *, label_hi: str, label_en: str, required: bool = False,
                        min_value=None, max_value=None, choices: str = "") -> ReportField:
    """Labels, limits, "required" and choices; the code and kind stay (see the module's note)."""
    field = ReportField.objects.select_for_update().select_related("type").get(pk=field.pk)
    label_hi, label_en = clean_names(label_hi, label_en, NAME_MAX)
    lo, hi = _limits(field.kind, min_value, max_value)
    new_choices = _choices(choices, field.kind)
    dropped = {c["value"] for c in field.choices} - {c["value"] for c in new_choices}
    if dropped and has_reports(field.type):
        raise SetupError(_("Reports of this type exist, so no choice may be removed (removed: {values}). "
                           "Names may change, and choices may be added.").format(values=", ".join(sorted(dropped))))
    before = _field_snapshot(field)
    field.label_hi, field.label_en, field.required = label_hi, label_en, bool(required)
    field.min_value, field.max_value, field.choices = lo, hi, new_choices
    field.save(update_fields=["label_hi", "label_en", "required", "min_value", "max_value", "choices"])
    audit.record(actor, "report_field.update", field, before=before, after=_field_snapshot(field))
    return field


@transaction.atomic
def remove_report_field(actor, field: ReportField) -> None:
    field = ReportField.objects.select_for_update().select_related("type").get(pk=field.pk)
    if has_reports(field.type):
        raise SetupError(_("Reports of this type exist, so its fields cannot be removed or changed in kind (their "
                           "values and daily totals refer to them). Make a new report type and set this one "
                           "inactive instead."))
    snapshot = _field_snapshot(field)
    pk = field.pk
    field.delete()
    audit.record(actor, "report_field.remove", object_type="reports.reportfield", object_id=str(pk), before=snapshot)
