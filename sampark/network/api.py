"""Network endpoints: parse, check access, call a service or selector, serialise. Every lookup starts
from visible_to(person); missing or forbidden is 404. A NetworkError becomes its status and message
(sampark/api/errors.py), naming the field when one field was wrong."""

from django.utils import timezone
from ninja import Router

from sampark.core.errors import READ, WRITE, error_responses
from sampark.network import selectors, services
from sampark.network.schemas import (
    HandleIn,
    HandleOut,
    HandlePatch,
    NetworkUnitOut,
    SnapshotIn,
    SnapshotOut,
    handle_out,
    snapshot_out,
    unit_network_out,
)
from sampark.org.models import Unit

router = Router(tags=["network"])
ERRORS = error_responses(WRITE, 409)


@router.post("/handles", response={200: HandleOut, 201: HandleOut, **ERRORS})
def create_handle(request, payload: HandleIn):
    """Register your own handle on a platform (codes: x, facebook, instagram, youtube, whatsapp_channel,
    telegram, sharechat, threads, and those an administrator added). The link must be on the
    platform's host. A retry (same client_uuid, or same platform and link) answers 200 with the handle."""
    h, created = services.register_handle(request.person, **payload.dict())
    return (201 if created else 200), handle_out(selectors.get_handle(request.person, h.pk))


@router.get("/handles", response={200: list[HandleOut], **error_responses(READ)})
def list_my_handles(request):
    """Your own handles, hidden ones too."""
    return [handle_out(h) for h in selectors.my_handles(request.person)]


@router.get("/handles/{handle_id}", response={200: HandleOut, **error_responses(READ)})
def get_handle(request, handle_id: int):
    return handle_out(selectors.get_handle(request.person, handle_id))


@router.patch("/handles/{handle_id}", response={200: HandleOut, **ERRORS})
def update_handle(request, handle_id: int, payload: HandlePatch):
    """Change your handle's text, link or unit, or hide it (`status`: active | hidden)."""
    h = services.update_handle(request.person, selectors.get_handle(request.person, handle_id),
                               **payload.dict(exclude_unset=True))
    return handle_out(selectors.get_handle(request.person, h.pk))


@router.delete("/handles/{handle_id}", response={204: None, **ERRORS})
def delete_handle(request, handle_id: int):
    """Remove your handle and its history."""
    services.remove_handle(request.person, selectors.get_handle(request.person, handle_id))
    return 204, None


@router.post("/handles/{handle_id}/snapshots", response={200: SnapshotOut, 201: SnapshotOut, **ERRORS})
def add_snapshot(request, handle_id: int, payload: SnapshotIn):
    """A dated count (followers, subscribers, members). One per handle and day: the same again answers
    200 unchanged; another count corrects it. A jump above the set factor waits for a coordinator
    (`status`: flagged)."""
    snap, created = services.add_snapshot(request.person, selectors.get_handle(request.person, handle_id),
                                          date=payload.date, count=payload.count, now=timezone.now())
    return (201 if created else 200), snapshot_out(snap)


@router.get("/units/{unit_id}/network", response={200: NetworkUnitOut, **error_responses(READ)})
def unit_network(request, unit_id: int):
    """A unit's network: coverage per platform code (`all` for any platform: booths, and child units,
    with at least one active handle), reach, growth over 30 and 90 days (absolute and %), and its
    children ranked by growth % over 30 days (not by size). Another district's unit is 404."""
    from sampark.core.visibility import get_visible_or_404

    unit = get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=unit_id)
    net = selectors.unit_network(unit, timezone.localdate(), with_series=False)
    return unit_network_out(net)
