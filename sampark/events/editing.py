"""Editing an event: its current fields, as services.update_event takes them (the page's form and the
API's PATCH start from these and change what was given)."""

from sampark.events.models import Event


def fields_of(event: Event) -> dict:
    return {"unit": event.unit_id, "title": event.title, "kind": event.kind.code, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "venue": event.venue, "description": event.description,
            "capacity": event.capacity, "latitude": event.latitude, "longitude": event.longitude,
            "audience_unit": event.audience_unit_id, "levels": [c for c in event.levels.split(",") if c],
            "roles": [c for c in event.roles.split(",") if c], "teams": [c for c in event.teams.split(",") if c],
            "is_review": event.is_review}


def form_initial(event: Event) -> dict:
    """The same, for EventForm (times as the page shows them: local)."""
    from django.utils import timezone

    data = fields_of(event)
    data["starts_at"] = timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M")
    return data
