"""Check-in at an event (issue 15) and attendance rolled up by the attendees' units.

Who may check people in: the event's organisers (services.can_manage: its creator and those who lead
the organising unit or one above it) and anyone holding an active post at the organising unit itself
(the district's workers at a district workshop stand at the door). Nobody else, though they see the
event.

A check-in names a person by their code (typed or scanned), their phone number, or their id (found
by name search), or counts walk-ins as a number. Its id is made on the volunteer's phone: a resend
returns the first row, so the phone's outbox may retry freely. A person is counted once per event
whoever checks them in and however often; the second check-in answers "already checked in at HH:MM".
Check-in is open from six hours before the start until a day after the end.

A code (codes.py) is itself the proof of the invitation, so it checks in whoever it names; a phone
number or a person id finds only members the volunteer may see. The attendee is counted at the unit of
the post that made them an invitee (Checkin.unit_path); walk-ins have no unit and are counted apart."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.visibility import subtree_q
from sampark.directives.audience import matching_posts_q
from sampark.events import codes, services
from sampark.events.models import Checkin, Event
from sampark.events.services import EventError
from sampark.org.models import Level, Unit
from sampark.people.models import Person, Post
from sampark.people.phone_numbers import PeopleError, normalize_phone

OPENS_BEFORE = timedelta(hours=6)
CLOSES_AFTER = timedelta(hours=24)
WALK_INS_MAX = 10_000
NAMED_MAX = 500  # named attendees listed on the page


def can_check_in(person, event: Event) -> bool:
    if person is None or not getattr(person, "pk", None):
        return False
    return services.can_manage(person, event) or Post.objects.filter(
        person=person, active=True, unit_path=event.unit_path).exists()


def is_invitee(person, event: Event) -> bool:
    if not event.invitation_id or not getattr(person, "pk", None):
        return False
    return Post.objects.filter(matching_posts_q(event.invitation), person=person).exists()


def _attendee_unit_path(event: Event, person: Person) -> str:
    """The unit of the post that made the person an invitee, else their first active post."""
    posts = Post.objects.filter(person=person, active=True).order_by("unit_path", "pk")
    if event.invitation_id:
        invited = posts.filter(matching_posts_q(event.invitation)).values_list("unit_path", flat=True).first()
        if invited:
            return invited
    return posts.values_list("unit_path", flat=True).first() or ""


def _when(checkin: Checkin) -> str:
    return formats.time_format(timezone.localtime(checkin.at), "H:i")


@dataclass
class Result:
    checkin: Checkin
    created: bool
    message: str


def _person(volunteer, event: Event, *, person, phone, code) -> tuple[Person, str]:
    given = [v for v in (person, phone, code) if v not in (None, "")]
    if len(given) != 1:
        raise EventError(_("Give one of: a code, a phone number or a person."), field="code")
    if code not in (None, ""):
        try:
            pid = codes.person_id_for(event.pk, code)
        except codes.CodeError as exc:
            raise EventError(str(exc), field="code") from None
        found = Person.objects.filter(pk=pid, is_active=True).first()
        if found is None:
            raise EventError(_("This code is not valid for this event: {code}").format(code=str(code)[:20]),
                             field="code")
        return found, Checkin.Method.CODE
    visible = Person.objects.visible_to(volunteer).filter(is_active=True)
    if phone not in (None, ""):
        try:
            number = normalize_phone(str(phone))
        except PeopleError as exc:
            raise EventError(str(exc), field="phone") from None
        found = visible.filter(phone=number).first()
        if found is None:
            raise EventError(_("No member with this phone number."), field="phone")
        return found, Checkin.Method.PHONE
    found = visible.filter(pk=person).first() if str(person).isdigit() else None
    if found is None:
        raise EventError(_("No such member."), field="person")
    return found, Checkin.Method.NAME


@transaction.atomic
def check_in(volunteer, event: Event, *, id: uuid.UUID, person=None, phone=None, code=None, walk_ins=None,
             method: str = "", now: datetime | None = None) -> Result:
    """Check a person in (or count walk-ins). ``created`` is False for a resend of the same id and for a
    person already checked in; the message says which."""
    now = now or timezone.now()
    if not can_check_in(volunteer, event):
        raise EventError(_("Only the organisers and those posted at the organising unit can check people in."),
                         status=403)
    first = Checkin.objects.select_related("person").filter(pk=id).first()
    if first is not None:
        if first.event_id != event.pk:
            raise EventError(_("This request was already sent with different content."), status=409)
        return Result(first, False, _("Already taken."))
    if event.status != Event.Status.PUBLISHED:
        raise EventError(_("Check-in is only for an event whose invitations are out."), status=409)
    if now < event.starts_at - OPENS_BEFORE:
        raise EventError(_("Check-in opens {n} hours before the start.").format(n=OPENS_BEFORE.seconds // 3600),
                         status=409)
    if now > event.ends_at + CLOSES_AFTER:
        raise EventError(_("Check-in closed a day after the event ended."), status=409)
    fields = {"id": id, "event": event, "checked_in_by": volunteer, "at": now}
    if walk_ins not in (None, ""):
        if any(v not in (None, "") for v in (person, phone, code)):
            raise EventError(_("Give one of: a code, a phone number or a person."), field="walk_ins")
        try:
            n = int(str(walk_ins).strip())
        except ValueError:
            n = 0
        if not 1 <= n <= WALK_INS_MAX:
            raise EventError(_("Walk-ins: a whole number from 1 to {n}.").format(n=WALK_INS_MAX), field="walk_ins")
        fields |= {"walk_ins": n, "method": Checkin.Method.WALK_IN}
        attendee = None
    else:
        attendee, how = _person(volunteer, event, person=person, phone=phone, code=code)
        if method == Checkin.Method.QR and how == Checkin.Method.CODE:
            how = Checkin.Method.QR
        done = Checkin.objects.filter(event=event, person=attendee).first()
        if done is not None:
            return Result(done, False, _("{name} was already checked in at {time}.").format(
                name=attendee.name, time=_when(done)))
        fields |= {"person": attendee, "method": how, "unit_path": _attendee_unit_path(event, attendee)}
    try:
        with transaction.atomic():
            row = Checkin.objects.create(**fields)
    except IntegrityError:
        # The same id or the same person raced in from another phone: the first one stands.
        row = Checkin.objects.filter(Q(pk=id) | Q(event=event, person=fields.get("person"), person__isnull=False)).first()
        if row is None:
            raise
        return Result(row, False, _("Already taken."))
    audit.record(volunteer, "event.checkin", row, after={"event": event.pk, "person": row.person_id,
                                                          "walk_ins": row.walk_ins, "method": row.method})
    if attendee is None:
        return Result(row, True, _("{n} walk-ins counted.").format(n=row.walk_ins))
    return Result(row, True, _("{name} checked in.").format(name=attendee.name))


# --- attendance -----------------------------------------------------------------------------------

@dataclass
class Row:
    unit: Unit | None
    count: int


@dataclass
class Attendance:
    level: Level
    rows: list[Row] = field(default_factory=list)
    named: int = 0
    walk_ins: int = 0

    @property
    def total(self) -> int:
        return self.named + self.walk_ins


def level_for(code: str) -> Level:
    level = Level.objects.filter(code=str(code or "")).first()
    if level is None:
        raise EventError(_("Unknown level: {}").format(str(code)[:32]), field="by")
    return level


def attendance(event: Event, by: str = "district", *, within: str | None = None) -> Attendance:
    """How many came, grouped by the unit at the given level above each attendee's unit (those whose
    unit lies above that level, or who had no post, in one row without a unit), plus walk-ins. With
    ``within`` (a unit path), only attendees from that subtree and no walk-ins."""
    level = level_for(by)
    rows = Checkin.objects.filter(event=event)
    if within is not None:
        rows = rows.filter(subtree_q("unit_path", [within]))
    per_path = dict(rows.filter(person__isnull=False).order_by().values_list("unit_path")
                    .annotate(n=Count("pk")).values_list("unit_path", "n"))
    ids = {i for p in per_path if p for i in paths.ancestor_ids(p)}
    at_level = {u.pk: u for u in Unit.objects.filter(pk__in=ids, level=level)}
    counts: dict[int | None, int] = {}
    for p, n in per_path.items():
        key = next((i for i in (paths.ancestor_ids(p) if p else []) if i in at_level), None)
        counts[key] = counts.get(key, 0) + n
    out = Attendance(level=level, named=sum(per_path.values()))
    out.rows = sorted((Row(at_level.get(k), n) for k, n in counts.items()),
                      key=lambda r: (r.unit is None, -r.count, r.unit.name if r.unit else ""))
    if within is None:
        out.walk_ins = rows.filter(person__isnull=True).aggregate(n=Sum("walk_ins"))["n"] or 0
    return out


def named_attendees(event: Event, viewer, limit: int = NAMED_MAX) -> list[Checkin]:
    """Who came, by name: only those the viewer may see (visibility as everywhere)."""
    return list(Checkin.objects.filter(event=event, person__in=Person.objects.visible_to(viewer).values("pk"))
                .select_related("person").order_by("at", "pk")[:limit])


def counts(event: Event) -> dict:
    a = Checkin.objects.filter(event=event).aggregate(people=Count("pk", filter=Q(person__isnull=False)),
                                                      walk_ins=Sum("walk_ins"))
    people, walk = a["people"] or 0, a["walk_ins"] or 0
    return {"people": people, "walk_ins": walk, "total": people + walk}


# --- the list of invitees with their codes ---------------------------------------------------------

def invitees(event: Event):
    """The invitation's audience (one row a person, with the unit of their first matching post),
    ordered by unit then name: a queryset to paginate."""
    from django.db.models import OuterRef, Subquery

    if not event.invitation_id:
        return Person.objects.none()
    matching = Post.objects.filter(matching_posts_q(event.invitation))
    first_unit = matching.filter(person=OuterRef("pk")).order_by("unit_path").values("unit_path")[:1]
    return (Person.objects.filter(is_active=True, pk__in=matching.values("person_id"))
            .annotate(invited_path=Subquery(first_unit)).order_by("invited_path", "name_hi", "pk"))


def with_codes(event: Event, people, qr: bool = True) -> list[dict]:
    people = list(people)
    units = {u.path: u for u in Unit.objects.filter(path__in={getattr(p, "invited_path", "") for p in people})}
    out = []
    for p in people:
        code = codes.code_for(event.pk, p.pk)
        out.append({"person": p, "unit": units.get(getattr(p, "invited_path", "")), "code": code,
                    "qr": codes.qr_svg(code, scale=2) if qr else ""})
    return out


# --- the event page's section ------------------------------------------------------------------------

def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_checkins.html)."""
    ctx: dict = {"can_check_in": False, "my_code": "", "my_qr": "", "attendance": None}
    if event.status != Event.Status.PUBLISHED:
        return ctx
    if is_invitee(person, event) and now <= event.ends_at + CLOSES_AFTER:
        ctx["my_code"] = codes.code_for(event.pk, person.pk)
        ctx["my_qr"] = codes.qr_svg(ctx["my_code"])
    ctx["can_check_in"] = can_check_in(person, event)
    if Checkin.objects.filter(event=event).exists():
        ctx["attendance"] = attendance(event, "district")
        ctx["attendees"] = named_attendees(event, person)
    return ctx


def get_for_check_in(person, event_id) -> Event:
    """The event for its check-in pages: 404 outside visibility, 403 for those who may not check in."""
    from sampark.events import selectors

    event = selectors.get_event(person, event_id)
    if not can_check_in(person, event):
        raise EventError(_("Only the organisers and those posted at the organising unit can check people in."),
                         status=403)
    return event


def dashboard_panel(unit, person, now):
    """For a unit's dashboard: the events of the last 90 days (and those whose check-in is open) held in
    its subtree or attended from it, with how many came from its subtree. None when there are none."""
    since = now - timedelta(days=90)
    from_here = Checkin.objects.filter(subtree_q("unit_path", [unit.path])).values("event_id")
    # One query when there is nothing (the dashboard's query count stays flat); visibility after it.
    ids = list(Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gte=since,
                                    starts_at__lte=now + OPENS_BEFORE)
               .filter(Event.objects.roots_q([unit.path]) | Q(pk__in=from_here))
               .order_by("-starts_at", "-pk").values_list("pk", flat=True)[:10])
    if not ids:
        return None
    events = list(Event.objects.visible_to(person).filter(pk__in=ids).select_related("kind", "unit")
                  .order_by("-starts_at", "-pk"))
    if not events:
        return None
    here = dict(Checkin.objects.filter(subtree_q("unit_path", [unit.path]), event__in=events, person__isnull=False)
                .order_by().values_list("event_id").annotate(n=Count("pk")).values_list("event_id", "n"))
    totals = {}
    for e in events:
        totals[e.pk] = counts(e)["total"]
    rows = [{"event": e, "from_here": here.get(e.pk, 0), "total": totals[e.pk]} for e in events]
    return "events/_dashboard_panel.html", {"unit": unit, "rows": rows}
