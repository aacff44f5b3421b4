"""Reports benchmark: ingestion through the service layer with roll-ups, dashboard lag, and dashboard
latency (state, national, district) over a large report history.

Its own rows: a report type with code "bench" (created here), so the history it loads and the
reports it ingests never mix with the demo's; the history is kept between runs (loaded only when
short), like the demo organisation. Sizes by scale, or SAMPARK_BENCH_REPORTS for the history."""

import multiprocessing
import os
import random
import statistics
import time
from datetime import timedelta

from django.db import connection, connections, transaction
from django.utils import timezone

HISTORY = {"small": 20_000, "bihar": 1_000_000, "india": 10_000_000}
INGEST = {"small": 10_000, "bihar": 50_000, "india": 50_000}
BATCH = 500
DAYS = 365
WINDOW = 30
RUNS = 40
WORKER_INTERVAL_S = 1.0


def _bench_type():
    from sampark.reports.models import ReportField, ReportType

    rtype, created = ReportType.objects.get_or_create(
        code="bench", defaults={"name_hi": "बेंचमार्क", "name_en": "Benchmark", "active": True, "order": 99})
    if created:
        ReportField.objects.create(type=rtype, code="attendance", label_hi="उपस्थिति", label_en="Attendance",
                                   kind="number", required=True, min_value=0, max_value=100000, slot=1)
    return rtype


def _actor_and_units():
    """A leader at the root (who may report anywhere) and the deepest units, where reports come from."""
    from sampark.org.models import Unit
    from sampark.people.models import LEADING_ROLES, Post

    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    post = (Post.objects.filter(unit=root, active=True, role__in=LEADING_ROLES).select_related("person").first()
            or Post.objects.filter(active=True, role__in=LEADING_ROLES).order_by("unit_path").select_related("person").first())
    max_len = max(len(p) for p in Unit.objects.values_list("path", flat=True).order_by("-path")[:1000])
    leaves = list(Unit.objects.filter(child_count=0).values_list("pk", "path")[:200_000])
    leaves = [lf for lf in leaves if len(lf[1]) == max_len] or leaves
    return post.person, root, leaves


def _load_history(rtype, actor, target: int) -> tuple[int, float]:
    """Generate the history in SQL (setup, not measured as ingestion): `target` reports of the
    bench type spread evenly over every deepest unit and the last DAYS days, then their daily
    roll-ups level by level (the folded level nearest the booths from the reports, each level
    above from the one below), so
    ten million rows need not pass through Python. An earlier, shorter history is replaced.
    The ids are sequential, not random as phones make them: only the dashboards read this."""
    from sampark.core import paths
    from sampark.reports.models import Report, ReportDaily, RollupPending
    from sampark.reports.policies import fold_depth

    have = Report.objects.filter(type=rtype).count()
    # Each run adds its ingested reports (all in the last 30 days): past 2 % more than designed,
    # the history is made again, so the dashboards keep being measured at the designed density.
    if target <= have <= target * 1.02:
        return have, 0.0
    t0 = time.perf_counter()
    pg = connection.vendor == "postgresql"
    reports, daily, units = Report._meta.db_table, ReportDaily._meta.db_table, "org_unit"
    today = timezone.localdate()
    now = timezone.now() if pg else connection.ops.adapt_datetimefield_value(timezone.now())
    temp = "" if pg else "temp."
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {RollupPending._meta.db_table} WHERE type_id = %s", [rtype.pk])
        cur.execute(f"DELETE FROM {daily} WHERE type_id = %s", [rtype.pk])
        cur.execute(f"DELETE FROM {reports} WHERE type_id = %s", [rtype.pk])
        cur.execute(f"SELECT max(length(path)) FROM {units}")
        deepest = cur.fetchone()[0]
        cur.execute("DROP TABLE IF EXISTS bench_leaf")
        cur.execute(f"CREATE TEMPORARY TABLE bench_leaf AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, path "
                    f"FROM {units} WHERE length(path) = %s", [deepest])
        cur.execute(f"CREATE UNIQUE INDEX {temp}bench_leaf_i ON bench_leaf (i)")
        cur.execute("SELECT count(*) FROM bench_leaf")
        leaves = cur.fetchone()[0]
        if pg:
            series = "generate_series(0::bigint, %s - 1) AS q(s)"
            cols = (f"lpad(to_hex(s), 32, '0')::uuid, l.id, l.path, %s, %s::date - ((s * 17) %% {DAYS})::int, "
                    "jsonb_build_object('attendance', 5 + (s * 31) %% 75)")
            attendance = "(r.\"values\" ->> 'attendance')::bigint"
        else:
            series = "(WITH RECURSIVE q(s) AS (SELECT 0 UNION ALL SELECT s + 1 FROM q WHERE s + 1 < %s) SELECT s FROM q) AS q"
            cols = (f"printf('%%032x', s), l.id, l.path, %s, date(%s, '-' || ((s * 17) %% {DAYS}) || ' days'), "
                    "json_object('attendance', 5 + (s * 31) %% 75)")
            attendance = "json_extract(r.\"values\", '$.attendance')"
        cur.execute(f'INSERT INTO {reports} (id, unit_id, unit_path, type_id, date, "values", author_id, body_hash, '
                    f"version, created_at, updated_at) SELECT {cols}, %s, 'bench', 1, %s, %s "
                    f"FROM {series} JOIN bench_leaf l ON l.i = (q.s * 7919) %% %s",
                    [rtype.pk, today, actor.pk, now, now, target, leaves])
        # Daily roll-ups: the folded units nearest the reports (policies.fold_depth()) from the
        # reports, grouped by that prefix of their paths, then each level from the one below.
        cur.execute("DROP TABLE IF EXISTS bench_level")
        cur.execute(f"CREATE TEMPORARY TABLE bench_level AS SELECT u.id AS unit_id, u.parent_id, g.day, g.reports, g.v1 "
                    f"FROM (SELECT substr(r.unit_path, 1, %s) AS path, r.date AS day, count(*) AS reports, "
                    f"sum({attendance}) AS v1 FROM {reports} r WHERE r.type_id = %s GROUP BY 1, 2) g "
                    f"JOIN {units} u ON u.path = g.path",
                    [paths.SEGMENT * (fold_depth() + 1), rtype.pk])
        while True:
            cur.execute(f"INSERT INTO {daily} (unit_id, parent_id, type_id, day, reports, v1, v2, v3, v4) "
                        f"SELECT unit_id, parent_id, %s, day, reports, v1, 0, 0, 0 FROM bench_level", [rtype.pk])
            cur.execute("SELECT count(*) FROM bench_level WHERE parent_id IS NOT NULL")
            if not cur.fetchone()[0]:
                break
            cur.execute("DROP TABLE IF EXISTS bench_up")
            cur.execute(f"CREATE TEMPORARY TABLE bench_up AS SELECT b.parent_id AS unit_id, u.parent_id, b.day, "
                        f"sum(b.reports) AS reports, sum(b.v1) AS v1 FROM bench_level b JOIN {units} u ON u.id = b.parent_id "
                        f"WHERE b.parent_id IS NOT NULL GROUP BY b.parent_id, u.parent_id, b.day")
            cur.execute("DROP TABLE bench_level")
            cur.execute("ALTER TABLE bench_up RENAME TO bench_level")
        cur.execute("DROP TABLE bench_level")
        cur.execute("DROP TABLE bench_leaf")
    if pg:
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {reports}, {daily}")
    else:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {reports}")
            cur.execute(f"ANALYZE {daily}")
    return target, time.perf_counter() - t0


def _folder(stop, out) -> None:
    """Fold until told to stop and the queue is empty; hand back how many changes it folded and
    when the queue was drained (perf_counter is system-wide, so the parent can compare)."""
    from sampark.reports import rollups

    folded = 0
    try:
        while True:
            n = rollups.fold_pending(rollups.BATCH)
            folded += n
            if n == 0:
                if stop.is_set():
                    return
                time.sleep(0.05)
    finally:
        out.put((folded, time.perf_counter()))
        connection.close()


def _p95(samples):
    samples = sorted(samples)
    return samples[max(0, int(len(samples) * 0.95) - 1)] * 1000


def _time(fn, runs=RUNS):
    fn()  # warm
    out = []
    for _i in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run(ctx):
    from sampark.core.ids import uuid7
    from sampark.org.models import Unit
    from sampark.reports import rollups, selectors
    from sampark.reports.services import Submission, submit_reports

    scale = ctx.scale
    rtype = _bench_type()
    actor, root, leaves = _actor_and_units()
    target = int(os.environ.get("SAMPARK_BENCH_REPORTS") or HISTORY.get(scale, HISTORY["small"]))
    rollups.fold_all()
    total, load_s = _load_history(rtype, actor, target)
    if load_s:
        ctx.record("reports_history_load_s", round(load_s, 1), "s")
    ctx.record("reports_history_rows", total, "reports")

    # A steady state: the worker vacuums the queue and the daily table (jobs.VACUUM_EVERY), as
    # autovacuum would; without it, dead rows from earlier runs slow the fold run after run.
    rollups.vacuum()

    # Ingestion through the service layer (validation, idempotency check, audit rows, roll-up queue),
    # then the fold: both timed, as the rate reports can sustain.
    n = INGEST.get(scale, INGEST["small"])
    rnd = random.Random(11)
    today = timezone.localdate()
    batches = []
    for _b in range(n // BATCH):
        batch = []
        for _i in range(BATCH):
            pk, _path = leaves[rnd.randrange(len(leaves))]
            # Ids as the offline form makes them: time-ordered (core/ids.py).
            batch.append(Submission(id=str(uuid7()), unit=pk, type="bench",
                                    date=(today - timedelta(days=rnd.randrange(WINDOW))).isoformat(),
                                    values={"attendance": rnd.randrange(5, 80)}))
        batches.append(batch)
    # The worker folds in its own process while the batches arrive, as in production (`sampark worker`).
    connections.close_all()
    mp = multiprocessing.get_context("fork")
    stop, out = mp.Event(), mp.Queue()
    folder = mp.Process(target=_folder, args=(stop, out))
    t0 = time.perf_counter()
    folder.start()
    for batch in batches:
        outcomes = submit_reports(actor, batch)
        bad = [o.error for o in outcomes if o.error]
        if bad:
            raise RuntimeError(f"bench reports refused: {bad[0]} {bad[0].errors}")
    t_submit = time.perf_counter() - t0
    stop.set()
    folded, drained_at = out.get()
    folder.join()
    t_all = drained_at - t0
    ingested = len(batches) * BATCH
    ctx.record("reports_ingest_per_s", round(ingested / t_all), "reports/s", target=5000)
    ctx.record("reports_submit_only_per_s", round(ingested / t_submit), "reports/s")
    ctx.record("reports_folded", folded, "changes")
    # Lag: what arrived last is on the dashboards once the worker has drained the queue after the
    # last submission, plus the worker's interval when it was idle.
    ctx.record("reports_dashboard_lag_s", round(WORKER_INTERVAL_S + (t_all - t_submit), 2), "s", target=3)

    # Dashboards over the last 30 days: the selectors a dashboard page calls.
    end = today
    start = end - timedelta(days=WINDOW - 1)
    states = list(Unit.objects.filter(parent=root).order_by("-child_count")[:1])
    state = states[0] if states else root
    district = Unit.objects.filter(parent=state).order_by("-child_count").first() or state
    # Below the folded levels (policies.fold_depth()) a constituency's children and a mandal are
    # counted from the report rows: measured too.
    constituency = Unit.objects.filter(parent=district).order_by("-child_count").first() or district
    mandal = Unit.objects.filter(parent=constituency).order_by("-child_count").first() or constituency

    def page(unit):
        def _go():
            selectors.dashboard(unit, start, end, None, silent_days=7, today=end)
            selectors.series(unit, start, end, None, "day")
            list(selectors.recent_reports(unit, 10))
        return _go

    for name, unit, target_ms in (("state", state, 50), ("national", root, 100), ("district", district, 50),
                                  ("constituency", constituency, 50), ("mandal", mandal, 50)):
        samples = _time(page(unit))
        ctx.record(f"reports_dashboard_{name}_p95_ms", round(_p95(samples), 1), "ms", target=target_ms)
        ctx.record(f"reports_dashboard_{name}_median_ms", round(statistics.median(samples) * 1000, 1), "ms")
    connection.close()
