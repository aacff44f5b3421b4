"""Network benchmark (issue 16): a unit's network page, its API and the selector behind both, over
one handle for a third of the members with 12 monthly snapshots each, and the fold rate while
members enter new counts through the service.

Its own rows: handles whose text starts with "bench-" (one per chosen member, on one platform) and
their snapshots, generated in SQL and kept between runs (made again only when missing or of the
wrong size). The roll-ups (NetworkDaily, BoothCover) are rebuilt set-based from every active handle
as the fold would leave them, and the pending queue emptied: they are whole-table state, not rows
of their own. The generated roll-ups are checked against selectors.raw_aggregates on a sample of
units (network.generated_rollups_match_raw), and again after the fold phase. Sizes: a third of the
people (SAMPARK_BENCH_NETWORK_SHARE: 1 in N); SAMPARK_BENCH_NETWORK_FOLD: snapshots entered in the
fold phase; SAMPARK_BENCH_NETWORK_RAW_MAX: while selectors.aggregates still reads the handle rows,
units with more handles than this are not timed (one call over Bihar takes minutes).

Run on databases of your own: BENCH_PG_DB=bench_net_bihar .venv/bin/python -m bench.run --scale bihar
--db both --only network (SQLite: bench/.data/<scale>.sqlite3 of this checkout)."""

import inspect
import multiprocessing
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

TAG = "bench-"
SNAPSHOTS = 12
SHARE = int(os.environ.get("SAMPARK_BENCH_NETWORK_SHARE") or 3)
# Platforms as members use them (share in %): WhatsApp channels and Facebook lead.
PLATFORM_SHARE = [("whatsapp_channel", 28), ("facebook", 24), ("x", 12), ("instagram", 12), ("youtube", 9),
                  ("telegram", 6), ("sharechat", 6), ("threads", 3)]
RUNS = {"small": 30, "bihar": 20, "india": 20}
FOLD_SNAPSHOTS = {"small": 1_000, "bihar": 5_000, "india": 5_000}
BATCH = 50  # snapshots a transaction: SQLite's one writer holds the lock for a whole batch
BUDGET_S = 45  # per timed figure: fewer runs when one call is slow (the selectors on handle rows)
VERIFY_UNITS = 6
# While selectors.aggregates reads the handle rows (before the roll-up reader lands), one call over a
# state takes minutes at Bihar scale: units with more handles than this are then not timed.
RAW_MAX_HANDLES = int(os.environ.get("SAMPARK_BENCH_NETWORK_RAW_MAX") or 20_000)


# --- data -----------------------------------------------------------------------------------------

def _tables():
    from sampark.network.models import (
        BoothCover,
        Handle,
        NetworkDaily,
        NetworkPending,
        NetworkTotal,
        Platform,
        Snapshot,
    )

    return {m.__name__: m._meta.db_table
            for m in (Handle, Snapshot, NetworkDaily, NetworkTotal, NetworkPending, BoothCover, Platform)}


def _target() -> int:
    from sampark.people.models import Person

    return Person.objects.count() // SHARE


def _have() -> tuple[int, int]:
    from sampark.network.models import Handle, Snapshot

    return (Handle.objects.filter(handle__startswith=TAG).count(),
            Snapshot.objects.filter(handle__handle__startswith=TAG).count())


def _sql_date(expr_days: str, pg: bool) -> str:
    """today minus an integer SQL expression of days, as a date."""
    return f"(%(today)s::date - ({expr_days})::int)" if pg else f"date(%(today)s, '-' || ({expr_days}) || ' days')"


def _local_day(col: str, pg: bool) -> str:
    """A stored timestamp's local date (settings.TIME_ZONE), as timezone.localdate gives it."""
    if pg:
        return f"(({col}) AT TIME ZONE '{settings.TIME_ZONE}')::date"
    offset = int(timezone.localtime(timezone.now()).utcoffset().total_seconds() // 60)  # no DST in India
    return f"date({col}, '{offset:+d} minutes')"


def _generate(today: date) -> dict:
    """Handles and snapshots of a third of the members, then the roll-ups from every active handle."""
    from sampark.network.models import Platform
    from sampark.org.models import Level

    pg = connection.vendor == "postgresql"
    t = _tables()
    h, s = t["Handle"], t["Snapshot"]
    plats = {p.code: p for p in Platform.objects.all()}
    now = datetime.now(UTC)
    params = {"today": today, "now": now if pg else connection.ops.adapt_datetimefield_value(now),
              "share": SHARE, "tag": TAG}
    timings = {}
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {s} WHERE handle_id IN (SELECT id FROM {h} WHERE handle LIKE 'bench-%%')")
        cur.execute(f"DELETE FROM {h} WHERE handle LIKE 'bench-%%'")
        # Platforms by share: bucket (person * 7919) % 100 in [lo, hi).
        cur.execute("DROP TABLE IF EXISTS bench_plat")
        cur.execute("CREATE TEMPORARY TABLE bench_plat (lo integer, hi integer, platform_id bigint, host varchar(100))")
        lo = 0
        for code, share in PLATFORM_SHARE:
            if code in plats:
                cur.execute("INSERT INTO bench_plat VALUES (%s, %s, %s, %s)",
                            [lo, lo + share, plats[code].pk, plats[code].host_list()[0]])
                lo += share
        cur.execute("UPDATE bench_plat SET hi = 100 WHERE hi = %s", [lo])
        # Members: people with an active post, 1 in SHARE, each at their deepest unit; not those who
        # already have a handle of their own.
        cur.execute("DROP TABLE IF EXISTS bench_member")
        cur.execute("CREATE TEMPORARY TABLE bench_member AS SELECT person_id, unit_id, unit_path FROM ("
                    "SELECT p.person_id, p.unit_id, p.unit_path, row_number() OVER (PARTITION BY p.person_id "
                    "ORDER BY length(p.unit_path) DESC, p.unit_id) AS rn FROM people_post p "
                    "WHERE p.active AND p.person_id %% %(share)s = 0) x WHERE rn = 1 "
                    f"AND NOT EXISTS (SELECT 1 FROM {h} o WHERE o.person_id = x.person_id)", params)
        # Dates: snapshot k (0..11) is 30 * (11 - k) + person % 30 days back (spread over the month);
        # registered up to 19 days before the first; 40 % verified ten days after registering.
        created_days = "330 + b.person_id %% 30 + b.person_id %% 20"
        noon = ("(%(today)s::date - (" + created_days + ")::int)::timestamp AT TIME ZONE 'UTC' + interval '12 hours'"
                if pg else "datetime(%(today)s, '-' || (" + created_days + ") || ' days', '+12 hours')")
        verified = ("(%(today)s::date - (" + created_days + " - 10)::int)::timestamp AT TIME ZONE 'UTC' + interval '12 hours'"
                    if pg else "datetime(%(today)s, '-' || (" + created_days + " - 10) || ' days', '+12 hours')")
        # Counts: base 20..499 by person, +1..9 % of it a month, growing.
        base = "(20 + (b.person_id * 37) %% 480)"
        count_k = f"({base} + ({base} * (1 + b.person_id %% 9) * {{k}}) / 100 + {{k}} * (b.person_id %% 5))"
        cur.execute(
            f"INSERT INTO {h} (person_id, platform_id, handle, url, unit_id, unit_path, status, verified_by_id, "
            "verified_at, created_at, client_uuid, latest_count, latest_date) "
            "SELECT b.person_id, pl.platform_id, %(tag)s || b.person_id, "
            "'https://' || pl.host || '/' || %(tag)s || b.person_id, b.unit_id, b.unit_path, 'active', NULL, "
            f"CASE WHEN b.person_id %% 5 < 2 THEN {verified} END, {noon}, NULL, "
            f"{count_k.format(k=SNAPSHOTS - 1)}, {_sql_date('b.person_id %% 30', pg)} "
            "FROM bench_member b JOIN bench_plat pl ON (b.person_id * 7919) %% 100 >= pl.lo "
            "AND (b.person_id * 7919) %% 100 < pl.hi", params)
        cur.execute("DROP TABLE IF EXISTS bench_k")
        cur.execute("CREATE TEMPORARY TABLE bench_k (k integer)")
        cur.execute("INSERT INTO bench_k VALUES " + ", ".join(f"({k})" for k in range(SNAPSHOTS)))
        sid = ("lpad(to_hex(b.id * 16 + g.k), 32, '0')::uuid" if pg else "printf('%%032x', b.id * 16 + g.k)")
        cur.execute(
            f"INSERT INTO {s} (id, handle_id, date, count, status, source, entered_by_id, reviewed_by_id, "
            "reviewed_at, created_at) "
            f"SELECT {sid}, b.id, {_sql_date(f'30 * ({SNAPSHOTS - 1} - g.k) + b.person_id %% 30', pg)}, "
            f"{count_k.format(k='g.k')}, 'counted', 'member', b.person_id, NULL, NULL, %(now)s "
            f"FROM {h} b CROSS JOIN bench_k g WHERE b.handle LIKE 'bench-%%'", params)
        for tmp in ("bench_k", "bench_member", "bench_plat"):
            cur.execute(f"DROP TABLE {tmp}")
    timings["network_generate_handles_s"] = time.perf_counter() - t0
    _analyze([h, s])
    booth = Level.objects.order_by("-rank").first()
    t1 = time.perf_counter()
    _build_rollups(booth.pk if booth else -1)
    timings["network_generate_rollups_s"] = time.perf_counter() - t1
    return timings


def _analyze(tables) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE " + ", ".join(tables))
        else:
            for tb in tables:
                cur.execute(f"ANALYZE {tb}")


def _build_rollups(booth_level_id: int) -> None:
    """NetworkDaily, NetworkTotal and BoothCover as the fold leaves them, from every active handle,
    set-based: what
    each handle contributes (rollups.contributions: +1 handle on its registration day, the reach as
    differences between counted snapshots, +1 seen on its last day of activity, +1 verified on the
    day verified; +1 booth on the day a booth got its first active handle on the platform, and on
    any), grouped by the fold depth's path prefix, then each level from the one below plus the
    handles of its own units; platform 0 also carries the sums over the platforms (reach, handles,
    seen, verified), and NetworkTotal is the daily rows summed. The pending queue is emptied: this is
    the state after it."""
    from sampark.core import paths
    from sampark.reports.policies import fold_depth

    pg = connection.vendor == "postgresql"
    t = _tables()
    h, s, daily, cover, pending = t["Handle"], t["Snapshot"], t["NetworkDaily"], t["BoothCover"], t["NetworkPending"]
    total = t["NetworkTotal"]
    depth = fold_depth()
    prefix = paths.SEGMENT * (depth + 1)
    created = _local_day("h.created_at", pg)
    verified = _local_day("h.verified_at", pg)
    cols = "reach, handles, seen, verified, booths"
    with transaction.atomic(), connection.cursor() as cur:
        for tb in (pending, daily, total, cover):
            cur.execute(f"DELETE FROM {tb}")
        cur.execute(f"INSERT INTO {cover} (unit_id, platform_id) SELECT DISTINCT h.unit_id, h.platform_id FROM {h} h "
                    "JOIN org_unit u ON u.id = h.unit_id WHERE h.status = 'active' AND u.level_id = %s", [booth_level_id])
        cur.execute(f"INSERT INTO {cover} (unit_id, platform_id) SELECT DISTINCT unit_id, 0 FROM {cover}")
        booth_day = (f"SELECT h.unit_path, h.platform_id AS p, min({created}) AS day FROM {h} h JOIN org_unit u "
                     "ON u.id = h.unit_id WHERE h.status = 'active' AND u.level_id = %s GROUP BY h.unit_path, h.platform_id")
        parts = [
            # reach: differences between counted snapshots, on their dates
            f"SELECT h.unit_path, h.platform_id AS p, s.date AS day, s.count - coalesce(lag(s.count) OVER "
            f"(PARTITION BY s.handle_id ORDER BY s.date), 0) AS reach, 0 AS handles, 0 AS seen, 0 AS verified, "
            f"0 AS booths FROM {s} s JOIN {h} h ON h.id = s.handle_id WHERE h.status = 'active' AND s.status = 'counted'",
            f"SELECT h.unit_path, h.platform_id, {created}, 0, 1, 0, 0, 0 FROM {h} h WHERE h.status = 'active'",
            # seen: the last day of activity, registration or any snapshot
            f"SELECT h.unit_path, h.platform_id, CASE WHEN max(s.date) > {created} THEN max(s.date) ELSE {created} END, "
            f"0, 0, 1, 0, 0 FROM {h} h LEFT JOIN {s} s ON s.handle_id = h.id WHERE h.status = 'active' "
            "GROUP BY h.id, h.unit_path, h.platform_id, h.created_at",
            f"SELECT h.unit_path, h.platform_id, {verified}, 0, 0, 0, 1, 0 FROM {h} h "
            "WHERE h.status = 'active' AND h.verified_at IS NOT NULL",
            f"SELECT unit_path, p, day, 0, 0, 0, 0, 1 FROM ({booth_day}) bd",
        ]
        cur.execute("DROP TABLE IF EXISTS bench_g")
        cur.execute(f"CREATE TEMPORARY TABLE bench_g AS SELECT substr(unit_path, 1, {prefix}) AS path, p, day, "
                    "sum(reach) AS reach, sum(handles) AS handles, sum(seen) AS seen, sum(verified) AS verified, "
                    "sum(booths) AS booths FROM (" + " UNION ALL ".join(parts) + ") c GROUP BY 1, 2, 3",
                    [booth_level_id])
        # Platform 0 (any): the sums over the platforms, and the booths covered on any platform, once
        # per booth, from its first handle.
        cur.execute("INSERT INTO bench_g SELECT path, 0, day, sum(reach), sum(handles), sum(seen), sum(verified), 0 "
                    "FROM bench_g WHERE p <> 0 GROUP BY path, day")
        cur.execute(f"INSERT INTO bench_g SELECT substr(unit_path, 1, {prefix}), 0, day, 0, 0, 0, 0, count(*) FROM "
                    f"(SELECT h.unit_path, min({created}) AS day FROM {h} h JOIN org_unit u ON u.id = h.unit_id "
                    "WHERE h.status = 'active' AND u.level_id = %s GROUP BY h.unit_path) b0 GROUP BY 1, 3",
                    [booth_level_id])
        cur.execute("DROP TABLE IF EXISTS bench_g1")
        cur.execute("CREATE TEMPORARY TABLE bench_g1 AS SELECT path, p, day, sum(reach) AS reach, sum(handles) AS "
                    "handles, sum(seen) AS seen, sum(verified) AS verified, sum(booths) AS booths FROM bench_g "
                    "GROUP BY path, p, day")
        cur.execute("DROP TABLE bench_g")
        cur.execute("ALTER TABLE bench_g1 RENAME TO bench_g")
        cur.execute("DROP TABLE IF EXISTS bench_gu")
        cur.execute(f"CREATE TEMPORARY TABLE bench_gu AS SELECT u.id AS unit_id, u.parent_id, length(g.path) / "
                    f"{paths.SEGMENT} - 1 AS depth, g.p, g.day, g.reach, g.handles, g.seen, g.verified, g.booths "
                    "FROM bench_g g JOIN org_unit u ON u.path = g.path")
        cur.execute("DROP TABLE bench_g")
        cur.execute("DROP TABLE IF EXISTS bench_level")
        cur.execute(f"CREATE TEMPORARY TABLE bench_level AS SELECT unit_id, parent_id, p, day, {cols} FROM bench_gu "
                    "WHERE depth = %s", [depth])
        for d in range(depth, -1, -1):
            cur.execute(f"INSERT INTO {daily} (unit_id, parent_id, platform_id, day, {cols}) SELECT unit_id, "
                        f"parent_id, p, day, {cols} FROM bench_level WHERE reach <> 0 OR handles <> 0 OR seen <> 0 "
                        "OR verified <> 0 OR booths <> 0")
            if d == 0:
                break
            cur.execute("DROP TABLE IF EXISTS bench_up")
            cur.execute(f"CREATE TEMPORARY TABLE bench_up AS SELECT x.unit_id, u.parent_id, x.p, x.day, "
                        "sum(x.reach) AS reach, sum(x.handles) AS handles, sum(x.seen) AS seen, "
                        "sum(x.verified) AS verified, sum(x.booths) AS booths FROM ("
                        f"SELECT parent_id AS unit_id, p, day, {cols} FROM bench_level WHERE parent_id IS NOT NULL "
                        f"UNION ALL SELECT unit_id, p, day, {cols} FROM bench_gu WHERE depth = %s"
                        ") x JOIN org_unit u ON u.id = x.unit_id GROUP BY x.unit_id, u.parent_id, x.p, x.day", [d - 1])
            cur.execute("DROP TABLE bench_level")
            cur.execute("ALTER TABLE bench_up RENAME TO bench_level")
        cur.execute("DROP TABLE bench_level")
        cur.execute("DROP TABLE bench_gu")
        cur.execute(f"INSERT INTO {total} (unit_id, parent_id, platform_id, {cols}) SELECT unit_id, max(parent_id), "
                    "platform_id, sum(reach), sum(handles), sum(seen), sum(verified), sum(booths) FROM "
                    f"{daily} GROUP BY unit_id, platform_id HAVING sum(reach) <> 0 OR sum(handles) <> 0 "
                    "OR sum(seen) <> 0 OR sum(verified) <> 0 OR sum(booths) <> 0")
    _analyze([daily, total, cover])


# --- checks ---------------------------------------------------------------------------------------

def _from_rollups(unit, today: date) -> dict:
    """{platform: Agg} summed from the unit's NetworkDaily rows (platform 0's carry the sums over the
    platforms and the booths covered on any), after checking that NetworkTotal is their sum."""
    from collections import defaultdict

    from sampark.network.models import NetworkDaily, NetworkTotal
    from sampark.network.selectors import Agg
    from sampark.network.services import stale_before

    d30, d90, stale = today - timedelta(days=30), today - timedelta(days=90), stale_before(today)
    out = defaultdict(Agg)
    for p, day, reach, handles, seen, verified, booths in NetworkDaily.objects.filter(
            unit_id=unit.pk, day__lte=today).values_list("platform_id", "day", "reach", "handles", "seen",
                                                          "verified", "booths"):
        _add_row(out[p], day, reach, handles, seen, verified, booths, d30, d90, stale)
    out[0]  # noqa: B018 - always present
    totals = {p: [r, h, v, b] for p, r, h, v, b in NetworkTotal.objects.filter(unit_id=unit.pk).values_list(
        "platform_id", "reach", "handles", "verified", "booths") if r or h or v or b}
    if totals != {p: [a.reach, a.handles, a.verified, a.booths] for p, a in out.items() if a != Agg()}:
        return {}  # not the sum of the daily rows: the check fails
    return dict(out)


def _add_row(a, day, reach, handles, seen, verified, booths, d30, d90, stale) -> None:
    a.reach += reach
    a.handles += handles
    a.verified += verified
    a.booths += booths
    a.reach_30 += reach if day <= d30 else 0
    a.reach_90 += reach if day <= d90 else 0
    a.new_30 += handles if day > d30 else 0
    a.stale += seen if day < stale else 0


def _same(a: dict, b: dict) -> bool:
    from sampark.network.selectors import Agg

    keys = set(a) | set(b)
    return all((a.get(k) or Agg()) == (b.get(k) or Agg()) for k in keys)


def _verify(ctx, units, today: date, label: str) -> None:
    """The roll-ups (read directly, and through selectors.aggregates) against the handle rows."""
    from sampark.network import selectors

    raw = selectors.raw_aggregates(units, today)
    direct = all(_same(_from_rollups(u, today), raw[u.pk]) for u in units)
    via = selectors.aggregates(units, today)
    through = all(_same(via[u.pk], raw[u.pk]) for u in units)
    names = ", ".join(f"{u.level.code} {u.pk}" for u in units)
    print(f"  check ({label}) on {names}: roll-ups = raw: {direct}; selectors.aggregates = raw: {through}", flush=True)
    ctx.record(f"network.{label}_rollups_match_raw", int(direct), "bool", target=1)
    ctx.record(f"network.{label}_aggregates_match_raw", int(through), "bool", target=1)
    ctx.record(f"network.{label}_units_checked", len(units), "units")


# --- timings --------------------------------------------------------------------------------------

def _pct(samples, p):
    samples = sorted(samples)
    return samples[max(0, min(len(samples) - 1, int(round(len(samples) * p / 100)) - 1))] * 1000


def _time(fn, runs):
    t0 = time.perf_counter()
    fn()  # warm
    first = time.perf_counter() - t0
    if first > BUDGET_S / 3:  # slow (seconds a call): the one call is the figure
        return [first]
    runs = max(1, min(runs, int(BUDGET_S / max(first, 1e-6))))
    out = []
    for _i in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _leader(unit):
    from sampark.people.models import LEADING_ROLES, Post

    post = (Post.objects.filter(unit=unit, active=True, role__in=LEADING_ROLES).select_related("person")
            .order_by("pk").first())
    return post.person if post else None


def _client(person):
    from django.test import Client

    from sampark.people.consent import give_consent, has_consented
    from sampark.people.middleware import SESSION_KEY
    from sampark.people.notice import NOTICE_VERSION
    from sampark.people.twofactor import mark_passed

    if not has_consented(person):
        give_consent(person, NOTICE_VERSION)
    client = Client()
    session = client.session
    session[SESSION_KEY] = person.pk
    mark_passed(session)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    return client


def _pages(ctx, today: date, from_rollups: bool) -> None:
    from sampark.network import selectors
    from sampark.network.models import Handle
    from sampark.org.models import Unit

    runs = RUNS.get(ctx.scale, 20)
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    state = (Unit.objects.filter(parent=root, name_en="Bihar").first()
             or Unit.objects.filter(parent=root).order_by("-child_count").first() or root)
    district = Unit.objects.filter(parent=state).order_by("-member_count", "pk").first() or state
    for name, unit, target in (("state", state, 50), ("national", root, 100), ("district", district, 50)):
        unit = Unit.objects.select_related("level", "parent").get(pk=unit.pk)
        n = Handle.objects.in_subtree(unit.path).count()
        if not from_rollups and n > RAW_MAX_HANDLES:
            print(f"  {name} ({n:,} handles): not timed while the selectors read handle rows", flush=True)
            continue
        samples = _time(lambda u=unit: selectors.unit_network(u, today), runs)
        ctx.record(f"network.{name}_selector_p95_ms", round(_pct(samples, 95), 1), "ms", target=target)
        ctx.record(f"network.{name}_selector_median_ms", round(statistics.median(samples) * 1000, 1), "ms")
        ctx.record(f"network.{name}_selector_runs", len(samples), "runs")
        leader = _leader(unit)
        if leader is None:
            print(f"  no leader at the {name} unit {unit.pk}: pages not measured", flush=True)
            continue
        client = _client(leader)
        for kind, url in (("page", f"/network/unit/{unit.pk}/"), ("api", f"/api/v1/units/{unit.pk}/network")):
            statuses = []

            def get(url=url, statuses=statuses, client=client):
                resp = client.get(url, HTTP_ACCEPT_LANGUAGE="hi")
                statuses.append(resp.status_code)

            samples = _time(get, runs)
            ctx.record(f"network.{name}_{kind}_http_p95_ms", round(_pct(samples, 95), 1), "ms", target=target)
            ctx.record(f"network.{name}_{kind}_http_median_ms", round(statistics.median(samples) * 1000, 1), "ms")
            ctx.record(f"network.{name}_{kind}_http_errors", sum(1 for st in statuses if st != 200), "requests",
                       target=0)


# --- the fold rate ---------------------------------------------------------------------------------

def _folder(stop, out) -> None:
    from django.db import OperationalError

    from sampark.network import rollups

    folded, busy = 0, 0.0
    try:
        while True:
            t0 = time.perf_counter()
            try:
                n = rollups.fold_pending(5000)
            except OperationalError:  # SQLite: the writer held the lock past busy_timeout; next tick
                connection.close()
                time.sleep(0.1)
                continue
            if n:
                busy += time.perf_counter() - t0
            folded += n
            if n == 0:
                if stop.is_set():
                    return
                time.sleep(0.05)
    finally:
        out.put((folded, time.perf_counter(), busy))
        connection.close()


def _fold_rate(ctx, today: date) -> list[int]:
    """Members enter today's count for FOLD_SNAPSHOTS bench handles through services.add_snapshot, in
    batches of BATCH per transaction, while the worker folds in its own process. Returns the unit
    ids touched (for the check after). When the fold is not written yet (folds nothing), what was
    added is taken back so that the roll-ups stay equal to the handles."""
    from sampark.network import services
    from sampark.network.models import Handle, NetworkPending, Snapshot
    from sampark.people.models import Person

    n = int(os.environ.get("SAMPARK_BENCH_NETWORK_FOLD") or FOLD_SNAPSHOTS.get(ctx.scale, 1000))
    # Not those with a snapshot today already (person % 30 == 0): each entry is a new snapshot.
    ids = [pk for pk, person in Handle.objects.filter(handle__startswith=TAG).values_list("pk", "person_id")
           if person % 30]
    picks = sorted(random.Random(16).sample(ids, min(n, len(ids))))
    handles = list(Handle.objects.filter(pk__in=picks).select_related("platform"))
    people = Person.objects.in_bulk([h.person_id for h in handles])
    before_pending = NetworkPending.objects.count()
    connections.close_all()
    mp = multiprocessing.get_context("fork")
    stop, out = mp.Event(), mp.Queue()
    folder = mp.Process(target=_folder, args=(stop, out))
    added = []
    t0 = time.perf_counter()
    folder.start()
    try:
        for i in range(0, len(handles), BATCH):
            with transaction.atomic():
                for hd in handles[i:i + BATCH]:
                    count = int((hd.latest_count or 100) * 1.04) + 1
                    snap, created = services.add_snapshot(people[hd.person_id], hd, date=today, count=count,
                                                          today=today)
                    if created:
                        added.append(snap.pk)
    finally:
        t_submit = time.perf_counter() - t0
        stop.set()
        folded, drained_at, busy = out.get()
        folder.join()
    t_all = max(drained_at - t0, t_submit)
    queued = NetworkPending.objects.count() - before_pending + folded
    ctx.record("network.snapshots_entered_per_s", round(len(handles) / t_submit), "snapshots/s")
    ctx.record("network.pending_rows_queued", queued, "changes")
    ctx.record("network.pending_rows_folded", folded, "changes")
    if folded:
        # Kept pace with the arrivals (folded over the whole phase), and what the fold itself takes
        # (folded over the time spent in the calls that folded something).
        ctx.record("network.fold_per_s", round(folded / t_all), "changes/s")
        ctx.record("network.fold_capacity_per_s", round(folded / busy) if busy else 0, "changes/s")
        ctx.record("network.fold_lag_s", round(t_all - t_submit, 2), "s", target=3)
    else:
        print("  the fold folded nothing (rollups.fold_pending not written yet): fold rate not measured; "
              "the added snapshots are taken back", flush=True)
        with transaction.atomic():
            Snapshot.objects.filter(pk__in=added).delete()
            NetworkPending.objects.all().delete()
            for hd in Handle.objects.filter(pk__in=picks):
                services._refresh_latest(hd)
    return sorted({hd.unit_id for hd in handles})


# --- run --------------------------------------------------------------------------------------------

def run(ctx):
    from sampark.network import selectors
    from sampark.org.models import Unit
    from sampark.reports.policies import fold_depth

    today = timezone.localdate()
    from_rollups = "raw_aggregates(units, today)" not in inspect.getsource(selectors.aggregates)
    print(f"  selectors.aggregates reads {'the roll-ups' if from_rollups else 'the handle rows (raw)'}", flush=True)
    ctx.record("network.selectors_from_rollups", int(from_rollups), "bool")
    target = _target()
    have, snaps = _have()
    if not (target * 0.98 <= have <= target * 1.02 and SNAPSHOTS * have <= snaps <= SNAPSHOTS * have * 1.05):
        print(f"  generating {target:,} handles x {SNAPSHOTS} snapshots (have {have:,} / {snaps:,})...", flush=True)
        for name, secs in _generate(today).items():
            ctx.record(name, round(secs, 1), "s")
        have, snaps = _have()
    else:
        print(f"  {have:,} bench handles and {snaps:,} snapshots already there", flush=True)
        # Changes left by an interrupted run: folded, or (no fold yet) the roll-ups built again.
        from sampark.network import rollups
        from sampark.network.models import NetworkDaily, NetworkPending, NetworkTotal
        from sampark.org.models import Level

        rollups.fold_all()
        if NetworkPending.objects.exists():
            print("  pending changes the fold does not take: roll-ups built again", flush=True)
            booth = Level.objects.order_by("-rank").first()
            _build_rollups(booth.pk if booth else -1)
        elif NetworkDaily.objects.exists() and not (NetworkTotal.objects.exists() and NetworkDaily.objects.filter(
                platform_id=0).exclude(handles=0).exists()):
            print("  roll-ups from an earlier generator (no totals or no sums on platform 0): built again",
                  flush=True)
            booth = Level.objects.order_by("-rank").first()
            _build_rollups(booth.pk if booth else -1)
    from sampark.network.models import BoothCover, NetworkDaily

    ctx.record("network.handles", have, "handles")
    ctx.record("network.snapshots", snaps, "snapshots")
    ctx.record("network.daily_rows", NetworkDaily.objects.count(), "rows")
    ctx.record("network.booths_covered", BoothCover.objects.filter(platform_id=0).count(), "booths")

    # The check: a few mandals (the fold depth) and constituencies, a district when small enough.
    depth = fold_depth()
    rnd = random.Random(7)
    sample = []
    for d in (depth, depth - 1):
        ids = list(Unit.objects.filter(path__regex=f"^.{{{7 * (d + 1)}}}$").values_list("pk", flat=True)[:5000])
        sample += rnd.sample(ids, min(VERIFY_UNITS // 2, len(ids)))
    units = list(Unit.objects.filter(pk__in=sample).select_related("level"))
    _verify(ctx, units, today, "generated")

    _pages(ctx, today, from_rollups)

    touched = _fold_rate(ctx, today)
    # After the fold: the mandals of the touched handles still agree with the handle rows.
    mandal_paths = {}
    for u in Unit.objects.filter(pk__in=touched).only("path"):
        if len(u.path) >= 7 * (depth + 1):  # mandals (the fold depth) of the touched handles
            mandal_paths[u.path[:7 * (depth + 1)]] = True
    after = list(Unit.objects.filter(path__in=list(mandal_paths)[:VERIFY_UNITS]).select_related("level"))
    _verify(ctx, after, today, "after_fold")
    connection.close()
