"""Events' sections of "my data": the person's answers to invitations, their check-ins (and the
check-ins they made for others), their roles in programmes, and what they wrote about events:
the events they created, review entries, photos and reports."""

from django.utils.translation import gettext_lazy as _

from sampark.core.mydata import register_section
from sampark.events.models import Checkin, Event, EventPhoto, EventReport, ProgrammeItem, ReviewEntry, Rsvp


def rsvps(p) -> list[dict]:
    return [{"event": r.event_id, "event_title": r.event.title, "starts_at": r.event.starts_at, "answer": r.answer,
             "unit_path": r.unit_path, "answered_at": r.answered_at}
            for r in Rsvp.objects.filter(person=p).select_related("event").order_by("answered_at", "pk")]


def checkins(p) -> list[dict]:
    """Their own check-ins, and those they made as a volunteer (whom, or how many walk-ins)."""
    own = [{"event": c.event_id, "event_title": c.event.title, "kind": "attended", "method": c.method,
            "unit_path": c.unit_path, "at": c.at}
           for c in Checkin.objects.filter(person=p).select_related("event").order_by("at", "pk")]
    made = [{"event": c.event_id, "event_title": c.event.title, "kind": "checked_in_others", "method": c.method,
             "person": c.person_id, "walk_ins": c.walk_ins, "at": c.at}
            for c in Checkin.objects.filter(checked_in_by=p).exclude(person=p).select_related("event")
            .order_by("at", "pk")]
    return own + made


def programme_roles(p) -> list[dict]:
    return [{"event": i.event_id, "event_title": i.event.title, "starts_at": i.event.starts_at,
             "role": i.role.code, "role_name": i.role.name, "text": i.text}
            for i in ProgrammeItem.objects.filter(person=p).select_related("event", "role")
            .order_by("event__starts_at", "position")]


def events_written(p) -> list[dict]:
    """What they wrote about events: the events they created, review entries, photos, reports."""
    out = [{"kind": "event", "event": e.pk, "title": e.title, "unit": e.unit_id, "starts_at": e.starts_at,
            "venue": e.venue, "description": e.description, "status": e.status, "at": e.created_at}
           for e in Event.objects.filter(created_by=p).order_by("created_at", "pk")]
    out += [{"kind": "review_" + r.kind, "event": r.event_id, "unit": r.unit_id, "text": r.text, "at": r.created_at}
            for r in ReviewEntry.objects.filter(author=p).order_by("created_at", "pk")]
    out += [{"kind": "photo", "event": ph.event_id, "caption": ph.caption, "file": ph.file.name, "at": ph.created_at}
            for ph in EventPhoto.objects.filter(uploaded_by=p).order_by("created_at", "pk")]
    out += [{"kind": "report", "event": r.event_id, "lang": r.lang, "status": r.status, "text": r.text,
             "at": r.updated_at}
            for r in EventReport.objects.filter(updated_by=p).order_by("updated_at", "pk")]
    return out


def register() -> None:
    register_section("event_rsvps", _("Answers to event invitations"), rsvps, covers=["events.Rsvp.person"])
    register_section("event_checkins", _("Check-ins at events"), checkins,
                     covers=["events.Checkin.person", "events.Checkin.checked_in_by"])
    register_section("event_programme", _("Roles in event programmes"), programme_roles,
                     covers=["events.ProgrammeItem.person"])
    register_section("events_written", _("Events you organised or wrote about"), events_written,
                     covers=["events.Event.created_by", "events.ReviewEntry.author", "events.EventPhoto.uploaded_by",
                             "events.EventReport.updated_by"])
