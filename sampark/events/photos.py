"""Photos of an event: the organisers add them (each with an id made on the phone, so a resend is taken
once); the shared file module checks the content (not the name), limits the size, re-encodes them
without metadata (no GPS location kept) and makes thumbnails. They are served only through views
that first find the event through visibility (photo_of)."""

import uuid
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, files
from sampark.core.text import clean
from sampark.events import selectors
from sampark.events.models import Event, EventPhoto
from sampark.events.services import EventError, can_manage

PHOTO_KIND = "events"
MAX_PHOTOS = 50
CAPTION_MAX = 200


def _id(raw) -> uuid.UUID:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw or ""))
    except ValueError:
        raise EventError(_("The photo needs an id made by the phone (a UUID)."), field="id") from None


def add_photo(actor, event: Event, *, photo_id, upload, caption: str = "",
              now: datetime | None = None) -> tuple[EventPhoto, bool]:
    """Attach a photo; the same id again returns the first (another event's id: 409 or 404)."""
    now = now or timezone.now()
    pid = _id(photo_id)
    if not can_manage(actor, event):
        raise EventError(_("Only the organisers can change this event."), status=403)
    if event.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be changed."), status=409)
    existing = EventPhoto.objects.filter(pk=pid).first()
    if existing is not None:
        if existing.event_id != event.pk:
            if not selectors.visible(actor).filter(pk=existing.event_id).exists():
                raise Http404
            raise EventError(_("This request was already sent with different content."), status=409)
        return existing, False
    caption = clean(str(caption or ""))
    if len(caption) > CAPTION_MAX:
        raise EventError(_("The caption is too long (at most {n} characters).").format(n=CAPTION_MAX),
                         field="caption")
    if event.photos.count() >= MAX_PHOTOS:
        raise EventError(_("An event can have at most {n} photos.").format(n=MAX_PHOTOS), field="file")
    if upload is None:
        raise EventError(_("Choose a photo."), field="file")
    try:
        image = files.clean_photo(upload)
    except files.Rejected as exc:
        raise EventError(str(exc), status=exc.status, field="file") from None
    relpath = files.store_photo(PHOTO_KIND, image)
    try:
        with transaction.atomic():
            photo = EventPhoto.objects.create(id=pid, event=event, file=relpath, caption=caption,
                                              uploaded_by=actor, created_at=now)
            audit.record(actor, "event.photo_add", photo, after={"event": event.pk, "file": relpath})
    except Exception:
        files.remove(relpath)
        raise
    return photo, True


@transaction.atomic
def remove_photo(actor, event: Event, photo_id) -> None:
    if not can_manage(actor, event):
        raise EventError(_("Only the organisers can change this event."), status=403)
    photo = event.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    rel = photo.file.name
    audit.record(actor, "event.photo_remove", photo, before={"event": event.pk, "file": rel})
    photo.delete()
    transaction.on_commit(lambda: files.remove(rel))


def photo_of(person, event_id, photo_id) -> EventPhoto:
    """A photo of an event the person can see; 404 otherwise (the path comes from the row)."""
    event = selectors.get_event(person, event_id)
    photo = event.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return photo


def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_photos.html)."""
    return {"photos": list(event.photos.all()), "photo_id": uuid.uuid4()}
