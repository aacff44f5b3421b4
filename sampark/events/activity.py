"""The events a person attended or had a role in, for their page (sampark.core.activity)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sampark.core.activity import Item, register_activity
from sampark.events.models import Checkin, Event, ProgrammeItem


def attended(viewer, person, limit: int) -> list[Item]:
    """Checked in at, newest first; only events the viewer may open."""
    seen = Event.objects.visible_to(viewer)
    rows = (Checkin.objects.filter(person=person, event__in=seen.values("pk")).select_related("event__kind")
            .order_by("-at")[:limit])
    return [Item(c.at, "event", _("Attended: {kind} “{title}”").format(kind=c.event.kind.name, title=c.event.title),
                 reverse("events:detail", args=[c.event_id])) for c in rows]


def programme(viewer, person, limit: int) -> list[Item]:
    """Presided, addressed, conducted the stage…: at the event's start, newest first."""
    seen = Event.objects.visible_to(viewer).exclude(status=Event.Status.CANCELLED)
    rows = (ProgrammeItem.objects.filter(person=person, event__in=seen.values("pk"))
            .select_related("event", "role").order_by("-event__starts_at", "position")[:limit])
    return [Item(i.event.starts_at, "event", _("{role}: “{title}”").format(role=i.role.name, title=i.event.title),
                 reverse("events:detail", args=[i.event_id]), note=i.text[:200]) for i in rows]


def register() -> None:
    register_activity("events.attended", attended)
    register_activity("events.programme", programme)
