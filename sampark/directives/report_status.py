"""Reports a directive asked for: which units have sent one.

A unit has sent the directive's report when a report of the directive's required type, dated on or
after the (local) day the directive was published, exists at that unit or anywhere below it. Shared
by the roll-up (per unit), the "send report" button and the attention list (reports missing), so all
three agree.
"""

from collections import defaultdict

from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone

from sampark.core.paths import subtree_range
from sampark.directives.models import Directive
from sampark.org.models import Unit
from sampark.reports.models import Report


def asks_report(d: Directive) -> bool:
    return d.required_report_type_id is not None and d.published_at is not None


def units_reported(d: Directive, units: list[Unit]) -> set[int]:
    """The ids of those units that have sent the report; one query per path length (siblings share
    one), each returning at most one row per unit, on the reports' (date, path) index."""
    if not asks_report(d) or not units:
        return set()
    since = timezone.localdate(d.published_at)
    by_len: dict[int, dict[str, int]] = defaultdict(dict)
    for u in units:
        by_len[len(u.path)][u.path] = u.pk
    sent: set[int] = set()
    for length, ids in by_len.items():
        ranges = Q()
        for path in ids:
            low, high = subtree_range(path)
            ranges |= Q(unit_path__gte=low, unit_path__lt=high)
        prefixes = (Report.objects.filter(ranges, type_id=d.required_report_type_id, date__gte=since)
                    .annotate(prefix=Substr("unit_path", 1, length)).order_by()
                    .values_list("prefix", flat=True).distinct())
        sent.update(ids[p] for p in prefixes if p in ids)
    return sent


def unit_has_sent(d: Directive, unit: Unit) -> bool:
    return unit.pk in units_reported(d, [unit])
