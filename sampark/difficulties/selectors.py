"""Read queries shared by pages and the API. Every one starts from what the person may see, or from a
unit the caller already got through visible_to.

Subtree figures are computed on demand with range scans on ``unit_path`` (indexed), grouped by the
path prefix of each child, so a review overview of 38 districts is a handful of queries, not 38 x N."""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr

from sampark.core import paths
from sampark.core.visibility import subtree_q, visible_roots
from sampark.difficulties.models import (
    UNRESOLVED,
    WAITING,
    ActionItem,
    Difficulty,
    DifficultyCategory,
    DifficultyEvent,
    ReviewNote,
    Status,
)
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Post

LIST_LIMIT = 50


def _list_qs():
    return Difficulty.objects.select_related("category", "unit__level", "handling_unit__level", "raised_by")


def raised_by(person, limit: int = LIST_LIMIT):
    return list(_list_qs().filter(raised_by=person).order_by("-updated_at")[:limit])


def waiting_q(person, leading_paths: list[str] | None = None) -> Q:
    """Waiting at units where the person holds a leading post (``leading_paths`` when the caller
    has them), and those passed to them."""
    unit_paths = leading_paths if leading_paths is not None else list(
        Post.objects.filter(person=person, active=True, role__in=LEADING_ROLES).values_list("unit_path", flat=True))
    q = Q(assigned_to=person, status=Status.ASSIGNED)
    if unit_paths:
        q |= Q(handling_path__in=unit_paths, status__in=(*WAITING, Status.INFO_REQUESTED))
    return q


def waiting_for(person, limit: int = LIST_LIMIT):
    return list(_list_qs().visible_to(person).filter(waiting_q(person)).order_by("due_at", "created_at")[:limit])


def history(d: Difficulty):
    return list(DifficultyEvent.objects.filter(difficulty=d)
                .select_related("actor", "from_unit__level", "to_unit__level", "person"))


def recent_updates(person, limit: int = 10):
    """In-app notices: what others did lately to the difficulties the person raised."""
    return list(DifficultyEvent.objects.filter(difficulty__raised_by=person).exclude(actor=person)
                .select_related("difficulty", "to_unit", "from_unit", "actor").order_by("-pk")[:limit])


def merge_candidates(d: Difficulty, person, limit: int = 20):
    """Others waiting at the same handling unit, in the same category: the likely duplicates."""
    return list(_list_qs().visible_to(person).filter(handling_path=d.handling_path, category=d.category,
                                                     status__in=(*WAITING, Status.INFO_REQUESTED))
                .exclude(pk=d.pk)[:limit])


def assignable_people(d: Difficulty, limit: int = 50):
    """People holding posts under the handling unit, whom a coordinator may pass it down to."""
    from sampark.people.models import Person

    return list(Person.objects.filter(subtree_q("posts__unit_path", [d.handling_path]), posts__active=True)
                .distinct().order_by("name_hi", "pk")[:limit])


# ---- figures -----------------------------------------------------------------------------------

def _overdue_q(now: datetime) -> Q:
    return Q(status__in=WAITING) & (Q(escalations__gt=0) | Q(due_at__lte=now))


def _counts(qs, now):
    return qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=UNRESOLVED)),
        overdue=Count("pk", filter=_overdue_q(now)),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        in_time=Count("pk", filter=Q(answered_in_time=True)),
    ) if qs is not None else {}


def _finish(row: dict, durations: list[float]) -> dict:
    row["in_time_pct"] = round(100 * row["in_time"] / row["answered"]) if row.get("answered") else None
    row["median_hours"] = round(statistics.median(durations) / 3600, 1) if durations else None
    return row


def unit_stats(unit: Unit, now: datetime) -> dict:
    """Open, overdue, answered in time (%), median hours to the first answer, top categories and
    what is open at each level, for difficulties raised in the unit's subtree."""
    qs = Difficulty.objects.in_subtree(unit.path)
    row = _counts(qs, now)
    durations = [(b - a).total_seconds() for a, b in
                 qs.filter(first_answered_at__isnull=False).values_list("created_at", "first_answered_at")]
    cats = {c.pk: c for c in DifficultyCategory.objects.all()}
    row["top_categories"] = [
        {"category": cats[r["category"]], "count": r["n"]}
        for r in qs.values("category").annotate(n=Count("pk")).order_by("-n", "category")[:3]
    ]
    row["open_by_level"] = list(
        qs.filter(status__in=UNRESOLVED).values("handling_unit__level__rank", "handling_unit__level__code",
                                                "handling_unit__level__name_hi", "handling_unit__level__name_en")
        .annotate(n=Count("pk")).order_by("handling_unit__level__rank"))
    return _finish(row, durations)


def children_stats(unit: Unit, children: list[Unit], now: datetime) -> dict[int, dict]:
    """The same figures for each child of ``unit``, in three grouped queries over the subtree."""
    if not children:
        return {}
    width = len(unit.path) + paths.SEGMENT
    base = Difficulty.objects.in_subtree(unit.path).exclude(unit_path=unit.path) \
        .annotate(prefix=Substr("unit_path", 1, width))
    rows = {r["prefix"]: r for r in base.values("prefix").annotate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=UNRESOLVED)),
        overdue=Count("pk", filter=_overdue_q(now)),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        in_time=Count("pk", filter=Q(answered_in_time=True)),
    )}
    durations: dict[str, list[float]] = defaultdict(list)
    for prefix, a, b in base.filter(first_answered_at__isnull=False).values_list("prefix", "created_at",
                                                                                 "first_answered_at"):
        durations[prefix].append((b - a).total_seconds())
    top: dict[str, tuple[int, int]] = {}
    for r in base.values("prefix", "category").annotate(n=Count("pk")).order_by("prefix", "-n", "category"):
        top.setdefault(r["prefix"], (r["category"], r["n"]))
    cats = {c.pk: c for c in DifficultyCategory.objects.all()}
    empty = {"total": 0, "open": 0, "overdue": 0, "answered": 0, "in_time": 0}
    out = {}
    for child in children:
        row = dict(rows.get(child.path, empty))
        row.pop("prefix", None)
        cat = top.get(child.path)
        row["top_category"] = cats.get(cat[0]) if cat else None
        out[child.pk] = _finish(row, durations.get(child.path, []))
    return out


def open_in(unit: Unit, now: datetime, limit: int = 20):
    return list(_list_qs().in_subtree(unit.path).filter(status__in=UNRESOLVED)
                .order_by("-escalations", "due_at")[:limit])


RECENT_DAYS = 30
SILENT_DAYS = 7


def _reports():
    try:
        from sampark.reports import selectors as reports
    except ImportError:  # the reports app is not installed here
        return None
    return reports if hasattr(reports, "children_rows") and hasattr(reports, "totals") else None


def silent_units(unit: Unit, today: date, limit: int = 20) -> dict:
    """Units directly below that we hear nothing from. With the reports app: those with no report in
    the last SILENT_DAYS days; without it, those with no members at all."""
    reports = _reports()
    if reports is not None:
        rows = reports.children_rows(unit, today - timedelta(days=RECENT_DAYS - 1), today,
                                     silent_days=SILENT_DAYS, today=today)
        return {"source": "reports", "units": [r.unit for r in rows if r.silent][:limit], "days": SILENT_DAYS}
    units = list(Unit.objects.filter(parent=unit, member_count=0).select_related("level")
                 .order_by("code", "name_en", "pk")[:limit])
    return {"source": "members", "units": units}


def activity_rollup(unit: Unit, today: date) -> list[tuple[str, int]] | None:
    """The reports app's totals for the unit's subtree over the last RECENT_DAYS days, as (label, value);
    None when that app is not there."""
    reports = _reports()
    if reports is None:
        return None
    totals = reports.totals(unit, today - timedelta(days=RECENT_DAYS - 1), today)
    labels = {code: label for code, label, _col in reports.measures(None)}
    return [(labels.get(code, code), value) for code, value in totals.items()]


def directive_ack_rate(unit: Unit, now: datetime) -> dict | None:
    """Share of expected acknowledgements received in the unit's subtree, over directives published in
    the last RECENT_DAYS days that asked for one (from the directives app's counter rows, one query);
    None when that app is not there."""
    try:
        from sampark.directives.models import Directive, UnitCount
    except ImportError:
        return None
    row = UnitCount.objects.filter(
        unit=unit, directive__status=Directive.Status.PUBLISHED, directive__requires_ack=True,
        directive__published_at__gte=now - timedelta(days=RECENT_DAYS),
    ).aggregate(expected=Sum("expected"), acks=Sum("acks"), directives=Count("directive", distinct=True))
    expected = row["expected"] or 0
    return {"directives": row["directives"], "expected": expected, "acks": row["acks"] or 0,
            "pct": round(100 * (row["acks"] or 0) / expected) if expected else None}


# ---- review notes and action items -------------------------------------------------------------

def notes_for(unit: Unit, limit: int = 50):
    return list(ReviewNote.objects.filter(unit=unit).select_related("author").order_by("-created_at", "-pk")[:limit])


def action_items_for(unit: Unit, limit: int = 100):
    return list(ActionItem.objects.filter(unit=unit).select_related("owner", "done_by")
                .order_by("done_at", "due_on", "pk")[:limit])


def action_items_owned(person, limit: int = 50):
    """Open first (by due date), then the recently done."""
    return list(ActionItem.objects.filter(owner=person).select_related("unit__level", "created_by")
                .order_by(F("done_at").asc(nulls_first=True), "due_on", "pk")[:limit])


def action_items_in(unit: Unit, limit: int = 200):
    return list(ActionItem.objects.in_subtree(unit.path)
                .select_related("owner", "unit").order_by("unit_path", "done_at", "due_on", "pk")[:limit])


def notes_in(unit: Unit, limit: int = 200):
    return list(ReviewNote.objects.in_subtree(unit.path)
                .select_related("author", "unit").order_by("unit_path", "created_at", "pk")[:limit])


# ---- the area list: every difficulty in the person's subtrees, filtered -------------------------

AREA_STATUSES = ("all", "open", "with_me", "below", "answered", "solved")
AREA_ORDERS = ("newest", "oldest")
AREA_AGES = (1, 3, 7)
AREA_PAGE = 50
MAX_AGE_DAYS = 3650


@dataclass
class AreaFilter:
    """What the coordinator asked for; ``unit`` and ``category`` already checked (see area_filter)."""

    status: str = "all"
    category: DifficultyCategory | None = None
    unit: Unit | None = None
    older_than_days: int | None = None
    order: str = "newest"
    page: int = 1


class AreaFilterError(ValueError):
    """A filter value that names nothing; the message is for the person."""

    def __init__(self, message, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def area_filter(person, *, status="all", category="", unit=None, older_than_days=None, order="newest",
                page=1) -> AreaFilter:
    """Check the filter values (text from a page's query string, or typed from the API): a unit the
    person may not see is 404 (get_visible_or_404); anything else wrong is an AreaFilterError."""
    from django.utils.translation import gettext as _

    from sampark.core.visibility import get_visible_or_404

    f = AreaFilter()
    f.status = status or "all"
    if f.status not in AREA_STATUSES:
        raise AreaFilterError(_("Unknown status filter."))
    f.order = order or "newest"
    if f.order not in AREA_ORDERS:
        raise AreaFilterError(_("Unknown order."))
    if category:
        f.category = DifficultyCategory.objects.filter(code=str(category)).first()
        if f.category is None:
            raise AreaFilterError(_("Unknown category."), status=404)
    if unit not in (None, ""):
        if not str(unit).isdigit() or int(unit) > 2**31 - 1:
            raise AreaFilterError(_("Choose a unit from the list."))
        f.unit = get_visible_or_404(Unit.objects.select_related("level"), person, pk=int(unit))
    if older_than_days not in (None, ""):
        if not str(older_than_days).isdigit() or not 0 < int(older_than_days) <= MAX_AGE_DAYS:
            raise AreaFilterError(_("The age must be a number of days from 1 to {n}.").format(n=MAX_AGE_DAYS))
        f.older_than_days = int(older_than_days)
    if not str(page or 1).isdigit() or not 0 < int(page or 1) <= 100_000:
        raise AreaFilterError(_("Unknown page."))
    f.page = int(page or 1)
    return f


def _lead_paths(person) -> list[str]:
    return list(Post.objects.filter(person=person, active=True, role__in=LEADING_ROLES)
                .values_list("unit_path", flat=True))


def _area_status_q(person, lead_paths: list[str]) -> dict[str, Q]:
    """Each status filter as a condition. "With me": what waiting_for lists. "Below me": still open
    and handled at a unit under one where the person leads (not at that unit itself)."""
    with_me = Q(assigned_to=person, status=Status.ASSIGNED)
    if lead_paths:
        with_me |= Q(handling_path__in=lead_paths, status__in=(*WAITING, Status.INFO_REQUESTED))
    below = (Q(status__in=UNRESOLVED) & subtree_q("handling_path", lead_paths) & ~Q(handling_path__in=lead_paths)
             & ~with_me)
    return {"all": Q(), "open": Q(status__in=UNRESOLVED), "with_me": with_me, "below": below,
            "answered": Q(status=Status.ANSWERED), "solved": Q(status=Status.SOLVED)}


def area_queryset(person, f: AreaFilter, now: datetime):
    """Every filter but the status one: the base of the counts and of the list. The area is the
    person's subtrees (the subtree part of visible_to, without its "own" rows elsewhere, which the
    person's own lists show): one indexed range per root, never an OR over other columns."""
    qs = Difficulty.objects.in_subtrees(visible_roots(person))
    if f.unit is not None:
        qs = qs.in_subtree(f.unit.path)
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.older_than_days:
        qs = qs.filter(created_at__lte=now - timedelta(days=f.older_than_days))
    return qs


def area_rows(person, f: AreaFilter, now: datetime):
    """The filtered queryset, ordered (for exports: every row, no page)."""
    status_q = _area_status_q(person, _lead_paths(person))[f.status]
    order = ("-created_at", "-pk") if f.order == "newest" else ("created_at", "pk")
    return area_queryset(person, f, now).filter(status_q).order_by(*order)


@dataclass
class AreaPage:
    counts: dict[str, int]
    items: list
    total: int
    page: int
    pages: int


def area_list(person, f: AreaFilter, now: datetime) -> AreaPage:
    """Counts per status (one query) and one page of the chosen status (one query)."""
    conditions = _area_status_q(person, _lead_paths(person))
    base = area_queryset(person, f, now)
    counts = base.aggregate(**{name: Count("pk", filter=q) if q else Count("pk") for name, q in conditions.items()})
    total = counts[f.status]
    pages = max(1, -(-total // AREA_PAGE))
    order = ("-created_at", "-pk") if f.order == "newest" else ("created_at", "pk")
    start = (f.page - 1) * AREA_PAGE
    items = list(base.filter(conditions[f.status])
                 .select_related("category", "unit__level", "handling_unit__level", "raised_by")
                 .order_by(*order)[start:start + AREA_PAGE]) if start < total else []
    return AreaPage(counts=counts, items=items, total=total, page=f.page, pages=pages)
