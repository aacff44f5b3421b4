"""The writes of an event's organiser (STYLE rule 4): create, edit, publish (send the invitations),
cancel. Each is atomic and audited. Parts of an event have their own modules: rsvp, programme,
checkins, review, photos, report."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.text import clean, clean_multiline
from sampark.directives import authoring
from sampark.directives.models import from_codes
from sampark.events.models import Event, EventKind
from sampark.org.models import Level, Unit
from sampark.people.models import Person, Role, team_choices
from sampark.people.visibility import leading_roots

TITLE_MAX = 200
DESCRIPTION_MAX = 5_000
VENUE_MAX = 300
CAPACITY_MAX = 10_000_000
LONGEST = timedelta(days=7)


class EventError(ValueError):
    """Bad input or a step not allowed; the message is for the user. status: the HTTP code."""

    def __init__(self, message: str, status: int = 422, field: str = ""):
        super().__init__(message)
        self.status = status
        self.field = field


def can_organise(person, unit: Unit) -> bool:
    """Those who lead the unit or one above it organise its events and keep their record."""
    return paths.in_subtrees(unit.path, leading_roots(person))


def can_manage(person, event: Event) -> bool:
    """Who may change an event, its programme, review, photos and report: its creator and those who
    lead its organising unit or one above it."""
    return event.created_by_id == getattr(person, "pk", None) or can_organise(person, event.unit)


def _organiser_unit(actor: Person, unit_id) -> Unit:
    unit = Unit.objects.visible_to(actor).select_related("level").filter(pk=unit_id).first() \
        if str(unit_id).isdigit() else None
    if unit is None:
        raise Http404
    if not can_organise(actor, unit):
        raise EventError(_("Only those who lead this unit or one above it can organise its events."), status=403)
    return unit


def _audience_unit(actor: Person, organiser: Unit, unit_id) -> Unit:
    if unit_id in (None, ""):
        return organiser
    unit = Unit.objects.visible_to(actor).filter(pk=unit_id).first() if str(unit_id).isdigit() else None
    if unit is None:
        raise Http404
    if not unit.path.startswith(organiser.path):
        raise EventError(_("The invited unit must be the organising unit or one below it."), field="audience_unit")
    return unit


def _codes(values, allowed: set[str], message: str, field: str) -> str:
    values = [clean(str(v)) for v in (values or []) if str(v).strip()]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise EventError(message.format(bad[0]), field=field)
    return from_codes(values)


def _kind(code) -> EventKind:
    if isinstance(code, EventKind):
        return code
    kind = EventKind.objects.filter(code=clean(str(code or "")), active=True).first()
    if kind is None:
        raise EventError(_("Unknown kind of event: {}").format(clean(str(code or ""))), field="kind")
    return kind


def _aware(value: datetime | None, field: str, message: str) -> datetime:
    if value is None:
        raise EventError(message, field=field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _decimal(value, low: int, high: int, field: str, message: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip()).quantize(Decimal("0.00001"))
    except (InvalidOperation, ValueError):
        raise EventError(message, field=field) from None
    if not low <= number <= high:
        raise EventError(message, field=field)
    return number


def clean_fields(actor: Person, *, unit, title: str, kind, starts_at, ends_at, venue: str = "",
                 description: str = "", capacity=None, latitude=None, longitude=None, audience_unit=None,
                 levels=None, roles=None, teams=None, is_review: bool = False) -> dict:
    """The fields of an event, checked; every message names what is wrong in the user's language."""
    organiser = _organiser_unit(actor, getattr(unit, "pk", unit))
    audience = _audience_unit(actor, organiser, getattr(audience_unit, "pk", audience_unit))
    title, description, venue = clean(title or ""), clean_multiline(description or ""), clean(venue or "")
    if not title:
        raise EventError(_("An event needs a title."), field="title")
    if len(title) > TITLE_MAX:
        raise EventError(_("The title is too long (at most {n} characters).").format(n=TITLE_MAX), field="title")
    if len(description) > DESCRIPTION_MAX:
        raise EventError(_("The text is too long (at most {n} characters).").format(n=DESCRIPTION_MAX),
                         field="description")
    if len(venue) > VENUE_MAX:
        raise EventError(_("The venue is too long (at most {n} characters).").format(n=VENUE_MAX), field="venue")
    starts_at = _aware(starts_at, "starts_at", _("Say when the event starts."))
    ends_at = _aware(ends_at, "ends_at", _("Say when the event ends."))
    if ends_at < starts_at:
        raise EventError(_("The event cannot end before it starts."), field="ends_at")
    if ends_at - starts_at > LONGEST:
        raise EventError(_("An event lasts at most {n} days.").format(n=LONGEST.days), field="ends_at")
    if capacity in ("", None):
        capacity = None
    else:
        try:
            capacity = int(str(capacity).strip())
        except ValueError:
            capacity = -1
        if not 1 <= capacity <= CAPACITY_MAX:
            raise EventError(_("Capacity must be a whole number of people, at least 1."), field="capacity")
    latitude = _decimal(latitude, -90, 90, "latitude", _("Latitude must be a number between -90 and 90."))
    longitude = _decimal(longitude, -180, 180, "longitude", _("Longitude must be a number between -180 and 180."))
    if (latitude is None) != (longitude is None):
        raise EventError(_("A map point needs both latitude and longitude."), field="latitude")
    return {
        "unit": organiser, "unit_path": organiser.path, "kind": _kind(kind), "title": title,
        "description": description, "starts_at": starts_at, "ends_at": ends_at, "venue": venue,
        "capacity": capacity, "latitude": latitude, "longitude": longitude,
        "audience_unit": audience, "audience_path": audience.path,
        "levels": _codes(levels, set(Level.objects.values_list("code", flat=True)), _("Unknown level: {}"), "levels"),
        "roles": _codes(roles, set(Role.values), _("Unknown role: {}"), "roles"),
        "teams": _codes(teams, {code for code, _name in team_choices()}, _("Unknown team: {}"), "teams"),
        "is_review": bool(is_review),
    }


def _snapshot(e: Event) -> dict:
    return {"title": e.title, "kind": e.kind.code, "unit": e.unit_id, "starts_at": e.starts_at.isoformat(),
            "ends_at": e.ends_at.isoformat(), "audience_unit": e.audience_unit_id, "status": e.status}


@transaction.atomic
def create_event(actor: Person, *, client_uuid: uuid.UUID | None = None, publish: bool = True,
                 now: datetime | None = None, **fields) -> tuple[Event, bool]:
    """A new event (and, with ``publish``, its invitations). Returns (event, created): the same
    client_uuid with the same fields returns the first event; with other fields 409."""
    now = now or timezone.now()
    values = clean_fields(actor, **fields)
    if client_uuid is not None:
        first = Event.objects.filter(created_by=actor, client_uuid=client_uuid).first()
        if first is not None:
            if any(getattr(first, k) != v for k, v in values.items()):
                raise EventError(_("This request was already sent with different content."), status=409)
            return first, False
    try:
        with transaction.atomic():
            event = Event.objects.create(created_by=actor, client_uuid=client_uuid, created_at=now, **values)
    except IntegrityError as exc:  # the same client_uuid raced in
        raise EventError(_("This request was already sent with different content."), status=409) from exc
    audit.record(actor, "event.create", event, after=_snapshot(event))
    if publish:
        event = publish_event(actor, event, now=now)
    return event, True


def _locked(actor: Person, event: Event) -> Event:
    e = Event.objects.select_for_update().select_related("kind", "unit", "audience_unit").filter(pk=event.pk).first()
    if e is None or not can_manage(actor, e):
        raise Http404 if e is None else EventError(_("Only the organisers can change this event."), status=403)
    return e


@transaction.atomic
def update_event(actor: Person, event: Event, *, now: datetime | None = None, **fields) -> Event:
    """New details. Once the invitations are out the audience stays as it was (a new audience is a
    new event); the invitation's text follows the new details as a visible revision."""
    now = now or timezone.now()
    e = _locked(actor, event)
    if e.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be changed."), status=409)
    before = _snapshot(e)
    values = clean_fields(actor, **fields)
    if e.is_published:
        for key in ("audience_unit", "audience_path", "levels", "roles", "teams", "unit", "unit_path"):
            if getattr(e, key) != values[key]:
                raise EventError(_("The invitations are out: the organiser and the audience can no longer change."),
                                 status=409, field=key)
    for key, value in values.items():
        setattr(e, key, value)
    e.save()
    if e.invitation_id:
        title, body = invitation_text(e)
        authoring.edit_directive(e.invitation.author, e.invitation, title=title, body=body, now=now)
    audit.record(actor, "event.update", e, before=before, after=_snapshot(e))
    return e


def event_path(event: Event) -> str:
    return reverse("events:detail", args=[event.pk])


def invitation_text(event: Event) -> tuple[str, str]:
    """The invitation as a directive: the title and a short body in the current language."""
    start = timezone.localtime(event.starts_at)
    when = formats.date_format(start, "DATETIME_FORMAT")
    lines = [event.kind.name + ": " + event.title, _("When: {when}").format(when=when)]
    if event.venue:
        lines.append(_("Where: {venue}").format(venue=event.venue))
    if event.description:
        lines += ["", event.description]
    lines += ["", _("Answer whether you will come, and find your check-in code, on the event's page: {path}")
              .format(path=event_path(event))]
    title = _("Invitation: {title}").format(title=event.title)
    return title[:authoring.TITLE_MAX], "\n".join(lines)[:authoring.BODY_MAX]


@transaction.atomic
def publish_event(actor: Person, event: Event, *, now: datetime | None = None) -> Event:
    """Send the invitations: a directive without acknowledgement to the event's audience, published
    at once (inboxes, phones and digests as for any directive). Publishing again is a no-op."""
    now = now or timezone.now()
    e = _locked(actor, event)
    if e.is_published:
        return e
    if e.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be published."), status=409)
    if e.ends_at <= now:
        raise EventError(_("The event is over; it can no longer send invitations."), status=409)
    title, body = invitation_text(e)
    try:
        d = authoring.create_directive(actor, target_unit=e.audience_unit, title=title, body=body,
                                       requires_ack=False, levels=[c for c in e.levels.split(",") if c],
                                       roles=[c for c in e.roles.split(",") if c],
                                       teams=[c for c in e.teams.split(",") if c], now=now)
        authoring.publish_directive(actor, d, now=now)
    except authoring.DirectiveError as exc:
        raise EventError(str(exc), status=exc.status) from None
    before = _snapshot(e)
    e.invitation, e.status, e.published_at = d, Event.Status.PUBLISHED, now
    e.save(update_fields=["invitation", "status", "published_at"])
    audit.record(actor, "event.publish", e, before=before, after=_snapshot(e))
    return e


@transaction.atomic
def cancel_event(actor: Person, event: Event, *, now: datetime | None = None) -> Event:
    """Cancel: the invitation is withdrawn (it leaves the inboxes), the record stays."""
    now = now or timezone.now()
    e = _locked(actor, event)
    if e.status == Event.Status.CANCELLED:
        return e
    before = _snapshot(e)
    if e.invitation_id:
        authoring.withdraw_directive(e.invitation.author, e.invitation, now=now)
    e.status, e.cancelled_at = Event.Status.CANCELLED, now
    e.save(update_fields=["status", "cancelled_at"])
    audit.record(actor, "event.cancel", e, before=before, after=_snapshot(e))
    return e
