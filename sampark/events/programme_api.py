"""The programme, the review inside the event and its photos, over the API. Every lookup
starts from selectors.get_event (404 for what the caller cannot see); writes are the organisers'
(403 for others); bad input names its field in the caller's language."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from sampark.core.errors import READ, WRITE, error_responses
from sampark.events import photos, programme, review, selectors, services
from sampark.reports.services import ReportError
from sampark.reports.uploads import read_photo_upload

router = Router(tags=["events"])
ERRORS = error_responses(WRITE, 409)


class ProgrammeIn(Schema):
    role: str = Field(description="presiding, chief_guest, address, stage, thanks, session or other")
    person: int | None = Field(None, description="A member you can see; or give guest_name and guest_title")
    guest_name: str = ""
    guest_title: str = ""
    text: str = Field("", description="A short summary of what was said or done")


class ProgrammePatch(Schema):
    role: str | None = None
    person: int | None = None
    guest_name: str | None = None
    guest_title: str | None = None
    text: str | None = None
    move: str | None = Field(None, description="up or down: swap with the item before or after")


class ProgrammePersonRef(Schema):
    id: int
    name: str


class ProgrammeItemOut(Schema):
    id: int
    position: int
    role: str
    role_name: str
    person: ProgrammePersonRef | None
    guest_name: str
    guest_title: str
    text: str


def item_out(item) -> dict:
    return {"id": item.pk, "position": item.position, "role": item.role.code, "role_name": item.role.name,
            "person": {"id": item.person_id, "name": item.person.name} if item.person_id else None,
            "guest_name": item.guest_name, "guest_title": item.guest_title, "text": item.text}


@router.get("/events/{event_id}/programme", response={200: list[ProgrammeItemOut], **error_responses(READ)})
def list_programme(request, event_id: int):
    """The programme in order."""
    return [item_out(i) for i in programme.items(selectors.get_event(request.person, event_id))]


@router.post("/events/{event_id}/programme", response={200: ProgrammeItemOut, 201: ProgrammeItemOut, **ERRORS})
def add_programme_item(request, event_id: int, payload: ProgrammeIn):
    """Add an item at the end: a role and a member (`person`) or a guest (`guest_name` and
    `guest_title`), with a short summary. The very same item sent again answers 200 with the first."""
    event = selectors.get_event(request.person, event_id)
    item, created = programme.add_item(request.person, event, now=timezone.now(), **payload.dict())
    return (201 if created else 200), item_out(item)


@router.patch("/events/{event_id}/programme/{item_id}", response={200: ProgrammeItemOut, **ERRORS})
def update_programme_item(request, event_id: int, item_id: int, payload: ProgrammePatch):
    """Change an item's role, who, or text; or move it up or down."""
    event = selectors.get_event(request.person, event_id)
    data = payload.dict(exclude_unset=True)
    move = data.pop("move", None)
    item = None
    if data:
        item = programme.update_item(request.person, event, item_id, **data)
    if move is not None:
        item = programme.move_item(request.person, event, item_id, move)
    if item is None:
        item = programme.update_item(request.person, event, item_id)
    return item_out(item)


@router.delete("/events/{event_id}/programme/{item_id}", response={204: None, **ERRORS})
def remove_programme_item(request, event_id: int, item_id: int):
    """Remove an item; those after it move up."""
    programme.remove_item(request.person, selectors.get_event(request.person, event_id), item_id)
    return 204, None


class ReviewIn(Schema):
    unit: int
    kind: str = Field(description="activity, difficulty or instruction")
    text: str
    owner: int | None = Field(None, description="An instruction's owner (default: you)")
    due: date | None = Field(None, description="An instruction's deadline")


class ReviewUnitRef(Schema):
    id: int
    name: str


class ReviewEntryOut(Schema):
    id: int
    unit: ReviewUnitRef
    kind: str
    text: str
    note: int | None
    action_item: int | None
    owner: ProgrammePersonRef | None
    due: date | None
    created_at: datetime


def entry_out(e) -> dict:
    item = e.action_item
    return {"id": e.pk, "unit": {"id": e.unit_id, "name": e.unit.name}, "kind": e.kind, "text": e.text,
            "note": e.note_id, "action_item": e.action_item_id,
            "owner": {"id": item.owner_id, "name": item.owner.name} if item else None,
            "due": item.due_on if item else None, "created_at": e.created_at}


@router.get("/events/{event_id}/review", response={200: list[ReviewEntryOut], **error_responses(READ)})
def list_review(request, event_id: int):
    """What the review recorded, unit by unit (only units you can see)."""
    event = selectors.get_event(request.person, event_id)
    return [entry_out(e) for e in review.entries(event, request.person)]


@router.post("/events/{event_id}/review", response={200: ReviewEntryOut, 201: ReviewEntryOut, **ERRORS})
def add_review_entry(request, event_id: int, payload: ReviewIn):
    """Record for a unit of the audience what was reported (`activity`), a `difficulty` raised (both
    also the unit's review notes), or an `instruction` given: an action item for `owner` by `due`.
    The very same entry sent again answers 200 with the first."""
    event = selectors.get_event(request.person, event_id)
    entry, created = review.add_entry(request.person, event, now=timezone.now(), **payload.dict())
    return (201 if created else 200), entry_out(entry)


# --- photos ---------------------------------------------------------------------------------------

PHOTO_FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["id", "file"],
    "properties": {"id": {"type": "string", "format": "uuid"}, "file": {"type": "string", "format": "binary"},
                   "caption": {"type": "string"}}}}}}}


class EventPhotoOut(Schema):
    id: str
    url: str
    thumb: str
    caption: str
    created_at: datetime


def photo_out(p) -> dict:
    from django.urls import reverse

    return {"id": str(p.pk), "url": reverse("events:photo", args=[p.event_id, p.pk]),
            "thumb": reverse("events:photo-thumb", args=[p.event_id, p.pk]), "caption": p.caption,
            "created_at": p.created_at}


@router.get("/events/{event_id}/photos", response={200: list[EventPhotoOut], **error_responses(READ)})
def list_photos(request, event_id: int):
    return [photo_out(p) for p in selectors.get_event(request.person, event_id).photos.all()]


@router.post("/events/{event_id}/photos", response={200: EventPhotoOut, 201: EventPhotoOut, **ERRORS, **error_responses(503)},
             openapi_extra=PHOTO_FORM)
def add_photo(request, event_id: int):
    """Add a photo (organisers): multipart form with `id` (a UUID made on the phone), `file` and an
    optional `caption`. At most 5 MB; checked by its content, re-encoded, stripped of its location.
    The same id again answers 200 with the first photo."""
    event = selectors.get_event(request.person, event_id)
    if not services.can_manage(request.person, event):
        raise services.EventError(_("Only the organisers can change this event."), status=403)
    try:
        photo_id, upload = read_photo_upload(request)
    except ReportError as exc:
        raise services.EventError(str(exc), status=exc.status, field="file") from None
    photo, created = photos.add_photo(request.person, event, photo_id=photo_id, upload=upload,
                                      caption=request.POST.get("caption", ""), now=timezone.now())
    return (201 if created else 200), photo_out(photo)
