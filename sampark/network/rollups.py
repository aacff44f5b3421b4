"""Network roll-ups, folded from the pending queue like the reports' (docs/PERF.md).

What a handle adds to its unit's figures is a pure function of its state (`contributions`): +1
handle on the day it was registered, the reach as differences between its counted snapshots on
their dates, +1 "seen" on its last day of activity (registration or any snapshot: "stale" is the
handles last seen more than 60 days ago), +1 verified on the day it was verified. A hidden handle
adds nothing (history included: hiding one does not look like a fall in reach). Every write to a
handle takes its contributions before and after and appends the difference to NetworkPending
(`queue_change`); the fold adds the pending rows to the unit's ancestors down to the fold depth in
NetworkDaily, and keeps BoothCover (booths with an active handle per platform and on any)."""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from sampark.network.models import Handle, NetworkPending, Snapshot

REACH, HANDLES, SEEN, VERIFIED = range(4)
COLS = ("reach", "handles", "seen", "verified")


def _day(value) -> date:
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def contributions(handle: Handle | None, snapshots=None) -> dict:
    """{(platform_id, day): [reach, handles, seen, verified]} for one handle; `snapshots` as
    (date, count, status) rows (read from the database when not given)."""
    if handle is None or handle.pk is None or handle.status != Handle.Status.ACTIVE:
        return {}
    if snapshots is None:
        snapshots = handle.snapshots.values_list("date", "count", "status")
    p = handle.platform_id
    out: dict = defaultdict(lambda: [0, 0, 0, 0])
    created = _day(handle.created_at)
    out[(p, created)][HANDLES] += 1
    last, prev = created, 0
    for day, count, status in sorted(snapshots):
        last = max(last, day)
        if status == Snapshot.Status.COUNTED:
            out[(p, day)][REACH] += count - prev
            prev = count
    out[(p, last)][SEEN] += 1
    if handle.verified_at is not None:
        out[(p, _day(handle.verified_at))][VERIFIED] += 1
    return dict(out)


def state(handle: Handle | None) -> tuple[str, dict] | None:
    """What a handle contributes and where (its unit's path), to compare before and after a change."""
    if handle is None or handle.pk is None:
        return None
    return handle.unit_path, contributions(handle)


def queue_change(before: tuple | None, after: tuple | None) -> int:
    """Append the difference between two states to the pending queue; returns rows written."""
    sums: dict = defaultdict(lambda: [0, 0, 0, 0])
    for st, sign in ((before, -1), (after, 1)):
        if st is None:
            continue
        path, contrib = st
        for (platform_id, day), vals in contrib.items():
            acc = sums[(path, platform_id, day)]
            for i, v in enumerate(vals):
                acc[i] += sign * v
    rows = [NetworkPending(unit_path=path, platform_id=p, day=day, **dict(zip(COLS, vals, strict=True)))
            for (path, p, day), vals in sums.items() if any(vals)]
    NetworkPending.objects.bulk_create(rows)
    return len(rows)


def fold_pending(batch: int = 5000) -> int:
    """Fold up to `batch` pending changes into NetworkDaily and BoothCover (the fold: part B)."""
    return 0


def fold_all(batch: int = 5000, max_batches: int = 1000) -> int:
    total = 0
    for _i in range(max_batches):
        n = fold_pending(batch)
        total += n
        if n < batch:
            break
    return total
