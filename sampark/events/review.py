"""The review inside an event (issue 15): for a review event (``is_review``), per unit of its audience,
what was reported (activity), the difficulties raised and the instructions given. It reuses the
district review's records: an activity or a difficulty is also a ReviewNote on that unit, an
instruction is also an ActionItem with its owner and deadline, so both show in the unit's own
review (difficulties.review) and the owner's list of action items. Only the event's organisers who
may review the unit (they lead it or one above it) record; the same entry sent again is taken once."""

from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import clean_multiline
from sampark.difficulties import review as district_review
from sampark.difficulties import services as difficulty_services
from sampark.events.models import Event, ReviewEntry
from sampark.events.services import EventError, can_manage
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people.models import Person

TEXT_MAX = 2_000
KINDS = [k for k, _label in ReviewEntry.Kind.choices]


def entries(event: Event, person) -> list[ReviewEntry]:
    """The entries of units the person can see, unit by unit, oldest first."""
    seen = Unit.objects.visible_to(person).filter(path__startswith=event.audience_path).values("pk")
    return list(event.review.filter(unit__in=seen).select_related("unit__level", "action_item__owner", "author")
                .order_by("unit_path", "created_at", "pk"))


def review_unit(person, event: Event, unit_id) -> Unit:
    """A unit of the event's audience the person can see; 404 otherwise."""
    unit = Unit.objects.visible_to(person).select_related("level").filter(pk=unit_id).first() \
        if str(unit_id).isdigit() else None
    if unit is None or not unit.path.startswith(event.audience_path):
        raise Http404
    return unit


def may_record(person, event: Event) -> bool:
    return event.is_review and event.status != Event.Status.CANCELLED and can_manage(person, event)


def _owner(actor, unit: Unit, owner) -> Person:
    if owner in (None, ""):
        return actor
    pk = getattr(owner, "pk", owner)
    found = Person.objects.visible_to(actor).filter(pk=pk, is_active=True).first() if str(pk).isdigit() else None
    if found is None or not district_review.may_own(found, unit, actor):
        raise EventError(_("The owner must be you or someone with a post in this unit."), field="owner")
    return found


def _due(due, today: date) -> date:
    if due in (None, ""):
        raise EventError(_("Please give a due date."), field="due")
    if isinstance(due, str):
        try:
            due = date.fromisoformat(due)
        except ValueError:
            raise EventError(_("Please give a due date."), field="due") from None
    if due < today:
        raise EventError(_("The due date cannot be in the past."), field="due")
    return due


@transaction.atomic
def add_entry(actor, event: Event, *, unit, kind: str, text: str, owner=None, due=None,
              now: datetime | None = None) -> tuple[ReviewEntry, bool]:
    """Record one entry for a unit of the audience. Returns (entry, created)."""
    now = now or timezone.now()
    e = Event.objects.select_for_update().filter(pk=event.pk).first()
    if e is None:
        raise Http404
    unit = review_unit(actor, e, getattr(unit, "pk", unit))
    if not can_manage(actor, e):
        raise EventError(_("Only the organisers can change this event."), status=403)
    if not e.is_review:
        raise EventError(_("This event is not a review; mark it as a review to record units' reports."), status=409)
    if e.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be changed."), status=409)
    if kind not in KINDS:
        raise EventError(_("Choose activity, difficulty or instruction."), field="kind")
    text = clean_multiline(str(text or ""))
    if not text:
        raise EventError(_("Write what was said."), field="text")
    if len(text) > TEXT_MAX:
        raise EventError(_("The text is too long (at most {n} characters).").format(n=TEXT_MAX), field="text")
    same = e.review.filter(unit=unit, kind=kind, text=text).select_related("unit", "action_item__owner").first()
    if same is not None:
        return same, False
    note = item = None
    try:
        if kind == ReviewEntry.Kind.INSTRUCTION:
            who = _owner(actor, unit, owner)
            item = difficulty_services.add_action_item(actor, unit, owner=who, text=text,
                                                       due_on=_due(due, timezone.localdate(now)), now=now)
        else:
            note = difficulty_services.add_review_note(actor, unit, text=_("{kind}: {text}").format(
                kind=ReviewEntry.Kind(kind).label, text=text), now=now)
    except difficulty_services.DifficultyError as exc:
        raise EventError(exc.message, status=exc.status if exc.status != 400 else 422) from None
    entry = ReviewEntry.objects.create(event=e, unit=unit, unit_path=unit.path, kind=kind, text=text, note=note,
                                       action_item=item, author=actor, created_at=now)
    audit.record(actor, "event.review_add", entry, after={"unit": unit.pk, "kind": kind,
                                                          "text_len": audit.length(text)})
    return entry, True


def units_of(event: Event) -> list[Unit]:
    """The units reviewed one by one: the audience unit's children (or the unit itself if it has none)."""
    children = list(org_selectors.children(event.audience_unit))
    return children or [event.audience_unit]


def review_context(event: Event, person, at, now: datetime) -> dict:
    """The page going unit by unit (prev/next), as the district review does."""
    units = units_of(event)
    index = next((i for i, u in enumerate(units) if str(u.pk) == str(at)), 0)
    current = units[index]
    mine = [e for e in entries(event, person) if e.unit_path.startswith(current.path)]
    return {"event": event, "current": current, "index": index + 1, "count": len(units),
            "prev": units[index - 1] if index > 0 else None,
            "next": units[index + 1] if index + 1 < len(units) else None,
            "entries": mine, "kinds": ReviewEntry.Kind.choices,
            "by_kind": [(label, [e for e in mine if e.kind == kind]) for kind, label in ReviewEntry.Kind.choices], "today": timezone.localdate(now),
            "can_record": may_record(person, event)}


def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_review.html): per unit, its entries."""
    if not event.is_review:
        return {"review_units": []}
    by_unit: dict[int, list] = defaultdict(list)
    units = {}
    for e in entries(event, person):
        by_unit[e.unit_id].append(e)
        units[e.unit_id] = e.unit
    return {"review_units": [(units[pk], rows) for pk, rows in by_unit.items()],
            "can_review": may_record(person, event)}
