"""Reads for events: every query starts from Event.objects.visible_to(person)."""

from datetime import datetime

from django.db.models import QuerySet

from sampark.core.visibility import get_visible_or_404
from sampark.events.models import Event

PAGE = 50


def visible(person) -> QuerySet:
    return Event.objects.visible_to(person).select_related("kind", "unit__level", "audience_unit__level")


def get_event(person, event_id) -> Event:
    """The event if the person may see it; 404 otherwise (missing and forbidden look the same)."""
    if not str(event_id).isdigit():
        from django.http import Http404

        raise Http404
    return get_visible_or_404(visible(person), person, pk=int(event_id))


def upcoming(person, now: datetime, limit: int = PAGE) -> list[Event]:
    """Events not yet over, soonest first; drafts only for those who can see them (their organisers)."""
    return list(visible(person).exclude(status=Event.Status.CANCELLED).filter(ends_at__gte=now)
                .order_by("starts_at", "pk")[:limit])


def past(person, now: datetime, limit: int = PAGE) -> list[Event]:
    return list(visible(person).filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:limit])


def in_unit(person, unit, limit: int = PAGE) -> list[Event]:
    """Events organised in a unit's subtree (the unit came through visible_to)."""
    return list(visible(person).filter(Event.objects.roots_q([unit.path])).order_by("-starts_at", "-pk")[:limit])
