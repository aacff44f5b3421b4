"""Events on a unit's page (web's unit page): a short list of the upcoming and the recent events
organised in the unit's subtree that the viewer may open, and whether the viewer may record the
unit's meeting. Two small queries on the (unit_path, starts_at) index."""

from datetime import datetime

from django.db.models import Q

from sampark.core import paths
from sampark.core.visibility import can_see_path
from sampark.events.models import Event

SHOWN = 5


def unit_events(person, unit, now: datetime) -> dict:
    """For the unit page's context: ``events_upcoming``, ``events_recent``, ``can_record_meeting``.
    The unit came through visibility, so everything organised in its subtree is visible to the
    viewer (EventQuerySet's first rule): no need to ask for the audience of invitations as well."""
    if not can_see_path(person, unit.path):
        return {"events_upcoming": [], "events_recent": [], "can_record_meeting": False}
    qs = (Event.objects.filter(Event.objects.roots_q([unit.path])).select_related("kind", "unit")
          .exclude(status=Event.Status.CANCELLED).filter(~Q(status=Event.Status.DRAFT) | Q(created_by=person)))
    return {
        "events_upcoming": list(qs.filter(ends_at__gte=now).order_by("starts_at", "pk")[:SHOWN]),
        "events_recent": list(qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:SHOWN]),
        # As reports.services.can_report (a post at the unit, or leading at or above it), from the
        # viewer's roots already read for the page (the link only; the form checks can_report itself).
        "can_record_meeting": unit.path in person.visible_roots() or paths.in_subtrees(unit.path,
                                                                                       person.leading_roots()),
    }
