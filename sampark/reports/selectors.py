"""Read queries for dashboards, maps, exports and the roll-up API.

From the Centre down to the fold level (policies.fold_depth(), the mandal by default) they read
the daily table kept by the fold step, never the report rows, so a page costs the same with 10
reports or 10 million. Below it a subtree holds a few reports a day, counted from the report rows on the (unit_path,
date) index. Callers pass a unit they already got through visible_to()."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BigIntegerField, Count, Max, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Length, Substr
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sampark.core import paths
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.reports.models import FieldKind, Report, ReportDaily, ReportType
from sampark.reports.policies import fold_depth
from sampark.reports.services import ReportError

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


def folded(depth: int) -> bool:
    """Whether units at this depth have daily rows (see policies.fold_depth)."""
    return depth <= fold_depth()


def _daily(start: date, end: date, rtype: ReportType | None, **where):
    qs = ReportDaily.objects.filter(day__gte=start, day__lte=end, **where)
    return qs.filter(type_id=rtype.pk) if rtype is not None else qs


def _sums(rtype):
    return {col: Sum(col) for _code, _label, col in measures(rtype)}


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _reports(path: str, start: date, end: date, rtype: ReportType | None = None):
    """The report rows of a subtree in a period (below the folded levels). The days go as a list:
    the (date, unit_path) index then reads one short range of paths per day, where a date range
    would read every path of every day."""
    qs = Report.objects.in_subtree(path).filter(date__in=days(start, end))
    return qs.filter(type_id=rtype.pk) if rtype is not None else qs


def reports_in(unit: Unit, start: date, end: date, rtype: ReportType | None = None):
    """The reports of the unit's subtree in the period (the unit came through visible_to)."""
    return _reports(unit.path, start, end, rtype)


def _counted(rtype) -> dict:
    """{measure code: aggregate} over report rows: the count, and the sum of each numeric field
    (stored as a JSON number, validated on the way in), as the fold adds them up."""
    out = {}
    for code, _label, _col in measures(rtype):
        out[code] = Count("pk") if code == "reports" else Sum(Cast(KT(f"values__{code}"), BigIntegerField()))
    return out


def totals(unit: Unit, start: date, end: date, rtype: ReportType | None = None) -> dict:
    """{measure code: total} over the unit's subtree in the period."""
    if folded(paths.depth(unit.path)):
        row = _daily(start, end, rtype, unit_id=unit.pk).aggregate(**_sums(rtype))
        return {code: row[col] or 0 for code, _l, col in measures(rtype)}
    row = _reports(unit.path, start, end, rtype).aggregate(**_counted(rtype))
    return {code: row[code] or 0 for code, _l, _c in measures(rtype)}


def series(unit: Unit, start: date, end: date, rtype: ReportType | None = None, by: str = "day",
           measure: str = "reports") -> list[tuple[date, int]]:
    """[(bucket start, value)] for every bucket in the period (zeros included); weeks start on
    Monday, months on the 1st; they are sums of the days."""
    code, col = next(((c, col) for c, _l, col in measures(rtype) if c == measure), ("reports", "reports"))
    if folded(paths.depth(unit.path)):
        per_day = dict(_daily(start, end, rtype, unit_id=unit.pk).values("day").annotate(v=Sum(col))
                       .values_list("day", "v"))
    else:
        per_day = dict(_reports(unit.path, start, end, rtype).values("date").annotate(v=_counted(rtype)[code])
                       .values_list("date", "v"))
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
    since = today - timedelta(days=silent_days - 1)
    if folded(paths.depth(unit.path) + 1):
        _children_from_daily(unit, rows, start, end, rtype, ms, since, today)
    else:
        _children_from_reports(unit, {k.path: rows[k.pk] for k in kids}, start, end, rtype, since, today)
    for row in rows.values():
        if row.unit.child_count:
            row.share = min(1.0, row.reported_below / row.unit.child_count)
    return sorted(rows.values(), key=lambda r: (-r.reports, r.unit.code, r.unit.name_en, r.unit.pk))


def _children_from_daily(unit, rows, start, end, rtype, ms, since, today) -> None:
    for rec in (_daily(start, end, rtype, parent_id=unit.pk).values("unit_id")
                .annotate(**{code: Sum(col) for code, _l, col in ms})):
        row = rows.get(rec["unit_id"])
        if row is not None:
            row.values = {code: rec[code] or 0 for code, _l, _c in ms}
    if folded(paths.depth(unit.path) + 2):  # the grandchildren have daily rows too
        for parent_id, n in (_daily(start, end, rtype, reports__gt=0).filter(parent_id__in=list(rows))
                             .values("parent_id").annotate(n=Count("unit_id", distinct=True))
                             .values_list("parent_id", "n")):
            rows[parent_id].reported_below = n
    else:
        _reported_below_from_reports(unit, {row.unit.path: row for row in rows.values()}, start, end, rtype)
    for unit_id, last in (ReportDaily.objects.filter(parent_id=unit.pk, reports__gt=0, day__gte=since, day__lte=today)
                          .values("unit_id").annotate(last=Max("day")).values_list("unit_id", "last")):
        if unit_id in rows:
            rows[unit_id].silent = False
            rows[unit_id].last_day = last


def _children_from_reports(unit, by_path, start, end, rtype, since, today) -> None:
    """The same figures counted from the report rows, each child being a prefix of their paths."""
    cut = len(unit.path) + paths.SEGMENT
    counted = _counted(rtype)
    for rec in (_reports(unit.path, start, end, rtype).annotate(child=Substr("unit_path", 1, cut))
                .values("child").annotate(**counted)):
        row = by_path.get(rec["child"])
        if row is not None:
            row.values = {code: rec[code] or 0 for code in counted}
    _reported_below_from_reports(unit, by_path, start, end, rtype)
    for child, last in (_reports(unit.path, since, today).annotate(child=Substr("unit_path", 1, cut))
                        .values("child").annotate(last=Max("date")).values_list("child", "last")):
        row = by_path.get(child)
        if row is not None:
            row.silent = False
            row.last_day = last


def _reported_below_from_reports(unit, by_path, start, end, rtype) -> None:
    """For each child, how many of its own child units have reports in the period: the distinct
    grandchild prefixes of the report paths (a hash of a few hundred), counted per child here."""
    cut = len(unit.path) + paths.SEGMENT
    grandchildren = (_reports(unit.path, start, end, rtype).annotate(depth_len=Length("unit_path"))
                     .filter(depth_len__gte=cut + paths.SEGMENT)
                     .annotate(grandchild=Substr("unit_path", 1, cut + paths.SEGMENT))
                     .values_list("grandchild", flat=True).distinct().order_by())
    for grandchild in grandchildren:
        row = by_path.get(grandchild[:cut])
        if row is not None:
            row.reported_below += 1


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


def recent_reports(unit: Unit, limit: int = 20, today: date | None = None) -> list[Report]:
    """The newest reports of the last year in the unit's subtree (for the dashboard's list), from
    constituency level down. Sorting a constituency's whole year is slow, so the last week is
    tried first, then a month, then the year: a window holding `limit` reports holds the newest
    ones. (A report cannot be dated more than a year back.)"""
    if paths.depth(unit.path) < RECENT_MIN_DEPTH:
        return []
    today = today or timezone.localdate()
    found = []
    for window in (7, 31, 366):
        found = list(_reports(unit.path, today - timedelta(days=window - 1), today)
                     .select_related("type", "unit", "author").order_by("-date", "-created_at", "-pk")[:limit])
        if len(found) == limit:
            break
    return found


def my_units_for_reporting(person) -> list[Unit]:
    """Units where the person holds an active post: the choices on the report form."""
    return list(Unit.objects.filter(Q(posts__person=person, posts__active=True)).select_related("level")
                .distinct().order_by("path"))


# --- what a page or an endpoint asked for --------------------------------------------------

MAX_SPAN_DAYS = 366


def parse_period(raw_from, raw_to, default_days: int = 30):
    today = timezone.localdate()
    end = parse_date(raw_to) if raw_to else today
    start = parse_date(raw_from) if raw_from else None
    if end is None or (raw_from and start is None):
        raise ReportError(_("Dates must be written YYYY-MM-DD."))
    start = start or end - timedelta(days=default_days - 1)
    if start > end:
        raise ReportError(_("The start date is after the end date."))
    if (end - start).days >= MAX_SPAN_DAYS:
        raise ReportError(_("Choose a period of at most {n} days.").format(n=MAX_SPAN_DAYS))
    return start, end


def get_type_or_error(code):
    if not code:
        return None
    rtype = ReportType.objects.filter(code=code).prefetch_related("fields").first()
    if rtype is None:
        raise ReportError(_("Unknown report type."), {"type": _("Unknown report type.")})
    return rtype
