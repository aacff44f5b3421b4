"""A unit's own meetings: whoever may file the unit's reports (a post at the unit, or a leader at or
above it) records a meeting that was held, in one short form: when, the topic, how many came, and
which of the unit's members by name. It becomes an event of kind बैठक (meeting) at the unit with its
attendance (named check-ins and a count of walk-ins), and it is also the unit's "meeting" report,
so the dashboards that count meeting reports count it. The two are written in one transaction and
share one id: the report's id is the event's client id (``Event.client_uuid``). A retry with the
same client id returns the first meeting; with other content it is refused (409)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import clean
from sampark.events.models import Checkin, Event, EventKind
from sampark.events.services import LONGEST, TITLE_MAX, VENUE_MAX, EventError
from sampark.org.models import Unit
from sampark.people.models import Person, Post
from sampark.reports import services as report_services
from sampark.reports.models import Report

KIND = "meeting"
REPORT_TYPE = "meeting"
ATTENDANCE_MAX = 100_000  # as the meeting report's attendance field
MEMBERS_SHOWN = 200  # named attendees are chosen among the members holding a post at the unit itself
DEFAULT_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Meeting:
    event: Event
    report: Report
    created: bool


def unit_for(actor: Person, unit_id) -> Unit:
    """The unit whose meeting is recorded: visible (else 404) and one the actor may report for (403)."""
    unit = (Unit.objects.visible_to(actor).select_related("level").filter(pk=unit_id).first()
            if str(unit_id or "").isdigit() else None)
    if unit is None:
        raise Http404
    if not report_services.can_report(actor, unit):
        raise EventError(_("Only the unit's members and those who lead it can record its meetings."), status=403)
    return unit


def members(unit: Unit) -> list[Person]:
    """Who may be named as attendees: the people holding a post at the unit itself."""
    ids = (Post.objects.filter(unit=unit, active=True).order_by("person_id").values_list("person_id", flat=True)
           .distinct()[:MEMBERS_SHOWN])
    return list(Person.objects.filter(pk__in=list(ids)).order_by("name_hi", "pk"))


def _clean(actor, unit, *, topic, starts_at, ends_at, venue, attendance, attendees, now) -> dict:
    topic, venue = clean(topic or ""), clean(venue or "")
    if not topic:
        raise EventError(_("Say what the meeting was about."), field="topic")
    if len(topic) > TITLE_MAX:
        raise EventError(_("The topic is too long (at most {n} characters).").format(n=TITLE_MAX), field="topic")
    if len(venue) > VENUE_MAX:
        raise EventError(_("The venue is too long (at most {n} characters).").format(n=VENUE_MAX), field="venue")
    if starts_at is None:
        raise EventError(_("Say when the meeting was held."), field="starts_at")
    starts_at = timezone.make_aware(starts_at) if timezone.is_naive(starts_at) else starts_at
    if starts_at > now:
        raise EventError(_("Record a meeting once it has been held: its start is in the future."), field="starts_at")
    if now - starts_at > timedelta(days=report_services.MAX_AGE_DAYS):
        raise EventError(_("The meeting is too long ago to record."), field="starts_at")
    if ends_at is None:
        ends_at = starts_at + DEFAULT_LENGTH
    ends_at = timezone.make_aware(ends_at) if timezone.is_naive(ends_at) else ends_at
    if ends_at < starts_at:
        raise EventError(_("The meeting cannot end before it starts."), field="ends_at")
    if ends_at - starts_at > LONGEST:
        raise EventError(_("An event lasts at most {n} days.").format(n=LONGEST.days), field="ends_at")
    try:
        attendance = int(str(attendance).strip())
    except (TypeError, ValueError):
        attendance = -1
    if not 1 <= attendance <= ATTENDANCE_MAX:
        raise EventError(_("Attendance must be a whole number of people, from 1 to {n}.").format(n=ATTENDANCE_MAX),
                         field="attendance")
    allowed = {p.pk: p for p in members(unit)}
    named = []
    for raw in attendees or []:
        text = str(getattr(raw, "pk", raw)).strip()
        pk = int(text) if text.isdigit() else None
        if pk not in allowed:
            raise EventError(_("Only members of this unit can be named as attendees."), field="attendees")
        if pk not in named:
            named.append(pk)
    if len(named) > attendance:
        raise EventError(_("The attendance cannot be less than the members named ({n}).").format(n=len(named)),
                         field="attendance")
    return {"topic": topic, "venue": venue, "starts_at": starts_at, "ends_at": ends_at, "attendance": attendance,
            "named": sorted(named)}


def _same(event: Event, values: dict, unit: Unit) -> bool:
    named = sorted(Checkin.objects.filter(event=event, person__isnull=False).values_list("person_id", flat=True))
    total = sum(Checkin.objects.filter(event=event).values_list("walk_ins", flat=True)) + len(named)
    return (event.unit_id == unit.pk and event.title == values["topic"] and event.venue == values["venue"]
            and event.starts_at == values["starts_at"] and event.ends_at == values["ends_at"]
            and total == values["attendance"] and named == values["named"])


def record_meeting(actor: Person, *, client_uuid, unit, topic: str, starts_at: datetime | None,
                   ends_at: datetime | None = None, venue: str = "", attendance=None, attendees=(),
                   now: datetime | None = None) -> Meeting:
    """The meeting as an event with its attendance, and as the unit's meeting report, or neither."""
    now = now or timezone.now()
    try:
        client_uuid = client_uuid if isinstance(client_uuid, uuid.UUID) else uuid.UUID(str(client_uuid))
    except ValueError:
        raise EventError(_("The form is out of date: open it again."), status=400) from None
    unit = unit_for(actor, getattr(unit, "pk", unit))
    values = _clean(actor, unit, topic=topic, starts_at=starts_at, ends_at=ends_at, venue=venue,
                    attendance=attendance, attendees=attendees, now=now)
    with transaction.atomic():
        first = Event.objects.filter(created_by=actor, client_uuid=client_uuid).first()
        if first is not None:
            if not _same(first, values, unit):
                raise EventError(_("This request was already sent with different content."), status=409)
            return Meeting(first, Report.objects.get(pk=client_uuid), False)
        kind = EventKind.objects.get(code=KIND)
        try:
            with transaction.atomic():
                event = Event.objects.create(
                    unit=unit, unit_path=unit.path, kind=kind, title=values["topic"], venue=values["venue"],
                    starts_at=values["starts_at"], ends_at=values["ends_at"], audience_unit=unit,
                    audience_path=unit.path, status=Event.Status.PUBLISHED, created_by=actor,
                    client_uuid=client_uuid, created_at=now, published_at=now)
        except IntegrityError as exc:  # the same client id raced in
            raise EventError(_("This request was already sent with different content."), status=409) from exc
        rows = [Checkin(id=uuid.uuid5(client_uuid, f"person:{pk}"), event=event, person_id=pk, unit_path=unit.path,
                        method=Checkin.Method.NAME, checked_in_by=actor, at=values["starts_at"])
                for pk in values["named"]]
        walk_ins = values["attendance"] - len(values["named"])
        if walk_ins:
            rows.append(Checkin(id=uuid.uuid5(client_uuid, "walk-ins"), event=event, unit_path=unit.path,
                                walk_ins=walk_ins, method=Checkin.Method.WALK_IN, checked_in_by=actor,
                                at=values["starts_at"]))
        Checkin.objects.bulk_create(rows)
        try:
            report, _created = report_services.submit_report(
                actor, id=client_uuid, unit=unit, type=REPORT_TYPE,
                date=timezone.localtime(values["starts_at"]).date().isoformat(),
                values={"attendance": values["attendance"], "topic": values["topic"]})
        except report_services.ReportError as exc:
            raise EventError(str(exc), status=exc.status) from None
        audit.record(actor, "event.meeting", event, after={
            "unit": unit.pk, "title": event.title, "starts_at": event.starts_at.isoformat(),
            "attendance": values["attendance"], "named": len(values["named"]), "report": str(report.pk)})
    return Meeting(event, report, True)


def attendance_of(event: Event) -> int:
    """People checked in by name and walk-ins, together."""
    rows = Checkin.objects.filter(event=event).values_list("person_id", "walk_ins")
    return sum(n if pk is None else 1 for pk, n in rows)
