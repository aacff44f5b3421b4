"""Reports benchmark: ingestion through the service layer with roll-ups, dashboard lag, and dashboard
latency (state, national, district) over a large report history.

Its own rows: a report type with code "bench" (created here), so the history it loads and the
reports it ingests never mix with the demo's; the history is kept between runs (loaded only when
short), like the demo organisation. Sizes by scale, or SAMPARK_BENCH_REPORTS for the history."""

import os
import random
import statistics
import time
import uuid
from datetime import timedelta

from django.db import connection, transaction
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


def _load_history(rtype, actor, leaves, target: int) -> tuple[int, float]:
    """Bulk-load report rows and their roll-ups (setup, not measured as ingestion)."""
    from sampark.reports import rollups
    from sampark.reports.models import Report

    have = Report.objects.filter(type=rtype).count()
    if have >= target:
        return have, 0.0
    t0 = time.perf_counter()
    rnd = random.Random(7)
    today = timezone.localdate()
    now = timezone.now()
    todo = target - have
    chunk = 20_000
    while todo > 0:
        n = min(chunk, todo)
        rows, changes = [], []
        for _i in range(n):
            pk, path = leaves[rnd.randrange(len(leaves))]
            day = today - timedelta(days=rnd.randrange(DAYS))
            att = rnd.randrange(5, 80)
            rows.append(Report(id=uuid.uuid4(), unit_id=pk, unit_path=path, type=rtype, date=day,
                               values={"attendance": att}, author=actor, body_hash="bench", created_at=now,
                               updated_at=now))
            changes.append((path, rtype.pk, day, 1, att, 0, 0, 0))
        with transaction.atomic():
            Report.objects.bulk_create(rows, batch_size=5000)
            sums: dict = {}
            rollups._spread(changes, sums)
            rollups._upsert(sums)
        todo -= n
    return target, time.perf_counter() - t0


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
    from sampark.org.models import Unit
    from sampark.reports import rollups, selectors
    from sampark.reports.services import Submission, submit_reports

    scale = ctx.scale
    rtype = _bench_type()
    actor, root, leaves = _actor_and_units()
    target = int(os.environ.get("SAMPARK_BENCH_REPORTS") or HISTORY.get(scale, HISTORY["small"]))
    rollups.fold_all()
    total, load_s = _load_history(rtype, actor, leaves, target)
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
            batch.append(Submission(id=str(uuid.uuid4()), unit=pk, type="bench",
                                    date=(today - timedelta(days=rnd.randrange(WINDOW))).isoformat(),
                                    values={"attendance": rnd.randrange(5, 80)}))
        batches.append(batch)
    t0 = time.perf_counter()
    for batch in batches:
        outcomes = submit_reports(actor, batch)
        bad = [o.error for o in outcomes if o.error]
        if bad:
            raise RuntimeError(f"bench reports refused: {bad[0]} {bad[0].errors}")
    t_submit = time.perf_counter() - t0
    t1 = time.perf_counter()
    rollups.fold_all()
    t_fold = time.perf_counter() - t1
    ingested = len(batches) * BATCH
    ctx.record("reports_ingest_per_s", round(ingested / (t_submit + t_fold)), "reports/s", target=5000)
    ctx.record("reports_submit_only_per_s", round(ingested / t_submit), "reports/s")
    ctx.record("reports_fold_per_s", round(ingested / t_fold), "reports/s")
    # Lag: the worker folds every second; what arrived in one second (at the measured ingest rate) is
    # on the dashboards after at most the interval plus the time to fold it.
    per_second = ingested / t_submit
    ctx.record("reports_dashboard_lag_s", round(WORKER_INTERVAL_S + per_second / (ingested / t_fold), 2), "s",
               target=3)

    # Dashboards over the last 30 days: the selectors a dashboard page calls.
    end = today
    start = end - timedelta(days=WINDOW - 1)
    states = list(Unit.objects.filter(parent=root).order_by("-child_count")[:1])
    state = states[0] if states else root
    district = Unit.objects.filter(parent=state).order_by("-child_count").first() or state

    def page(unit):
        def _go():
            selectors.dashboard(unit, start, end, None, silent_days=7, today=end)
            selectors.series(unit, start, end, None, "day")
            list(selectors.recent_reports(unit, 10))
        return _go

    for name, unit, target_ms in (("state", state, 50), ("national", root, 100), ("district", district, 50)):
        samples = _time(page(unit))
        ctx.record(f"reports_dashboard_{name}_p95_ms", round(_p95(samples), 1), "ms", target=target_ms)
        ctx.record(f"reports_dashboard_{name}_median_ms", round(statistics.median(samples) * 1000, 1), "ms")
    connection.close()
