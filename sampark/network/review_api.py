"""The coordinator's endpoints: verify a handle, confirm or reject a count that jumped, and list what
waits for the caller. Lookups start from visibility: outside the chain is 404; a person who sees it
but does not lead above it (or its own member) is 403; a count not waiting is 409. A retry answers
200 with nothing changed."""

from datetime import date

from ninja import Query, Router, Schema

from sampark.core.errors import READ, WRITE, UUIDPath, error_responses
from sampark.network import review, selectors
from sampark.network.schemas import HandleOut, SnapshotOut, handle_out, snapshot_out
from sampark.network.services import NetworkError

router = Router(tags=["network"])
ERRORS = error_responses(WRITE, 409)


class NetworkReviewCount(Schema):
    snapshot: SnapshotOut
    handle: HandleOut
    member: str
    previous_count: int | None
    previous_date: date | None
    factor: float | None


class NetworkReviewHandle(Schema):
    handle: HandleOut
    member: str


class NetworkReviewOut(Schema):
    counts_total: int
    counts: list[NetworkReviewCount]
    handles_total: int
    handles: list[NetworkReviewHandle]


class NetworkReviewQuery(Schema):
    platform: str = ""
    unit: str = ""
    limit: int = 50
    offset: int = 0


def _verified(request) -> bool:
    """The optional body of /verify: nothing (or {}) verifies; {"verified": false} takes it back."""
    import json

    from django.utils.translation import gettext as _

    if request.content_type != "application/json":
        return request.POST.get("verified", "true").lower() not in ("false", "0")
    raw = request.body.strip()
    if not raw:
        return True
    try:
        value = json.loads(raw).get("verified", True)
    except (ValueError, AttributeError):
        value = None
    if not isinstance(value, bool):
        raise NetworkError(_("“verified” must be true or false."), field="verified")
    return value


@router.post("/handles/{handle_id}/verify", response={200: HandleOut, **ERRORS},
             openapi_extra={"requestBody": {"required": False, "content": {"application/json": {"schema": {
                 "type": "object", "properties": {"verified": {"type": "boolean", "default": True}}}}}}})
def verify_handle(request, handle_id: int):
    """Mark a handle of a member below you verified. The body is optional: `{"verified": false}` takes
    the verification back (as /unverify does)."""
    h = selectors.get_handle(request.person, handle_id)
    review.verify(request.person, h, verified=_verified(request))
    return handle_out(selectors.get_handle(request.person, handle_id))


@router.post("/handles/{handle_id}/unverify", response={200: HandleOut, **ERRORS})
def unverify_handle(request, handle_id: int):
    """Take back the verification of a handle of a member below you."""
    review.verify(request.person, selectors.get_handle(request.person, handle_id), verified=False)
    return handle_out(selectors.get_handle(request.person, handle_id))


@router.post("/snapshots/{snapshot_id}/confirm", response={200: SnapshotOut, **ERRORS})
def confirm_snapshot(request, snapshot_id: UUIDPath):
    """Confirm a count that jumped: it is counted from then on."""
    snap, _changed = review.decide(request.person, review.get_snapshot(request.person, snapshot_id), accept=True)
    return snapshot_out(snap)


@router.post("/snapshots/{snapshot_id}/reject", response={200: SnapshotOut, **ERRORS})
def reject_snapshot(request, snapshot_id: UUIDPath):
    """Reject a count that jumped: it stays in the history, not in the figures."""
    snap, _changed = review.decide(request.person, review.get_snapshot(request.person, snapshot_id), accept=False)
    return snapshot_out(snap)


@router.get("/network/review", response={200: NetworkReviewOut, **error_responses(READ)})
def review_queue(request, q: Query[NetworkReviewQuery]):
    """What waits for you in the units you lead: counts to confirm (with the previous count and the
    factor) and handles to verify. Filters: `platform` (a code), `unit` (an id you can see)."""
    f = review.filters_from(request.person, q.platform, q.unit)
    limit, offset = max(1, min(q.limit, 200)), max(0, q.offset)
    counts_qs, handles_qs = review.flagged(request.person, f), review.unverified(request.person, f)
    rows = review.with_previous(list(counts_qs[offset:offset + limit]))
    return {
        "counts_total": counts_qs.count(),
        "counts": [{"snapshot": snapshot_out(r["snapshot"]), "handle": handle_out(r["handle"]),
                    "member": r["handle"].person.name, "previous_count": r["previous_count"],
                    "previous_date": r["previous_date"], "factor": r["factor"]} for r in rows],
        "handles_total": handles_qs.count(),
        "handles": [{"handle": handle_out(h), "member": h.person.name} for h in handles_qs[offset:offset + limit]],
    }
