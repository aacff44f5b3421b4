"""Read queries for dashboards, maps, exports and the roll-up API. All read the daily table (kept by
the fold step), never the report rows, so a page costs the same with 10 reports or 10 million.
Callers pass a unit they already got through visible_to()."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Q, Sum

from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.reports.models import FieldKind, Report, ReportDaily, ReportType

SLOT_COLS = ("v1", "v2", "v3", "v4")


def report_types():
    return list(ReportType.objects.filter(active=True).prefetch_related("fields", "levels"))


def measures(rtype: ReportType | None) -> list[tuple[str, str, str]]:
    """(code, label, column) for what can be counted or summed: reports, then the numeric fields."""
    from django.utils.translation import gettext as _

    out = [("reports", _("Reports"), "reports")]
    if rtype is not None:
        for f in rtype.fields.all():
            if f.kind == FieldKind.NUMBER and f.slot:
                out.append((f.code, f.label, SLOT_COLS[f.slot - 1]))
    return out


def _daily(start: date, end: date, rtype: ReportType | None, **where):
    qs = ReportDaily.objects.filter(day__gte=start, day__lte=end, **where)
    return qs.filter(type_id=rtype.pk) if rtype is not None else qs


def _sums(rtype):
    return {col: Sum(col) for _code, _label, col in measures(rtype)}


def totals(unit: Unit, start: date, end: date, rtype: ReportType | None = None) -> dict:
    """{measure code: total} over the unit's subtree in the period."""
    row = _daily(start, end, rtype, unit_id=unit.pk).aggregate(**_sums(rtype))
    return {code: row[col] or 0 for code, _l, col in measures(rtype)}


def series(unit: Unit, start: date, end: date, rtype: ReportType | None = None, by: str = "day",
           measure: str = "reports") -> list[tuple[date, int]]:
    """[(bucket start, value)] for every bucket in the period (zeros included); weeks start on
    Monday, months on the 1st; they are sums of the days."""
    col = dict((c, col) for c, _l, col in measures(rtype)).get(measure, "reports")
    per_day = dict(_daily(start, end, rtype, unit_id=unit.pk).values("day").annotate(v=Sum(col))
                   .values_list("day", "v"))
    buckets: dict[date, int] = {}
    day = start
    while day <= end:
        key = bucket_of(day, by)
        buckets[key] = buckets.get(key, 0) + (per_day.get(day) or 0)
        day += timedelta(days=1)
    return list(buckets.items())


def bucket_of(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


@dataclass
class ChildRow:
    unit: Unit
    values: dict = field(default_factory=dict)
    reported_below: int = 0  # child units of this child that reported in the period
    share: float | None = None  # reported_below / child_count; None for a unit with no units below
    silent: bool = True  # no report in the last `silent_days`
    last_day: date | None = None

    @property
    def reports(self) -> int:
        return self.values.get("reports", 0)


@dataclass
class Dashboard:
    unit: Unit
    start: date
    end: date
    rtype: ReportType | None
    measures: list
    totals: dict
    children: list[ChildRow]
    silent: list[ChildRow]
    reported_children: int
    silent_days: int

    @property
    def child_share(self) -> float | None:
        return self.reported_children / len(self.children) if self.children else None


def children_rows(unit: Unit, start: date, end: date, rtype: ReportType | None = None,
                  silent_days: int = 7, today: date | None = None) -> list[ChildRow]:
    """Each child with its period's measures, the share of its own child units that reported, and
    whether it was silent in the last `silent_days` days. Ranked by reports, highest first."""
    today = today or end
    ms = measures(rtype)
    kids = list(org_selectors.children(unit))
    rows = {k.pk: ChildRow(k, {code: 0 for code, _l, _c in ms}) for k in kids}
    if not kids:
        return []
    for rec in (_daily(start, end, rtype, parent_id=unit.pk).values("unit_id")
                .annotate(**{code: Sum(col) for code, _l, col in ms})):
        row = rows.get(rec["unit_id"])
        if row is not None:
            row.values = {code: rec[code] or 0 for code, _l, _c in ms}
    for parent_id, n in (_daily(start, end, rtype, reports__gt=0).filter(parent_id__in=list(rows))
                         .values("parent_id").annotate(n=Count("unit_id", distinct=True))
                         .values_list("parent_id", "n")):
        rows[parent_id].reported_below = n
    since = today - timedelta(days=silent_days - 1)
    for unit_id, last in (ReportDaily.objects.filter(parent_id=unit.pk, reports__gt=0, day__gte=since, day__lte=today)
                          .values("unit_id").annotate(last=Max("day")).values_list("unit_id", "last")):
        if unit_id in rows:
            rows[unit_id].silent = False
            rows[unit_id].last_day = last
    for row in rows.values():
        if row.unit.child_count:
            row.share = min(1.0, row.reported_below / row.unit.child_count)
    return sorted(rows.values(), key=lambda r: (-r.reports, r.unit.code, r.unit.name_en, r.unit.pk))


def dashboard(unit: Unit, start: date, end: date, rtype: ReportType | None = None, silent_days: int = 7,
              today: date | None = None) -> Dashboard:
    kids = children_rows(unit, start, end, rtype, silent_days, today)
    return Dashboard(
        unit=unit, start=start, end=end, rtype=rtype, measures=measures(rtype),
        totals=totals(unit, start, end, rtype), children=kids,
        silent=[k for k in kids if k.silent], reported_children=sum(1 for k in kids if k.reports),
        silent_days=silent_days,
    )


# Above this depth (Centre, state, district) a subtree holds up to millions of reports: listing its newest would sort
# them all, so the dashboards there show only the roll-ups.
RECENT_MIN_DEPTH = 3


def recent_reports(unit: Unit, limit: int = 20):
    """The newest reports in the unit's subtree (for the dashboard's list), from constituency level down."""
    from sampark.core import paths

    if paths.depth(unit.path) < RECENT_MIN_DEPTH:
        return Report.objects.none()
    return (Report.objects.in_subtrees([unit.path]).select_related("type", "unit", "author")
            .order_by("-date", "-created_at")[:limit])


def my_units_for_reporting(person) -> list[Unit]:
    """Units where the person holds an active post: the choices on the report form."""
    return list(Unit.objects.filter(Q(posts__person=person, posts__active=True)).select_related("level")
                .distinct().order_by("path"))
