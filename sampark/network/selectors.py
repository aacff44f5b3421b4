"""Reads for the network: every query of handles starts from Handle.objects.visible_to(person); a
unit's figures are asked for a unit that came through visible_to (Unit's), so a coordinator of
district A gets 404 for district B's page and API.

Per-unit figures (`aggregates`) are sums of what handles contribute (rollups.contributions) over
the unit's subtree: reach now and 30 / 90 days ago, handles, new in 30 days, verified, stale, booths
covered. `raw_aggregates` computes them from the handle rows (small subtrees, and the oracle the
tests compare the roll-ups with); `aggregates` reads NetworkTotal (the figures now) and the recent
NetworkDaily rows (what changed within 90 days) for units down to the fold depth."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum

from sampark.core import paths
from sampark.core.visibility import get_visible_or_404
from sampark.network import rollups
from sampark.network.models import ANY_PLATFORM, Handle, NetworkDaily, NetworkTotal, Platform, Snapshot
from sampark.network.services import stale_before
from sampark.org.models import Level, Unit
from sampark.reports.policies import fold_depth

MONTHS = 12


def share_pct(part: int, whole: int) -> float | None:
    """part as a per cent of whole, to one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Agg:
    """One unit's figures on one platform (or on all: platform 0)."""

    handles: int = 0
    reach: int = 0
    reach_30: int = 0  # reach as it stood 30 days ago
    reach_90: int = 0
    new_30: int = 0
    verified: int = 0
    stale: int = 0
    booths: int = 0  # booths in the subtree with an active handle on this platform

    @property
    def unverified(self) -> int:
        return self.handles - self.verified

    @property
    def growth_30(self) -> int:
        return self.reach - self.reach_30

    @property
    def growth_90(self) -> int:
        return self.reach - self.reach_90

    @property
    def growth_30_pct(self) -> float | None:
        return share_pct(self.growth_30, self.reach_30)

    @property
    def growth_90_pct(self) -> float | None:
        return share_pct(self.growth_90, self.reach_90)

    def add(self, other: "Agg") -> None:
        for f in ("handles", "reach", "reach_30", "reach_90", "new_30", "verified", "stale"):
            setattr(self, f, getattr(self, f) + getattr(other, f))


@dataclass
class UnitNetwork:
    unit: Unit
    platforms: list[Platform]
    by_platform: dict[int, Agg]  # platform id -> figures; ANY_PLATFORM: all platforms together
    booths_total: int
    children: list[dict] = field(default_factory=list)  # ranked by growth %, see rank_children
    series: list[tuple[date, int]] = field(default_factory=list)

    @property
    def total(self) -> Agg:
        return self.by_platform[ANY_PLATFORM]


# --- handles ---------------------------------------------------------------------------------------

def visible_handles(person) -> QuerySet:
    return Handle.objects.visible_to(person).select_related("platform", "unit__level", "person")


def get_handle(person, handle_id) -> Handle:
    if not str(handle_id).isdigit():
        from django.http import Http404

        raise Http404
    return get_visible_or_404(visible_handles(person), person, pk=int(handle_id))


def my_handles(person) -> list[Handle]:
    return list(Handle.objects.filter(person=person).select_related("platform", "unit__level")
                .order_by("platform__position", "platform__code"))


def history(h: Handle, limit: int = 24) -> list[Snapshot]:
    return list(h.snapshots.order_by("-date")[:limit])


def platforms() -> list[Platform]:
    return list(Platform.objects.filter(active=True))


# --- per-unit figures ------------------------------------------------------------------------------

def booth_level() -> Level | None:
    return Level.objects.order_by("-rank").first()


BOOTHS_TTL = 15 * 60


def booths_total(units: list[Unit]) -> dict[int, int]:
    """Booths (units of the lowest level) in each unit's subtree. Counting 90 k booths of a state per
    request is what the roll-ups avoid, so the counts are kept in Django's cache, keyed by the unit's
    path (a move changes it) and a version that unit creation / deletion, level changes and subtree
    moves bump (rollups.bump_booths_version, connected in apps.py); the entries also expire after
    BOOTHS_TTL, which bounds staleness where the cache is per process or units are bulk-loaded."""
    from django.core.cache import cache

    level = booth_level()
    out: dict[int, int] = {}
    if level is None:
        return {u.pk: 0 for u in units}
    version = rollups.booths_version()
    keys = {u.pk: f"network:booths:{version}:{level.pk}:{u.path}" for u in units}
    cached = cache.get_many(list(keys.values()))
    fresh = {}
    for u in units:
        if u.level_id == level.pk:
            out[u.pk] = 1
        elif keys[u.pk] in cached:
            out[u.pk] = cached[keys[u.pk]]
        else:
            out[u.pk] = fresh[keys[u.pk]] = Unit.objects.in_subtree(u.path).filter(level=level).count()
    if fresh:
        cache.set_many(fresh, BOOTHS_TTL)
    return out


def _fold(contrib: dict, agg_by_platform: dict, today: date, stale_day: date) -> None:
    d30, d90, new_from = today - timedelta(days=30), today - timedelta(days=90), today - timedelta(days=30)
    for (p, day), (reach, handles, seen, verified) in contrib.items():
        for key in (p, ANY_PLATFORM):
            a = agg_by_platform[key]
            a.reach += reach
            a.handles += handles
            a.verified += verified
            if day <= d30:
                a.reach_30 += reach
            if day <= d90:
                a.reach_90 += reach
            if day > new_from:
                a.new_30 += handles
            if day < stale_day:
                a.stale += seen


def _active_with_snapshots(path: str) -> tuple[list[Handle], dict]:
    """The active handles of a subtree (with their units) and {handle id: [(date, count, status)]}."""
    handles = list(Handle.objects.in_subtree(path).filter(status=Handle.Status.ACTIVE).select_related("unit"))
    snaps = defaultdict(list)
    for hid, day, count, status in Snapshot.objects.filter(handle__in=[h.pk for h in handles]).values_list(
            "handle_id", "date", "count", "status"):
        snaps[hid].append((day, count, status))
    return handles, snaps


def raw_aggregates(units: list[Unit], today: date) -> dict[int, dict[int, Agg]]:
    """{unit id: {platform id: Agg}} computed from the handle rows of each unit's subtree."""
    stale_day = stale_before(today)
    level = booth_level()
    out: dict[int, dict[int, Agg]] = {}
    for u in units:
        aggs: dict[int, Agg] = defaultdict(Agg)
        aggs[ANY_PLATFORM]  # noqa: B018 - always present
        handles, snaps = _active_with_snapshots(u.path)
        covered = defaultdict(set)
        for h in handles:
            _fold(rollups.contributions(h, snaps[h.pk]), aggs, today, stale_day)
            if level is not None and h.unit.level_id == level.pk:
                covered[h.platform_id].add(h.unit_id)
                covered[ANY_PLATFORM].add(h.unit_id)
        for p, booths in covered.items():
            aggs[p].booths = len(booths)
        out[u.pk] = dict(aggs)
    return out


def _folded(units: list[Unit]) -> tuple[list[Unit], list[Unit]]:
    """(units with NetworkDaily rows: down to the fold depth, the others)."""
    depth = fold_depth()
    above = [u for u in units if paths.depth(u.path) <= depth]
    return above, [u for u in units if paths.depth(u.path) > depth]


def aggregates(units: list[Unit], today: date, *, totals_only=()) -> dict[int, dict[int, Agg]]:
    """The same figures as raw_aggregates: for units down to the fold depth, the figures now from
    NetworkTotal (one query, every platform; platform 0 holds the sums over the platforms and the
    booths covered on any), and what changed since 30 / 90 days ago and the stale day from the
    NetworkDaily rows after min(90 days ago, the stale day - 1) (one query: "unit_id IN ... AND day
    > X" on the (unit_id, day, platform_id) key): reach_30 = reach - the reach added after 30 days
    ago, new_30 = handles added after it, stale = seen - seen on or after the stale day. Below the
    fold depth, raw_aggregates.

    Units in `totals_only` (a page's children) get their windowed figures on platform 0 only: on
    the other platforms they carry the totals (reach, handles, verified, booths, and reach_30 =
    reach_90 = reach, new_30 = stale = 0)."""
    above, below = _folded(units)
    out = raw_aggregates(below, today) if below else {}
    if not above:
        return out
    d30, d90, stale_day = today - timedelta(days=30), today - timedelta(days=90), stale_before(today)
    ids = [u.pk for u in above]
    for u in above:
        out[u.pk] = {ANY_PLATFORM: Agg()}
    partial = set(ids) & {getattr(u, "pk", u) for u in totals_only}
    for unit_id, p, reach, handles, seen, verified, booths in NetworkTotal.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "platform_id", "reach", "handles", "seen", "verified", "booths"):
        out[unit_id][p] = Agg(handles=handles, reach=reach, reach_30=reach, reach_90=reach, verified=verified,
                              stale=0 if p != ANY_PLATFORM and unit_id in partial else seen, booths=booths)
    since = min(d90, stale_day - timedelta(days=1))
    window = NetworkDaily.objects.filter(unit_id__in=ids, day__gt=since)
    if partial:
        window = window.filter(~Q(unit_id__in=partial) | Q(platform_id=ANY_PLATFORM))
    qs = (window.values("unit_id", "platform_id").order_by()
          .annotate(r30=Sum("reach", filter=Q(day__gt=d30)), r90=Sum("reach", filter=Q(day__gt=d90)),
                    n30=Sum("handles", filter=Q(day__gt=d30)), fresh=Sum("seen", filter=Q(day__gte=stale_day))))
    for row in qs:
        a = out[row["unit_id"]].setdefault(row["platform_id"], Agg())
        a.reach_30 -= row["r30"] or 0
        a.reach_90 -= row["r90"] or 0
        a.new_30 += row["n30"] or 0
        a.stale -= row["fresh"] or 0
    for aggs in out.values():
        for p in [p for p, a in aggs.items() if p != ANY_PLATFORM and a == Agg()]:
            del aggs[p]
    return out


def reach_series(unit: Unit, today: date, months: int = MONTHS) -> list[tuple[date, int]]:
    """Reach at the end of each of the last `months` months, and today (all platforms): for units
    down to the fold depth, NetworkTotal's platform 0 reach minus the platform 0 reach added after
    each point (its rows after the first point, one query)."""
    points = month_ends(today, months)
    if _folded([unit])[0]:
        # (Not .first(): its ORDER BY id may walk the primary key instead of the (unit, platform) key.)
        now = sum(NetworkTotal.objects.filter(unit_id=unit.pk, platform_id=ANY_PLATFORM).values_list("reach", flat=True))
        # The rows themselves (a year of days at most), summed here: cheaper than 13 conditional sums.
        later = sorted(NetworkDaily.objects.filter(unit_id=unit.pk, platform_id=ANY_PLATFORM, day__gt=points[0])
                       .values_list("day", "reach"), reverse=True)
        out, added, i = [], 0, 0
        for d in reversed(points):
            while i < len(later) and later[i][0] > d:
                added += later[i][1]
                i += 1
            out.append((d, now - added))
        return out[::-1]
    handles, snaps = _active_with_snapshots(unit.path)
    changes = defaultdict(int)
    for h in handles:
        for (_p, day), vals in rollups.contributions(h, snaps[h.pk]).items():
            changes[day] += vals[rollups.REACH]
    return [(d, sum(v for day, v in changes.items() if day <= d)) for d in points]


def month_ends(today: date, months: int) -> list[date]:
    out = [today]
    d = today.replace(day=1) - timedelta(days=1)
    while len(out) < months + 1:
        out.append(d)
        d = d.replace(day=1) - timedelta(days=1)
    return out[::-1]


def rank_children(children: list[Unit], aggs: dict, totals: dict[int, int]) -> list[dict]:
    """Children by growth % over 30 days (a small district can lead); those with no reach 30 days
    ago after, by growth."""
    rows = []
    for c in children:
        a = aggs.get(c.pk, {}).get(ANY_PLATFORM) or Agg()
        rows.append({"unit": c, "agg": a, "aggs": aggs.get(c.pk, {}), "booths_total": totals.get(c.pk, 0),
                     "covered": a.booths, "share": share_pct(a.booths, totals.get(c.pk, 0))})
    rows.sort(key=lambda r: (r["agg"].growth_30_pct is None, -(r["agg"].growth_30_pct or 0), -r["agg"].growth_30,
                             r["unit"].pk))
    return rows


def unit_network(unit: Unit, today: date, *, with_children: bool = True, with_series: bool = True) -> UnitNetwork:
    """A unit's network figures (the unit came through visible_to)."""
    kids = list(Unit.objects.filter(parent=unit).select_related("level").order_by("pk")) if with_children else []
    aggs = aggregates([unit, *kids], today, totals_only=kids)
    totals = booths_total([unit, *kids])
    mine = defaultdict(Agg, aggs.get(unit.pk, {}))
    mine[ANY_PLATFORM]  # noqa: B018
    return UnitNetwork(unit=unit, platforms=platforms(), by_platform=dict(mine), booths_total=totals[unit.pk],
                       children=rank_children(kids, aggs, totals),
                       series=reach_series(unit, today) if with_series else [])


def covered_children(net: UnitNetwork, platform_id: int = ANY_PLATFORM) -> tuple[int, int]:
    """(children with at least one active handle on the platform, children)."""
    n = sum(1 for row in net.children if (row["aggs"].get(platform_id) or Agg()).handles > 0)
    return n, len(net.children)
