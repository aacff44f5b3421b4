"""Difficulties list and row exports bench (issue 14): the coordinators' area list (counts per status
and one page) at state and district level, and the time and size of the exports of a whole state:
its difficulties, its reports of the last 30 days (one row each, with photo links) and a state-wide
directive's roll-up of every unit.

Run by the harness (`python -m bench.run --scale bihar --only difficulties`) as run(ctx). Everything
it adds (difficulties, reports, a directive) is inside one transaction rolled back at the end, so the
database is left as it was."""

import hashlib
import random
import time
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

DIFFICULTIES = {"small": 5_000, "bihar": 100_000, "india": 100_000}
REPORTS = {"small": 10_000, "bihar": 80_000, "india": 80_000}  # about 30 days of Bihar (1 M a year)
RUNS = 20


class _Undo(Exception):
    pass


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _median_ms(fn, runs: int = RUNS) -> float:
    fn()
    times = []
    for _i in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return _ms(sorted(times)[len(times) // 2])


def _leader_at(unit):
    from sampark.people.models import LEADING_ROLES, Post

    post = Post.objects.filter(unit=unit, active=True, role__in=LEADING_ROLES).select_related("person").first()
    return post.person if post else None


def _seed(state, n_diff: int, n_reports: int, rng: random.Random):
    from sampark.core import paths
    from sampark.difficulties.models import Difficulty, DifficultyCategory, Status
    from sampark.org.models import Unit
    from sampark.people.models import Post
    from sampark.reports.models import Report, ReportType

    booths = list(Unit.objects.in_subtree(state.path).filter(child_count=0, level__code="booth")
                  .values_list("pk", "path", "parent_id"))
    raisers = list(Post.objects.in_subtree(state.path).filter(active=True).values_list("person_id", flat=True)[:5000])
    categories = list(DifficultyCategory.objects.values_list("pk", flat=True))
    statuses = [Status.OPEN] * 5 + [Status.ANSWERED] * 2 + [Status.SOLVED] * 3
    now = timezone.now()
    rows = []
    for i in range(n_diff):
        pk, path, parent = rng.choice(booths)
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        rows.append(Difficulty(
            id=uuid.uuid4(), raised_by_id=rng.choice(raisers), unit_id=pk, unit_path=path, handling_unit_id=parent,
            handling_path=path[:-paths.SEGMENT], category_id=rng.choice(categories), text=f"बेंच कठिनाई {i}",
            status=rng.choice(statuses), due_at=created + timedelta(hours=24), created_at=created, updated_at=created,
            body_hash=hashlib.sha256(str(i).encode()).hexdigest()))
    Difficulty.objects.bulk_create(rows, batch_size=2000)
    meeting = ReportType.objects.get(code="meeting")
    today = timezone.localdate()
    reports = []
    for i in range(n_reports):
        pk, path, _parent = rng.choice(booths)
        reports.append(Report(id=uuid.uuid4(), unit_id=pk, unit_path=path, type=meeting,
                              date=today - timedelta(days=rng.randint(0, 29)),
                              values={"attendance": rng.randint(1, 80), "topic": "बूथ बैठक"},
                              author_id=rng.choice(raisers), body_hash=str(i)))
    Report.objects.bulk_create(reports, batch_size=2000)


def _export(fmt: str, columns, rows) -> tuple[float, int]:
    """Seconds and bytes to write the whole file, as a download would."""
    from sampark.core import tables

    t0 = time.perf_counter()
    body = tables.table_body(fmt, columns, rows)
    size = sum(len(chunk) for chunk in body) if fmt == "csv" else len(body.read())
    return round(time.perf_counter() - t0, 2), size


def run(ctx) -> None:
    from sampark.difficulties import exports as difficulty_exports
    from sampark.difficulties import selectors
    from sampark.directives import authoring
    from sampark.directives import exports as directive_exports
    from sampark.directives import jobs as directive_jobs
    from sampark.org.models import Unit
    from sampark.reports import exports as report_exports
    from sampark.reports import selectors as report_selectors

    state = Unit.objects.filter(level__code="state", code="S04").first() or \
        Unit.objects.filter(level__code="state").order_by("-member_count").first()
    district = Unit.objects.filter(parent=state).order_by("-member_count", "pk").first()
    state_lead, district_lead = _leader_at(state), _leader_at(district)
    rng = random.Random(14)
    n_diff, n_rep = DIFFICULTIES.get(ctx.scale, 5_000), REPORTS.get(ctx.scale, 10_000)
    try:
        with transaction.atomic(), translation.override("hi"):
            t0 = time.perf_counter()
            _seed(state, n_diff, n_rep, rng)
            print(f"  seeded {n_diff:,} difficulties and {n_rep:,} reports in {time.perf_counter() - t0:.1f} s")
            now = timezone.now()
            ctx.record("difficulties.seeded", n_diff, "rows")
            for who, person in (("state", state_lead), ("district", district_lead)):
                f = selectors.area_filter(person)
                ctx.record(f"difficulties.area_list_{who}_p50", _median_ms(lambda p=person, f=f: selectors.area_list(
                    p, f, now)), "ms", target=300 if who == "state" else 100)
                filtered = selectors.area_filter(person, status="open", category="training", older_than_days=3,
                                                 order="oldest", page=3)
                ctx.record(f"difficulties.area_list_{who}_filtered_p50", _median_ms(
                    lambda p=person, f=filtered: selectors.area_list(p, f, now)), "ms")
            page = selectors.area_list(state_lead, selectors.area_filter(state_lead), now)
            ctx.record("difficulties.area_state_total", page.counts["all"], "rows")
            for fmt in ("csv", "xlsx"):
                qs = selectors.area_rows(state_lead, selectors.area_filter(state_lead), now)
                secs, size = _export(fmt, difficulty_exports.columns(), difficulty_exports.rows(qs, [state.path]))
                ctx.record(f"difficulties.export_state_{fmt}_s", secs, "s")
                ctx.record(f"difficulties.export_state_{fmt}_bytes", size, "bytes")
            today = timezone.localdate()
            reports = report_selectors.reports_in(state, today - timedelta(days=29), today)
            ctx.record("reports.export_state_30d_rows", reports.count(), "rows")
            for fmt in ("csv", "xlsx"):
                secs, size = _export(fmt, *report_exports.report_table(
                    reports, [state.path], None, lambda pk: f"https://sampark.example/reports/photos/{pk}/"))
                ctx.record(f"reports.export_state_30d_{fmt}_s", secs, "s")
                ctx.record(f"reports.export_state_30d_{fmt}_bytes", size, "bytes")
            d = authoring.publish_directive(state_lead, authoring.create_directive(
                state_lead, target_unit=state, title="बेंच निर्देश", requires_ack=True))
            directive_jobs.tick(timezone.now())  # the expected counts of every unit
            for fmt in ("csv", "xlsx"):
                header, rows = directive_exports.rollup_table(d, state)
                secs, size = _export(fmt, header, rows)
                ctx.record(f"directives.rollup_export_state_{fmt}_s", secs, "s")
                ctx.record(f"directives.rollup_export_state_{fmt}_bytes", size, "bytes")
            raise _Undo
    except _Undo:
        pass
