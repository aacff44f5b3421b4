"""The coordinator's queue (reads): counts that jumped and wait for confirmation, and handles not yet
verified, in the subtrees the person leads (people.visibility.leading_roots). Every query starts from
Handle.objects.visible_to(person); the member's own handles are never theirs to review. A unit filter
names a unit fetched through visibility (404 outside it)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from sampark.core.visibility import get_visible_or_404, subtree_q
from sampark.network.models import Handle, Platform, Snapshot
from sampark.network.services import NetworkError
from sampark.org.models import Unit

PAGE = 25


@dataclass
class Filters:
    platform: Platform | None = None
    unit: Unit | None = None


def reviewable_handles(person, filters: Filters | None = None) -> QuerySet:
    """Active handles the person may verify or whose counts they may confirm: visible to them, in a
    subtree they lead, not their own."""
    roots = person.leading_roots()
    if not roots:
        return Handle.objects.none()
    qs = Handle.objects.visible_to(person).filter(subtree_q("unit_path", roots)).exclude(person=person)
    filters = filters or Filters()
    if filters.platform is not None:
        qs = qs.filter(platform=filters.platform)
    if filters.unit is not None:
        qs = qs.in_subtree(filters.unit.path)
    return qs


def flagged(person, filters: Filters | None = None) -> QuerySet:
    """Counts waiting for the person's confirmation, oldest first."""
    return (Snapshot.objects.filter(status=Snapshot.Status.FLAGGED,
                                    handle__in=reviewable_handles(person, filters).values("pk"))
            .select_related("handle__platform", "handle__person", "handle__unit").order_by("date", "created_at"))


def unverified(person, filters: Filters | None = None) -> QuerySet:
    """Handles nobody above has verified yet, oldest first."""
    return (reviewable_handles(person, filters).filter(verified_at__isnull=True)
            .select_related("platform", "person", "unit").order_by("created_at", "pk"))


def filter_units(person) -> list[Unit]:
    """The units offered in the filter: those the person leads and the units directly below them."""
    roots = person.leading_roots()
    tops = list(Unit.objects.filter(path__in=roots).select_related("level").order_by("path"))
    below = list(Unit.objects.filter(parent__in=tops).select_related("level").order_by("path")[:200]) if tops else []
    return tops + below


def flagged_count(person) -> int:
    return flagged(person).count() if person.leading_roots() else 0


def with_previous(snaps: list[Snapshot]) -> list[dict]:
    """Each flagged count with the counted one before it (count, date) and the factor: one query."""
    counted = defaultdict(list)
    rows = (Snapshot.objects.filter(handle__in={s.handle_id for s in snaps}, status=Snapshot.Status.COUNTED)
            .order_by("date").values_list("handle_id", "date", "count")) if snaps else []
    for hid, day, count in rows:
        counted[hid].append((day, count))
    out = []
    for s in snaps:
        before = [(d, c) for d, c in counted[s.handle_id] if d < s.date]
        prev_date, prev_count = before[-1] if before else (None, None)
        factor = round(s.count / prev_count, 1) if prev_count else None
        out.append({"snapshot": s, "handle": s.handle, "previous_count": prev_count, "previous_date": prev_date,
                    "factor": factor})
    return out


def filters_from(person, platform_code=None, unit_id=None) -> Filters:
    """The queue's filters from a request: an unknown platform is refused (422); a unit outside the
    person's visibility is 404."""
    f = Filters()
    code = str(platform_code or "").strip().lower()
    if code:
        f.platform = Platform.objects.filter(code=code).first()
        if f.platform is None:
            from django.utils.translation import gettext as _

            raise NetworkError(_("Choose a platform from the list."), field="platform")
    raw = str(unit_id or "").strip()
    if raw:
        if not raw.isdigit() or int(raw) > 2**63 - 1:
            from django.http import Http404

            raise Http404
        f.unit = get_visible_or_404(Unit.objects.select_related("level"), person, pk=int(raw))
    return f


def get_snapshot(person, snapshot_id) -> Snapshot:
    """A snapshot of a handle the person may see, or 404."""
    from django.http import Http404

    try:
        import uuid

        key = uuid.UUID(str(snapshot_id))
    except ValueError:
        raise Http404 from None
    snap = (Snapshot.objects.filter(pk=key, handle__in=Handle.objects.visible_to(person).values("pk"))
            .select_related("handle__platform", "handle__person").first())
    if snap is None:
        raise Http404
    return snap


# --- the coordinator's acts (retries change nothing) -----------------------------------------------

def verify(person, h: Handle, *, verified: bool = True) -> tuple[Handle, bool]:
    """Mark the handle verified (or take it back); (handle, changed). The same again changes nothing
    (no second audit record); the member themselves, or anyone not leading above, is refused (403)."""
    from sampark.core.attention import forget
    from sampark.network import services

    if not services.can_review(person, h):
        services.verify_handle(person, h, verified=verified)  # raises the refusal (403)
    if (h.verified_at is not None) == bool(verified):
        return h, False
    h = services.verify_handle(person, h, verified=verified)
    forget(person)
    return h, True


def decide(person, snap: Snapshot, *, accept: bool) -> tuple[Snapshot, bool]:
    """Confirm (the count is counted from then on) or reject a count that jumped; (snapshot, changed).
    The same decision again answers unchanged; a count not waiting (or decided the other way) is 409."""
    from sampark.core.attention import forget
    from sampark.network import services

    if not services.can_review(person, snap.handle):
        services.review_snapshot(person, snap, accept=accept)  # raises the refusal (403)
    done = Snapshot.Status.COUNTED if accept else Snapshot.Status.REJECTED
    if snap.status == done and snap.reviewed_at is not None:
        return snap, False
    snap = services.review_snapshot(person, snap, accept=accept)
    forget(person)
    return snap, True
