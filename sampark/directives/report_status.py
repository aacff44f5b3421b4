"""Reports a directive asked for: which units have sent one.

A unit has sent the directive's report when a report of the directive's required type, dated on or
after the (local) day the directive was published, exists at that unit or anywhere below it. Shared
by the roll-up (per unit), the "send report" button and the attention list (reports missing), so all
three agree.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Max, Q
from django.db.models.functions import Substr
from django.utils import timezone

from sampark.core.paths import subtree_range
from sampark.directives.models import Directive
from sampark.org.models import Unit
from sampark.reports.models import Report


def asks_report(d: Directive) -> bool:
    return d.required_report_type_id is not None and d.published_at is not None


def units_reported(d: Directive, units: list[Unit]) -> set[int]:
    """The ids of those units that have sent the report."""
    return reported_many([(d, units)])[d.pk]


def reported_many(asked: list[tuple[Directive, list[Unit]]]) -> dict[int, set[int]]:
    """For each directive, the ids of those of its units that have sent its report: for all of them
    together, one query per path length (siblings share one) on the reports' (date, path) index,
    returning each (unit, report type)'s newest date since the earliest day asked for."""
    out: dict[int, set[int]] = {d.pk: set() for d, _units in asked}
    asked = [(d, units) for d, units in asked if asks_report(d) and units]
    if not asked:
        return out
    since = {d.pk: timezone.localdate(d.published_at) for d, _units in asked}
    by_len: dict[int, set[str]] = defaultdict(set)
    for _d, units in asked:
        for u in units:
            by_len[len(u.path)].add(u.path)
    newest: dict[tuple[str, int], date] = {}
    for length, unit_paths in by_len.items():
        ranges = Q()
        for path in sorted(unit_paths):
            low, high = subtree_range(path)
            ranges |= Q(unit_path__gte=low, unit_path__lt=high)
        rows = (Report.objects.filter(ranges, type_id__in={d.required_report_type_id for d, _u in asked},
                                      date__gte=min(since.values()))
                .annotate(prefix=Substr("unit_path", 1, length)).order_by().values("prefix", "type_id")
                .annotate(last=Max("date")).values_list("prefix", "type_id", "last"))
        newest.update({(prefix, type_id): last for prefix, type_id, last in rows if prefix in unit_paths})
    for d, units in asked:
        out[d.pk] = {u.pk for u in units
                     if newest.get((u.path, d.required_report_type_id), date.min) >= since[d.pk]}
    return out


def unit_has_sent(d: Directive, unit: Unit) -> bool:
    return unit.pk in units_reported(d, [unit])
