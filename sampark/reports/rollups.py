"""Daily roll-ups, folded from the pending queue (docs/PERF.md: append-only changes + one folder).

The daily table holds the units from the Centre down to the fold depth (policies.fold_depth():
the mandal unless an administrator chose another level): there a unit's subtree holds thousands
to millions of reports, and a dashboard must not count them (a district's page asks how many of
each constituency's mandals reported, so the mandals are folded too). Below it (shakti kendra,
booth) a subtree holds a few reports a day, which the selectors count from the report rows when
asked; folding them too wrote two more rows per report into a table then made almost only of
booths' rows, for pages that are cheap to count.

Requests append one RollupPending row per change (+1 for a new report; -1 old and +1 new for a
correction). The fold step:

1. claims the oldest pending rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so a second folder takes
   other rows; SQLite has one writer anyway),
2. adds each row's counts to its unit's ancestors from the root down to the fold depth (read off
   the path; the depth is read once per batch), summing in memory per (unit, type, day),
3. upserts those sums into ReportDaily with "reports = reports + excluded.reports" (one
   core.bulk write), and deletes the claimed rows, all in one transaction.

So the counters are touched by one batched writer, never by the requests, and a crash leaves the
queue and the counters consistent (both or neither)."""

from collections import defaultdict

from django.db import connection, transaction

from sampark.core import bulk, paths
from sampark.reports.models import Report, ReportDaily, RollupPending
from sampark.reports.policies import fold_depth

BATCH = 5000
_COLS = ("reports", "v1", "v2", "v3", "v4")


def _upsert(sums: dict) -> None:
    """Add the sums into the daily table (COPY through a staging table on PostgreSQL, executemany
    on SQLite). The keys of `sums` are distinct, as ON CONFLICT DO UPDATE requires."""
    if not sums:
        return
    table = ReportDaily._meta.db_table
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in _COLS)
    adapt = connection.ops.adapt_datefield_value
    bulk.insert_rows(table, ["unit_id", "parent_id", "type_id", "day", *_COLS],
                     [(unit_id, parent_id, type_id, adapt(day), *vals)
                      for (unit_id, type_id, day), (parent_id, vals) in sums.items()],
                     on_conflict=f"ON CONFLICT (unit_id, type_id, day) DO UPDATE SET {sets}")


def _spread(rows, sums: dict, depth: int) -> None:
    """Add each change to the unit's ancestors from the root down to the fold depth (changes below
    the same folded unit, type and day are summed first, so each is spread up the path once)."""
    leaf: dict = {}
    cut = paths.SEGMENT * (depth + 1)
    for unit_path, type_id, day, *vals in rows:
        key = (unit_path[:cut], type_id, day)
        acc = leaf.get(key)
        if acc is None:
            leaf[key] = vals
        else:
            leaf[key] = [a + v for a, v in zip(acc, vals, strict=True)]
    ancestors: dict = {}
    for (unit_path, type_id, day), vals in leaf.items():
        ids = ancestors.get(unit_path)
        if ids is None:
            ids = ancestors[unit_path] = paths.ancestor_ids(unit_path)
        bulk.add_along(sums, ids, (type_id, day), vals)


def fold_pending(batch: int = BATCH) -> int:
    """Fold up to `batch` pending changes; returns how many were folded."""
    with transaction.atomic():
        claimed = bulk.claim(RollupPending._meta.db_table, ["unit_path", "type_id", "day", *_COLS], batch)
        if not claimed:
            return 0
        # (On SQLite the day stays the text it is stored as: it is only a key, and written back.)
        sums: dict = {}
        _spread(claimed, sums, fold_depth(fresh=True))
        _upsert(sums)
    return len(claimed)


def vacuum() -> bool:
    """VACUUM the queue and the daily table on PostgreSQL (not inside a transaction; returns
    whether it ran). Every fold deletes queue rows and updates daily rows, leaving dead row
    versions: without (auto)vacuum the fold slows down run after run."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {RollupPending._meta.db_table}, {ReportDaily._meta.db_table}")
    return True


def fold_all(batch: int = BATCH, max_batches: int = 1000) -> int:
    total = 0
    for _i in range(max_batches):
        n = fold_pending(batch)
        total += n
        if n < batch:
            break
    return total


def recount() -> dict:
    """The roll-ups computed from scratch from the report rows, as {(unit, type, day): [reports, v1..v4]}
    (for checks and for rebuild after a subtree moves)."""
    from sampark.reports.models import ReportType
    from sampark.reports.services import slot_values

    types = {t.pk: t for t in ReportType.objects.prefetch_related("fields")}
    for t in types.values():
        t._field_list = list(t.fields.all())
    sums: dict = {}
    rows = []
    for unit_path, type_id, day, values in Report.objects.values_list("unit_path", "type_id", "date", "values").iterator():
        rows.append((unit_path, type_id, day, 1, *slot_values(types[type_id], values)))
    _spread(rows, sums, fold_depth(fresh=True))
    return {k: v[1] for k, v in sums.items()}


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole daily table from the reports (maintenance, as a repair)."""
    RollupPending.objects.all().delete()
    ReportDaily.objects.all().delete()
    fresh = recount()
    parents = {}
    for (unit_id, _t, _d) in fresh:
        parents.setdefault(unit_id, None)
    from sampark.org.models import Unit

    for pk, path in Unit.objects.filter(pk__in=list(parents)).values_list("pk", "path"):
        ids = paths.ancestor_ids(path)
        parents[pk] = ids[-2] if len(ids) > 1 else None
    ReportDaily.objects.bulk_create(
        [ReportDaily(unit_id=u, parent_id=parents[u], type_id=t, day=d, reports=v[0], v1=v[1], v2=v[2], v3=v[3], v4=v[4])
         for (u, t, d), v in fresh.items()], batch_size=2000)
    return len(fresh)


def current() -> dict:
    """The daily table as {(unit, type, day): [reports, v1..v4]}, zero rows left out."""
    out = defaultdict(list)
    for row in ReportDaily.objects.values_list("unit_id", "type_id", "day", *_COLS):
        if any(row[3:]):
            out[row[:3]] = list(row[3:])
    return dict(out)


def on_subtree_moved(sender, unit, old_path: str, new_path: str, new_parent, **kwargs) -> None:  # noqa: ARG001
    """A subtree moved (org.signals.subtree_moved, inside move_unit's transaction): its reports
    and pending changes take the new paths (a report's path decides who sees it), and the daily
    roll-ups move with them. What the fold already added is taken out along the old paths and
    added along the new ones, as pending changes per (unit, type, day): so every folded unit ends
    right, whether it is an old ancestor, a new one, or inside the subtree at a new depth. Changes
    still pending are not counted twice: they are locked (a folder skips them meanwhile), left
    out of that amount, and re-pathed to be folded along the new paths."""
    from sampark.org.services import rewrite_paths
    from sampark.reports.models import ReportType
    from sampark.reports.services import slot_values

    lo, hi = paths.subtree_range(old_path)
    types = {t.pk: t for t in ReportType.objects.prefetch_related("fields")}
    for t in types.values():
        t._field_list = list(t.fields.all())
    folded: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(_COLS))
    for unit_path, type_id, day, values in (Report.objects.filter(unit_path__gte=lo, unit_path__lt=hi)
                                            .values_list("unit_path", "type_id", "date", "values").iterator()):
        acc = folded[(unit_path, type_id, day)]
        for i, v in enumerate((1, *slot_values(types[type_id], values))):
            acc[i] += v
    for unit_path, type_id, day, *vals in (RollupPending.objects.select_for_update()
                                           .filter(unit_path__gte=lo, unit_path__lt=hi)
                                           .values_list("unit_path", "type_id", "day", *_COLS)):
        acc = folded[(unit_path, type_id, day)]
        for i, v in enumerate(vals):
            acc[i] -= v
    rewrite_paths(Report, "unit_path", old_path, new_path)
    rewrite_paths(RollupPending, "unit_path", old_path, new_path)
    moves = []
    for (unit_path, type_id, day), vals in folded.items():
        if any(vals):
            moved_to = new_path + unit_path[len(old_path):]
            for path, sign in ((unit_path, -1), (moved_to, 1)):
                moves.append(RollupPending(unit_path=path, type_id=type_id, day=day,
                                           **{c: sign * v for c, v in zip(_COLS, vals, strict=True)}))
    RollupPending.objects.bulk_create(moves, batch_size=1000)
    ReportDaily.objects.filter(unit_id=unit.pk).update(parent_id=new_parent.pk)
