"""API shapes of the network. Names are prefixed (Network…, Handle…) so no two schema classes of the
API share a name (tests/test_openapi.py)."""

from datetime import date

from ninja import Schema


class HandleIn(Schema):
    platform: str
    handle: str = ""
    url: str
    unit: int | None = None
    client_uuid: str | None = None


class HandlePatch(Schema):
    handle: str | None = None
    url: str | None = None
    unit: int | None = None
    status: str | None = None


class HandleOut(Schema):
    id: int
    platform: str
    handle: str
    url: str
    unit: int
    status: str
    verified: bool
    latest_count: int | None
    latest_date: date | None


class SnapshotIn(Schema):
    date: date
    count: int


class SnapshotOut(Schema):
    id: str
    handle: int
    date: date
    count: int
    status: str


class NetworkPlatformFigures(Schema):
    handles: int
    reach: int
    growth_30d: int
    growth_30d_pct: float | None
    growth_90d: int
    growth_90d_pct: float | None
    new_30d: int
    unverified: int
    stale: int
    booths_covered: int
    booths_total: int
    coverage_pct: float | None
    children_covered: int
    children_total: int


class NetworkChild(Schema):
    id: int
    name: str
    code: str
    reach: int
    growth_30d: int
    growth_30d_pct: float | None
    growth_90d: int
    growth_90d_pct: float | None
    handles: int
    new_30d: int
    booths_covered: int
    booths_total: int
    coverage_pct: float | None


class NetworkUnitOut(Schema):
    unit: int
    name: str
    coverage: dict[str, NetworkPlatformFigures]
    booths_covered: int
    booths_total: int
    coverage_pct: float | None
    reach: int
    growth_30d: int
    growth_30d_pct: float | None
    growth_90d: int
    growth_90d_pct: float | None
    children: list[NetworkChild]


def handle_out(h) -> dict:
    return {"id": h.pk, "platform": h.platform.code, "handle": h.handle, "url": h.url, "unit": h.unit_id,
            "status": h.status, "verified": h.verified_at is not None, "latest_count": h.latest_count,
            "latest_date": h.latest_date}


def snapshot_out(s) -> dict:
    return {"id": str(s.pk), "handle": s.handle_id, "date": s.date, "count": s.count, "status": s.status}


def unit_network_out(net) -> dict:
    from sampark.network.models import ANY_PLATFORM
    from sampark.network.selectors import Agg, covered_children, share_pct

    coverage = {}
    for p in [None, *net.platforms]:
        pid = ANY_PLATFORM if p is None else p.pk
        a = net.by_platform.get(pid) or Agg()
        kids, n_kids = covered_children(net, pid)
        coverage["all" if p is None else p.code] = {
            "handles": a.handles, "reach": a.reach, "growth_30d": a.growth_30, "growth_30d_pct": a.growth_30_pct,
            "growth_90d": a.growth_90, "growth_90d_pct": a.growth_90_pct, "new_30d": a.new_30,
            "unverified": a.unverified, "stale": a.stale, "booths_covered": a.booths,
            "booths_total": net.booths_total, "coverage_pct": share_pct(a.booths, net.booths_total),
            "children_covered": kids, "children_total": n_kids}
    t = net.total
    return {"unit": net.unit.pk, "name": net.unit.name, "coverage": coverage, "booths_covered": t.booths,
            "booths_total": net.booths_total, "coverage_pct": share_pct(t.booths, net.booths_total), "reach": t.reach,
            "growth_30d": t.growth_30, "growth_30d_pct": t.growth_30_pct, "growth_90d": t.growth_90,
            "growth_90d_pct": t.growth_90_pct,
            "children": [{"id": r["unit"].pk, "name": r["unit"].name, "code": r["unit"].code or "",
                          "reach": r["agg"].reach, "growth_30d": r["agg"].growth_30,
                          "growth_30d_pct": r["agg"].growth_30_pct, "growth_90d": r["agg"].growth_90,
                          "growth_90d_pct": r["agg"].growth_90_pct, "handles": r["agg"].handles,
                          "new_30d": r["agg"].new_30,
                          "booths_covered": r["covered"], "booths_total": r["booths_total"],
                          "coverage_pct": r["share"]} for r in net.children]}
