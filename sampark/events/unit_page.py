"""Events on a unit's page (web's unit page): a short list of the upcoming and the recent events
organised in the unit's subtree that the viewer may open, and whether the viewer may record the
unit's meeting. Two small queries on the (unit_path, starts_at) index."""

from datetime import datetime

from django.db.models import Q

from sampark.events.models import Event
from sampark.events.selectors import visible
from sampark.reports.services import can_report

SHOWN = 5


def unit_events(person, unit, now: datetime) -> dict:
    """For the unit page's context: ``events_upcoming``, ``events_recent``, ``can_record_meeting``."""
    qs = (visible(person).filter(Event.objects.roots_q([unit.path])).exclude(status=Event.Status.CANCELLED)
          .filter(~Q(status=Event.Status.DRAFT) | Q(created_by=person)))
    return {
        "events_upcoming": list(qs.filter(ends_at__gte=now).order_by("starts_at", "pk")[:SHOWN]),
        "events_recent": list(qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:SHOWN]),
        "can_record_meeting": can_report(person, unit),
    }
