"""Event endpoints: parse, check access, call a service or selector, serialise. Every lookup starts
from visible_to(person); missing or forbidden is 404. A service's EventError becomes its status and
message (sampark/api/errors.py), naming the field when one field was wrong."""

from django.utils import timezone
from ninja import Router

from sampark.core.errors import READ, WRITE, error_responses
from sampark.events import schemas as event_schemas
from sampark.events import selectors, services
from sampark.events.editing import fields_of
from sampark.events.schemas import EventIn, EventListOut, EventOut, event_out

router = Router(tags=["events"])
ERRORS = error_responses(WRITE, 409)


@router.post("/events", response={200: EventOut, 201: EventOut, **ERRORS})
def create_event(request, payload: EventIn):
    """Organise an event at a unit you lead (or one below it) and, unless `publish` is false, invite its
    audience at once: a directive without acknowledgement to the audience unit's subtree."""
    data = payload.dict()
    publish, client_uuid = data.pop("publish"), data.pop("client_uuid")
    event, created = services.create_event(request.person, client_uuid=client_uuid, publish=publish,
                                           now=timezone.now(), **data)
    return (201 if created else 200), event_out(selectors.get_event(request.person, event.pk))


@router.get("/events", response={200: EventListOut, **error_responses(READ)})
def list_events(request):
    """Events you may see: not yet over (soonest first) and the last ones that are over."""
    now = timezone.now()
    return {"upcoming": [event_out(e) for e in selectors.upcoming(request.person, now)],
            "past": [event_out(e) for e in selectors.past(request.person, now)]}


@router.get("/events/{event_id}", response={200: EventOut, **error_responses(READ)})
def get_event(request, event_id: int):
    return event_out(selectors.get_event(request.person, event_id))


@router.post("/events/{event_id}/publish", response={200: EventOut, **ERRORS})
def publish_event(request, event_id: int):
    """Send the invitations of a draft; again is a no-op."""
    services.publish_event(request.person, selectors.get_event(request.person, event_id), now=timezone.now())
    return event_out(selectors.get_event(request.person, event_id))


@router.post("/events/{event_id}/cancel", response={200: EventOut, **ERRORS})
def cancel_event(request, event_id: int):
    """Cancel: the invitation leaves the inboxes; the record stays."""
    services.cancel_event(request.person, selectors.get_event(request.person, event_id), now=timezone.now())
    return event_out(selectors.get_event(request.person, event_id))


@router.patch("/events/{event_id}", response={200: EventOut, **ERRORS})
def update_event(request, event_id: int, payload: event_schemas.EventPatch):
    """Change an event's details (fields not sent stay). Once the invitations are out, the invitation's
    text follows as a visible revision; the organiser and audience do not change here."""
    event = selectors.get_event(request.person, event_id)
    fields = fields_of(event) | payload.dict(exclude_unset=True)
    services.update_event(request.person, event, now=timezone.now(), **fields)
    return event_out(selectors.get_event(request.person, event_id))
