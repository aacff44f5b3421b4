"""Setting difficulties up (an administrator's writes; atomic, audited): categories, the hours each
handling level has to answer (AnswerPolicy, per level and category, global: nothing here is scoped to
a state), business hours and holidays. New times apply to difficulties raised or moved up from then
on; the timers already running keep their due time."""

from datetime import date as Date
from datetime import time as Time

from django.db import transaction
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import ascii_digits, clean
from sampark.difficulties.models import AnswerPolicy, BusinessHours, DifficultyCategory, Holiday
from sampark.org.models import Level
from sampark.org.setup import SetupError, clean_code, clean_names, whole

NAME_MAX = 100
CODE_MAX = 32
MAX_HOURS = 24 * 90


def _hours(raw) -> int:
    return whole(raw, label=_("Hours to answer"), minimum=1, maximum=MAX_HOURS)


@transaction.atomic
def add_category(actor, *, code: str, name_hi: str, name_en: str, hours=None) -> DifficultyCategory:
    """A new category; with ``hours``, its time to answer at every level (rows per level, changed below)."""
    code = clean_code(code, CODE_MAX)
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    hours = _hours(hours) if str(hours or "").strip() else None
    if DifficultyCategory.objects.filter(code=code).exists():
        raise SetupError(_("There is already a category with the code {code}.").format(code=code))
    position = (DifficultyCategory.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    category = DifficultyCategory.objects.create(code=code, name_hi=name_hi, name_en=name_en, position=position)
    audit.record(actor, "difficulty_category.add", category, after={"code": code, "hours": hours})
    if hours is not None:
        # One row per level: a (level, any category) row would win over an (any level, category) one.
        for level in Level.objects.all():
            set_answer_hours(actor, level=level, category=category, hours=hours)
    return category


@transaction.atomic
def update_category(actor, category: DifficultyCategory, *, name_hi: str, name_en: str,
                    active: bool) -> DifficultyCategory:
    """Names, and whether new difficulties may choose it (the old ones keep it either way)."""
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    category = DifficultyCategory.objects.select_for_update().get(pk=category.pk)
    before = {"active": category.active}
    category.name_hi, category.name_en, category.active = name_hi, name_en, bool(active)
    category.save(update_fields=["name_hi", "name_en", "active"])
    audit.record(actor, "difficulty_category.update", category, before=before, after={"active": category.active})
    return category


@transaction.atomic
def set_answer_hours(actor, *, level: Level | None, category: DifficultyCategory | None, hours) -> AnswerPolicy | None:
    """Set the hours for (level or any, category or any); empty hours removes that row, so the next
    more general one applies. The general row (any level, any category) stays: it may only change."""
    empty = not str(hours if hours is not None else "").strip()
    row = AnswerPolicy.objects.select_for_update().filter(level=level, category=category).first()
    where = {"level": level.code if level else None, "category": category.code if category else None}
    if empty:
        if level is None and category is None:
            raise SetupError(_("The general time to answer cannot be removed; change its hours instead."))
        if row is not None:
            audit.record(actor, "answer_hours.remove", row, before={**where, "hours": row.hours})
            row.delete()
        return None
    value = _hours(hours)
    before = row.hours if row is not None else None
    if row is None:
        row = AnswerPolicy.objects.create(level=level, category=category, hours=value)
    elif row.hours != value:
        row.hours = value
        row.save(update_fields=["hours"])
    if before != value:
        audit.record(actor, "answer_hours.set", row, before={**where, "hours": before}, after={**where, "hours": value})
    return row


def _time(raw, label: str) -> Time:
    try:
        return Time.fromisoformat(ascii_digits(clean(str(raw or ""))))
    except ValueError:
        raise SetupError(_("{label}: enter a time as HH:MM.").format(label=label)) from None


@transaction.atomic
def set_business_hours(actor, *, start, end, weekdays) -> BusinessHours:
    """The time to answer runs only from ``start`` to ``end`` on these weekdays (Monday 0 … Sunday 6)."""
    start_t, end_t = _time(start, _("From")), _time(end, _("Until"))
    if end_t <= start_t:
        raise SetupError(_("The end of the working day must be after its start."))
    days = "".join(sorted({str(d) for d in weekdays or [] if str(d) in "0123456"}))
    if not days:
        raise SetupError(_("Choose at least one working day."))
    row = BusinessHours.objects.select_for_update().order_by("pk").first()
    before = {"start": str(row.start), "end": str(row.end), "weekdays": row.weekdays} if row else None
    if row is None:
        row = BusinessHours(start=start_t, end=end_t, weekdays=days)
    else:
        row.start, row.end, row.weekdays = start_t, end_t, days
    row.save()
    BusinessHours.objects.exclude(pk=row.pk).delete()  # one row, as the clock reads it
    audit.record(actor, "business_hours.set", row, before=before,
                 after={"start": str(start_t), "end": str(end_t), "weekdays": days})
    return row


@transaction.atomic
def clear_business_hours(actor) -> None:
    """The time to answer runs round the clock again (holidays still do not count)."""
    rows = list(BusinessHours.objects.select_for_update())
    for row in rows:
        audit.record(actor, "business_hours.clear", row, before={"start": str(row.start), "end": str(row.end),
                                                                  "weekdays": row.weekdays})
    BusinessHours.objects.filter(pk__in=[r.pk for r in rows]).delete()


@transaction.atomic
def add_holiday(actor, *, day, name_hi: str, name_en: str) -> Holiday:
    try:
        day = day if isinstance(day, Date) else Date.fromisoformat(ascii_digits(clean(str(day or ""))))
    except ValueError:
        raise SetupError(_("Enter the date as YYYY-MM-DD.")) from None
    name_hi, name_en = clean_names(name_hi, name_en, NAME_MAX)
    if Holiday.objects.filter(date=day).exists():
        raise SetupError(_("{day} is already a holiday.").format(day=day.isoformat()))
    holiday = Holiday.objects.create(date=day, name_hi=name_hi, name_en=name_en)
    audit.record(actor, "holiday.add", holiday, after={"date": day.isoformat()})
    return holiday


@transaction.atomic
def remove_holiday(actor, holiday: Holiday) -> None:
    audit.record(actor, "holiday.remove", holiday, before={"date": holiday.date.isoformat()})
    Holiday.objects.filter(pk=holiday.pk).delete()
