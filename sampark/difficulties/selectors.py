"""Read queries shared by pages and the API. Every one starts from what the person may see, or from a
unit the caller already got through visible_to.

Subtree figures are computed on demand with range scans on ``unit_path`` (indexed), grouped by the
path prefix of each child, so a review overview of 38 districts is a handful of queries, not 38 x N."""

import importlib
import statistics
from collections import defaultdict
from datetime import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from sampark.core import paths
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


def waiting_for(person, limit: int = LIST_LIMIT):
    """Waiting at units where the person holds a leading post, and those passed to them."""
    unit_paths = list(Post.objects.filter(person=person, active=True, role__in=LEADING_ROLES)
                      .values_list("unit_path", flat=True))
    q = Q(assigned_to=person, status=Status.ASSIGNED)
    if unit_paths:
        q |= Q(handling_path__in=unit_paths, status__in=(*WAITING, Status.INFO_REQUESTED))
    return list(_list_qs().visible_to(person).filter(q).order_by("due_at", "created_at")[:limit])


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

    lo, hi = paths.subtree_range(d.handling_path)
    return list(Person.objects.filter(posts__active=True, posts__unit_path__gte=lo, posts__unit_path__lt=hi)
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


def silent_units(unit: Unit, limit: int = 20) -> dict:
    """Units below that we hear nothing from. With the reports app: its notion of silence (no reports);
    without it, the units directly below that have no members at all."""
    hook = _optional("sampark.reports.selectors", "silent_units")
    if hook is not None:
        try:
            return {"source": "reports", "units": list(hook(unit))[:limit]}
        except TypeError:
            pass
    units = list(Unit.objects.filter(parent=unit, member_count=0).select_related("level")
                 .order_by("code", "name_en", "pk")[:limit])
    return {"source": "members", "units": units}


def activity_rollup(unit: Unit):
    """The reports app's activity roll-up for a unit, when that app provides one (else None)."""
    hook = _optional("sampark.reports.selectors", "unit_rollup") or _optional("sampark.reports.selectors",
                                                                               "rollup")
    if hook is None:
        return None
    try:
        return hook(unit)
    except TypeError:
        return None


def directive_ack_rate(unit: Unit):
    """Acknowledgement rate of recent directives for a unit, when the directives app provides it (else None)."""
    hook = _optional("sampark.directives.selectors", "ack_rate") or _optional("sampark.directives.selectors",
                                                                             "acknowledgement_rate")
    if hook is None:
        return None
    try:
        return hook(unit)
    except TypeError:
        return None


def _optional(module: str, name: str):
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)


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
    lo, hi = paths.subtree_range(unit.path)
    return list(ActionItem.objects.filter(unit_path__gte=lo, unit_path__lt=hi)
                .select_related("owner", "unit").order_by("unit_path", "done_at", "due_on", "pk")[:limit])


def notes_in(unit: Unit, limit: int = 200):
    lo, hi = paths.subtree_range(unit.path)
    return list(ReviewNote.objects.filter(unit_path__gte=lo, unit_path__lt=hi)
                .select_related("author", "unit").order_by("unit_path", "created_at", "pk")[:limit])
