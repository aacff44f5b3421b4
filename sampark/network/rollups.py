"""Network roll-ups, folded from the pending queue like the reports' (docs/PERF.md).

What a handle adds to its unit's figures is a pure function of its state (`contributions`): +1
handle on the day it was registered, the reach as differences between its counted snapshots on
their dates, +1 "seen" on its last day of activity (registration or any snapshot: "stale" is the
handles last seen more than 60 days ago), +1 verified on the day it was verified. A hidden handle
adds nothing (history included: hiding one does not look like a fall in reach). Every write to a
handle takes its contributions before and after and appends the difference to NetworkPending
(`queue_change`); the fold adds the pending rows to the unit's ancestors down to the fold depth in
NetworkDaily and NetworkTotal (the current sums per unit and platform), each change to its platform
and to platform 0 (any platform: the sums over the platforms), and keeps BoothCover (booths with an
active handle per platform and on any; platform 0's booths are those covered on any platform)."""

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from sampark.core import bulk, paths
from sampark.network.models import (
    ANY_PLATFORM,
    BoothCover,
    Handle,
    NetworkDaily,
    NetworkPending,
    NetworkTotal,
    Snapshot,
)
from sampark.reports.policies import fold_depth

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


# --- the fold ----------------------------------------------------------------------------------------
#
# The fold (one batch, one transaction):
# 1. claims the oldest pending rows (DELETE ... RETURNING, FOR UPDATE SKIP LOCKED on PostgreSQL:
#    a second folder takes other rows; SQLite has one writer anyway);
# 2. spreads each row to its unit's ancestors from the root down to the fold depth (reports'
#    policy), summed in memory per (unit, platform, day);
# 3. for the booths among the rows' units whose handles changed, recomputes from the Handle rows
#    whether the booth has an active handle per platform and on any (platform 0), inserts or
#    deletes its BoothCover rows, and adds +-1 booths, dated today, to the booth's ancestors. Each
#    booth's decision is taken under a per-booth advisory lock (PostgreSQL), after the booth's
#    changes committed, so two folders deciding on one booth apply their decisions in the order
#    they read: the last one read the latest handles;
# 4. upserts the sums into NetworkDaily ("reach = reach + excluded.reach"), and their sums over the
#    days into NetworkTotal, keys sorted so two folders lock rows in one order.
# Each change is spread to its platform and to platform 0 (reach, handles, seen, verified: platform 0
# carries their sums over the platforms); booths are not: platform 0's are the booths covered on any.
# A subtree move takes NETWORK_LOCK exclusively (folds share it), so a booth's ancestors do not
# change under a fold that counts it.

BATCH = 5000
DAILY_COLS = (*COLS, "booths")
NETWORK_LOCK = 0x6E65_7477  # advisory lock key shared by folds, taken exclusively by subtree moves
BOOTH_LOCK_CLASS = 0x6E62  # two-key advisory locks (class, booth id) for booth coverage


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _iso(day) -> str:
    return day if isinstance(day, str) else day.isoformat()


def booth_level_id() -> int | None:
    from sampark.org.models import Level

    return Level.objects.order_by("-rank").values_list("pk", flat=True).first()


def _add(sums: dict, unit_path: str, platform_id: int, day: str, vals, depth: int) -> None:
    """Add vals (5 columns) to the unit's ancestors from the root down to the fold depth."""
    bulk.add_along(sums, paths.ancestor_ids(unit_path[:paths.SEGMENT * (depth + 1)]), (platform_id, day), vals)


def _spread(rows, sums: dict, depth: int) -> None:
    """rows: (unit_path, platform_id, day, reach, handles, seen, verified[, booths])."""
    leaf: dict = {}
    cut = paths.SEGMENT * (depth + 1)
    for unit_path, platform_id, day, *vals in rows:
        if len(vals) == len(COLS):
            vals = [*vals, 0]
        keys = [(unit_path[:cut], platform_id, _iso(day))]
        if platform_id != ANY_PLATFORM and any(vals[:4]):
            keys.append((keys[0][0], ANY_PLATFORM, keys[0][2]))
        for key in keys:
            vs = vals if key[1] == platform_id else [*vals[:4], 0]
            acc = leaf.get(key)
            leaf[key] = list(vs) if acc is None else [a + v for a, v in zip(acc, vs, strict=True)]
    for (unit_path, platform_id, day), vals in leaf.items():
        _add(sums, unit_path, platform_id, day, vals, depth)


def _upsert(sums: dict) -> None:
    if not sums:
        return
    table = NetworkDaily._meta.db_table
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in DAILY_COLS)
    rows = [(unit_id, parent_id, platform_id, day, *vals)
            for (unit_id, platform_id, day), (parent_id, vals) in sorted(sums.items(), key=lambda kv: kv[0])
            if any(vals)]
    if not rows:
        return
    bulk.insert_rows(table, ["unit_id", "parent_id", "platform_id", "day", *DAILY_COLS], rows,
                     on_conflict=f"ON CONFLICT (unit_id, platform_id, day) DO UPDATE SET {sets}")
    totals: dict = {}
    for unit_id, parent_id, platform_id, _d, *vals in rows:
        entry = totals.get((unit_id, platform_id))
        if entry is None:
            totals[(unit_id, platform_id)] = (parent_id, list(vals))
        else:
            for i, v in enumerate(vals):
                entry[1][i] += v
    table = NetworkTotal._meta.db_table
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in DAILY_COLS)
    bulk.insert_rows(table, ["unit_id", "parent_id", "platform_id", *DAILY_COLS],
                     [(u, parent, p, *vals) for (u, p), (parent, vals) in sorted(totals.items()) if any(vals)],
                     on_conflict=f"ON CONFLICT (unit_id, platform_id) DO UPDATE SET {sets}")


def _lock_network(*, exclusive: bool = False) -> None:
    if _pg():
        fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cur:
            cur.execute(f"SELECT {fn}(%s)", [NETWORK_LOCK])


def _cover_booths(booth_ids: list[int], sums: dict, depth: int, today: date) -> None:
    """Bring the booths' BoothCover rows to what their handles say now; +-1 booths to ancestors."""
    from sampark.org.models import Unit

    if not booth_ids:
        return
    booth_ids = sorted(booth_ids)
    if _pg():
        with connection.cursor() as cur:
            cur.execute("SELECT count(pg_advisory_xact_lock(%s, b)) FROM "
                        "(SELECT b FROM unnest(%s::int[]) AS b ORDER BY b) AS s",
                        [BOOTH_LOCK_CLASS, [b % 2_147_483_647 for b in booth_ids]])
    want = set()
    for unit_id, platform_id in (Handle.objects.filter(unit_id__in=booth_ids, status=Handle.Status.ACTIVE)
                                 .values_list("unit_id", "platform_id").distinct()):
        want.add((unit_id, platform_id))
        want.add((unit_id, ANY_PLATFORM))
    have = set(BoothCover.objects.filter(unit_id__in=booth_ids).values_list("unit_id", "platform_id"))
    gone, new = have - want, want - have
    if not gone and not new:
        return
    table = BoothCover._meta.db_table
    changed: list[tuple[int, int, int]] = []
    with connection.cursor() as cur:
        for unit_id, platform_id in sorted(gone):
            cur.execute(f"DELETE FROM {table} WHERE unit_id = %s AND platform_id = %s", [unit_id, platform_id])
            if cur.rowcount:
                changed.append((unit_id, platform_id, -1))
        for unit_id, platform_id in sorted(new):
            cur.execute(f"INSERT INTO {table} (unit_id, platform_id) VALUES (%s, %s) "
                        f"ON CONFLICT (unit_id, platform_id) DO NOTHING", [unit_id, platform_id])
            if cur.rowcount:
                changed.append((unit_id, platform_id, 1))
    where = dict(Unit.objects.filter(pk__in={c[0] for c in changed}).values_list("pk", "path"))
    day = today.isoformat()
    for unit_id, platform_id, sign in changed:
        if unit_id in where:
            _add(sums, where[unit_id], platform_id, day, [0, 0, 0, 0, sign], depth)


def fold_pending(batch: int = BATCH, today: date | None = None) -> int:
    """Fold up to `batch` pending changes into NetworkDaily, NetworkTotal and BoothCover; returns how many."""
    from sampark.org.models import Unit

    with transaction.atomic():
        _lock_network()
        claimed = bulk.claim(NetworkPending._meta.db_table, ["unit_path", "platform_id", "day", *COLS], batch)
        if not claimed:
            return 0
        depth = fold_depth(fresh=True)
        sums: dict = {}
        _spread(claimed, sums, depth)
        touched = {paths.ancestor_ids(r[0])[-1] for r in claimed if r[3 + HANDLES]}
        level = booth_level_id()
        if touched and level is not None:
            booths = list(Unit.objects.filter(pk__in=touched, level_id=level).values_list("pk", flat=True))
            _cover_booths(booths, sums, depth, today or timezone.localdate())
        _upsert(sums)
    return len(claimed)


def fold_all(batch: int = BATCH, max_batches: int = 1000) -> int:
    total = 0
    for _i in range(max_batches):
        n = fold_pending(batch)
        total += n
        if n < batch:
            break
    return total


def vacuum() -> bool:
    """VACUUM the queue and the roll-up tables on PostgreSQL (outside a transaction; returns whether
    it ran): every fold deletes queue rows and updates daily rows."""
    if not _pg() or connection.in_atomic_block:
        return False
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {NetworkPending._meta.db_table}, {NetworkDaily._meta.db_table}, "
                    f"{NetworkTotal._meta.db_table}, {BoothCover._meta.db_table}")
    return True


# --- recount, rebuild, check -------------------------------------------------------------------------

def recount(today: date | None = None) -> dict:
    """The roll-ups computed from scratch in Python from the handles' contributions, as
    {(unit, platform, day): [reach, handles, seen, verified, booths]} with each covered booth dated
    `today` (for check; rebuild does the same in SQL)."""
    today = today or timezone.localdate()
    depth = fold_depth(fresh=True)
    snaps = defaultdict(list)
    for hid, day, count, status in Snapshot.objects.filter(handle__status=Handle.Status.ACTIVE).values_list(
            "handle_id", "date", "count", "status").iterator():
        snaps[hid].append((day, count, status))
    rows = []
    for h in Handle.objects.filter(status=Handle.Status.ACTIVE).iterator():
        for (p, day), vals in contributions(h, snaps.get(h.pk, [])).items():
            rows.append((h.unit_path, p, day, *vals))
    level = booth_level_id()
    if level is not None:
        covered = set()
        for path, p in (Handle.objects.filter(status=Handle.Status.ACTIVE, unit__level_id=level)
                        .values_list("unit__path", "platform_id").iterator()):
            covered.add((path, p))
            covered.add((path, ANY_PLATFORM))
        rows.extend((path, p, today, 0, 0, 0, 0, 1) for path, p in covered)
    sums: dict = {}
    _spread(rows, sums, depth)
    return {k: v[1] for k, v in sums.items() if any(v[1])}


def current() -> dict:
    """NetworkDaily as {(unit, platform, day): [reach, handles, seen, verified, booths]}, zeros left out."""
    out = {}
    for unit_id, p, day, *vals in NetworkDaily.objects.values_list("unit_id", "platform_id", "day", *DAILY_COLS):
        if any(vals):
            out[(unit_id, p, _iso(day))] = list(vals)
    return out


def current_totals() -> dict:
    """NetworkTotal as {(unit, platform): [reach, handles, seen, verified, booths]}, zeros left out."""
    out = {}
    for unit_id, p, *vals in NetworkTotal.objects.values_list("unit_id", "platform_id", *DAILY_COLS):
        if any(vals):
            out[(unit_id, p)] = list(vals)
    return out


def totals_of(table: dict) -> dict:
    """A daily table ({(unit, platform, day): 5 columns}, as recount and current give) summed over
    the days: what NetworkTotal should hold."""
    out: dict = defaultdict(lambda: [0] * len(DAILY_COLS))
    for (unit_id, p, _d), vals in table.items():
        acc = out[(unit_id, p)]
        for i, v in enumerate(vals):
            acc[i] += v
    return {k: v for k, v in out.items() if any(v)}


def comparable(table: dict) -> tuple[dict, dict]:
    """(the daily figures without booths, booths per (unit, platform)): booths are dated by the day
    a fold saw them appear, which a recount cannot know, so they are compared as totals."""
    days, booths = {}, defaultdict(int)
    for (unit_id, p, day), vals in table.items():
        if any(vals[:4]):
            days[(unit_id, p, _iso(day))] = list(vals[:4])
        booths[(unit_id, p)] += vals[4]
    return days, {k: v for k, v in booths.items() if v}


def check() -> list[str]:
    """Differences between the roll-ups (NetworkDaily, NetworkTotal, BoothCover) and a recount; []
    when they agree. Run with the queue folded (fold_all) and no writes going on."""
    problems = []
    want = recount()
    want_days, want_booths = comparable(want)
    want_totals, have_totals = totals_of(want), current_totals()
    for key in sorted(set(want_totals) | set(have_totals)):
        if want_totals.get(key) != have_totals.get(key):
            problems.append(f"total {key}: {have_totals.get(key)} != {want_totals.get(key)}")
    have_days, have_booths = comparable(current())
    for key in sorted(set(want_days) | set(have_days), key=str):
        if want_days.get(key) != have_days.get(key):
            problems.append(f"daily {key}: {have_days.get(key)} != {want_days.get(key)}")
    for key in sorted(set(want_booths) | set(have_booths)):
        if want_booths.get(key) != have_booths.get(key):
            problems.append(f"booths {key}: {have_booths.get(key)} != {want_booths.get(key)}")
    level = booth_level_id()
    want_cover = set()
    for unit_id, p in (Handle.objects.filter(status=Handle.Status.ACTIVE, unit__level_id=level)
                       .values_list("unit_id", "platform_id")):
        want_cover |= {(unit_id, p), (unit_id, ANY_PLATFORM)}
    have_cover = set(BoothCover.objects.values_list("unit_id", "platform_id"))
    problems.extend(f"cover {key}: missing" for key in sorted(want_cover - have_cover))
    problems.extend(f"cover {key}: extra" for key in sorted(have_cover - want_cover))
    return problems


ALIASES = ("p", "pl", "d", "r", "h", "s", "v", "b")


def _sql(qs) -> tuple[str, list]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


@transaction.atomic
def rebuild(today: date | None = None) -> int:
    """Recompute NetworkDaily, NetworkTotal and BoothCover from the handles in set-based SQL (maintenance, a repair,
    and after the fold level changes): the reach as the differences between each handle's counted
    snapshots (LAG over its snapshots by date), spread to the ancestors one depth at a time by
    joining the units on the path's prefix (platform 0 also gets the sums over the platforms); the
    totals are the daily rows summed. Handle writes wait meanwhile (the queue is locked)."""
    from django.db.models import DateField, F, OuterRef, Subquery, Window
    from django.db.models.functions import Coalesce, Greatest, Lag, TruncDate

    from sampark.org.models import Unit

    today = today or timezone.localdate()
    qn = connection.ops.quote_name
    pending, daily, total, cover = (qn(m._meta.db_table) for m in (NetworkPending, NetworkDaily, NetworkTotal,
                                                                     BoothCover))
    units, handles = qn(Unit._meta.db_table), qn(Handle._meta.db_table)
    _lock_network(exclusive=True)
    with connection.cursor() as cur:
        if _pg():
            cur.execute(f"LOCK TABLE {pending} IN EXCLUSIVE MODE")
        cur.execute(f"DELETE FROM {pending}")
        cur.execute(f"DELETE FROM {daily}")
        cur.execute(f"DELETE FROM {total}")
        cur.execute(f"DELETE FROM {cover}")
    depth = fold_depth(fresh=True)
    cut = paths.SEGMENT * (depth + 1)
    active = Handle.Status.ACTIVE
    level = booth_level_id()
    with connection.cursor() as cur:
        if level is not None:
            cur.execute(f"INSERT INTO {cover} (unit_id, platform_id) SELECT DISTINCT h.unit_id, h.platform_id "
                        f"FROM {handles} h JOIN {units} u ON u.id = h.unit_id WHERE h.status = %s AND u.level_id = %s",
                        [active, level])
            cur.execute(f"INSERT INTO {cover} (unit_id, platform_id) SELECT DISTINCT unit_id, %s FROM {cover}",
                        [ANY_PLATFORM])
    reach_qs = (Snapshot.objects.filter(status=Snapshot.Status.COUNTED, handle__status=active)
                .annotate(p_path=F("handle__unit_path"), p_plat=F("handle__platform_id"),
                          p_prev=Window(Lag("count", default=0), partition_by=[F("handle_id")], order_by=F("date").asc()))
                .values("p_path", "p_plat", "date", "count", "p_prev"))
    created = TruncDate("created_at")
    handles_qs = Handle.objects.filter(status=active).annotate(p_day=created).values("unit_path", "platform_id", "p_day")
    verified_qs = (Handle.objects.filter(status=active, verified_at__isnull=False)
                   .annotate(p_day=TruncDate("verified_at")).values("unit_path", "platform_id", "p_day"))
    last = Subquery(Snapshot.objects.filter(handle=OuterRef("pk")).order_by("-date").values("date")[:1],
                    output_field=DateField())
    seen_qs = (Handle.objects.filter(status=active)
               .annotate(p_day=Greatest(created, Coalesce(last, created), output_field=DateField()))
               .values("unit_path", "platform_id", "p_day"))
    parts, params = [], []
    for qs, select in ((reach_qs, "p_path, p_plat, date, count - p_prev, 0, 0, 0, 0"),
                       (handles_qs, "unit_path, platform_id, p_day, 0, 1, 0, 0, 0"),
                       (seen_qs, "unit_path, platform_id, p_day, 0, 0, 1, 0, 0"),
                       (verified_qs, "unit_path, platform_id, p_day, 0, 0, 0, 1, 0")):
        sql, ps = _sql(qs)
        cols = [c.strip() for c in select.split(",")]
        aliased = ", ".join(f"{c} AS {a}" for c, a in zip(cols, ALIASES, strict=True))
        parts.append(f"SELECT {aliased} FROM ({sql}) AS q{len(parts)}")
        params.extend(ps)
    day_type = "date" if _pg() else "text"
    parts.append(f"SELECT u.path AS p, c.platform_id AS pl, CAST(%s AS {day_type}) AS d, 0 AS r, 0 AS h, 0 AS s, 0 AS v, 1 AS b "
                 f"FROM {cover} c JOIN {units} u ON u.id = c.unit_id")
    params.append(connection.ops.adapt_datefield_value(today))
    leaf = qn("network_rebuild_leaf")
    n = 0
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {leaf}")
        cur.execute(f"CREATE TEMPORARY TABLE {leaf} AS SELECT substr(x.p, 1, {cut}) AS unit_path, x.pl AS platform_id, "
                    f"x.d AS day, SUM(x.r) AS reach, SUM(x.h) AS handles, SUM(x.s) AS seen, SUM(x.v) AS verified, "
                    f"SUM(x.b) AS booths FROM ({' UNION ALL '.join(parts)}) AS x "
                    f"GROUP BY substr(x.p, 1, {cut}), x.pl, x.d", params)
        # Platform 0 (any): the sums over the platforms besides its booths (a second row a day).
        cur.execute(f"INSERT INTO {leaf} (unit_path, platform_id, day, reach, handles, seen, verified, booths) "
                    f"SELECT unit_path, %s, day, SUM(reach), SUM(handles), SUM(seen), SUM(verified), 0 FROM {leaf} "
                    f"WHERE platform_id <> %s GROUP BY unit_path, day", [ANY_PLATFORM, ANY_PLATFORM])
        sums = ", ".join(f"SUM(l.{c})" for c in DAILY_COLS)
        nonzero = " OR ".join(f"SUM(l.{c}) <> 0" for c in DAILY_COLS)
        for d in range(depth + 1):
            length = paths.SEGMENT * (d + 1)
            cur.execute(f"INSERT INTO {daily} (unit_id, parent_id, platform_id, day, {', '.join(DAILY_COLS)}) "
                        f"SELECT u.id, u.parent_id, l.platform_id, l.day, {sums} FROM {leaf} l "
                        f"JOIN {units} u ON u.path = substr(l.unit_path, 1, {length}) "
                        f"WHERE length(l.unit_path) >= {length} "
                        f"GROUP BY u.id, u.parent_id, l.platform_id, l.day HAVING {nonzero}")
            n += cur.rowcount
        cur.execute(f"DROP TABLE {leaf}")
        cur.execute(f"INSERT INTO {total} (unit_id, parent_id, platform_id, {', '.join(DAILY_COLS)}) "
                    f"SELECT unit_id, MAX(parent_id), platform_id, {', '.join(f'SUM({c})' for c in DAILY_COLS)} "
                    f"FROM {daily} GROUP BY unit_id, platform_id "
                    f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in DAILY_COLS)}")
    return n


# --- subtree moves -----------------------------------------------------------------------------------

BOOTHS_VERSION_KEY = "network:booths-total:version"


def bump_booths_version(**kwargs) -> None:  # noqa: ARG001
    """Invalidate the cached booth totals (selectors.booths_total): a unit was added, removed or moved."""
    from django.core.cache import cache

    try:
        cache.incr(BOOTHS_VERSION_KEY)
    except ValueError:
        cache.set(BOOTHS_VERSION_KEY, 1, None)


def unit_saved(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:  # noqa: ARG001
    """A new unit, or one saved whole (its level may have changed): booth totals may change. Saves of
    a few named fields (counters, names) cannot change them."""
    if created or update_fields is None or "level" in update_fields or "level_id" in update_fields:
        bump_booths_version()


def booths_version() -> int:
    from django.core.cache import cache

    return cache.get_or_set(BOOTHS_VERSION_KEY, 1, None)


def on_subtree_moved(sender, unit, old_path: str, new_path: str, new_parent, **kwargs) -> None:  # noqa: ARG001
    """A subtree moved (org.signals.subtree_moved, inside move_unit's transaction, after the units'
    paths were rewritten): its handles and pending changes take the new paths, and what the fold
    already added for them is taken out along the old paths and added along the new ones, as pending
    changes (as reports do). Changes still pending are locked, left out of that amount and re-pathed.
    The booths covered in the subtree move at once in NetworkDaily (-1 old ancestors, +1 new, dated
    today), under the network lock taken exclusively, so no fold counts a booth meanwhile."""
    from sampark.org.services import rewrite_paths

    _lock_network(exclusive=True)
    bump_booths_version()
    lo, hi = paths.subtree_range(old_path)
    moved = list(Handle.objects.select_for_update().filter(unit_path__gte=lo, unit_path__lt=hi).order_by("pk"))
    snaps = defaultdict(list)
    for hid, day, count, status in Snapshot.objects.filter(handle__in=[h.pk for h in moved]).values_list(
            "handle_id", "date", "count", "status").iterator():
        snaps[hid].append((day, count, status))
    folded: dict = defaultdict(lambda: [0] * len(COLS))
    for h in moved:
        for (p, day), vals in contributions(h, snaps.get(h.pk, [])).items():
            acc = folded[(h.unit_path, p, day)]
            for i, v in enumerate(vals):
                acc[i] += v
    pending = list(NetworkPending.objects.select_for_update().filter(unit_path__gte=lo, unit_path__lt=hi)
                   .values_list("unit_path", "platform_id", "day", *COLS))
    for unit_path, p, day, *vals in pending:
        acc = folded[(unit_path, p, day)]
        for i, v in enumerate(vals):
            acc[i] -= v
    # (Nothing to rewrite when nothing was found: rows written meanwhile are not seen by an UPDATE either.)
    if moved:
        rewrite_paths(Handle, "unit_path", old_path, new_path)
    if pending:
        rewrite_paths(NetworkPending, "unit_path", old_path, new_path)
    rows = []
    for (unit_path, p, day), vals in folded.items():
        if any(vals):
            moved_to = new_path + unit_path[len(old_path):]
            for path, sign in ((unit_path, -1), (moved_to, 1)):
                rows.append(NetworkPending(unit_path=path, platform_id=p, day=day,
                                           **{c: sign * v for c, v in zip(COLS, vals, strict=True)}))
    if rows:
        NetworkPending.objects.bulk_create(rows, batch_size=1000)
    from sampark.org.models import Unit

    day = timezone.localdate().isoformat()
    sums: dict = {}
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT u.path, c.platform_id FROM {qn(BoothCover._meta.db_table)} c "
                    f"JOIN {qn(Unit._meta.db_table)} u ON u.id = c.unit_id WHERE u.path >= %s AND u.path < %s",
                    [new_path, new_path + paths.END])
        covered = cur.fetchall()
    depth = fold_depth(fresh=True) if covered else 0
    for path, p in covered:
        _add(sums, old_path + path[len(new_path):], p, day, [0, 0, 0, 0, -1], depth)
        _add(sums, path, p, day, [0, 0, 0, 0, 1], depth)
    _upsert(sums)
    NetworkDaily.objects.filter(unit_id=unit.pk).update(parent_id=new_parent.pk)
    NetworkTotal.objects.filter(unit_id=unit.pk).update(parent_id=new_parent.pk)
