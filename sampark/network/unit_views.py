"""A unit's network page, read by a district or state coordinator on a phone: the headline figures,
the figures per platform, the map of the children coloured by coverage or growth (?by=growth), the
line chart of reach over the last 12 months and the children ranked by growth %. The unit comes
through visibility (another district's is 404); the figures are selectors.unit_network's."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404, visible_roots
from sampark.network import charts, selectors
from sampark.network.models import ANY_PLATFORM
from sampark.network.selectors import Agg, share_pct
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit

BY = ("coverage", "growth")


def visible_unit(person, unit_id) -> Unit:
    return get_visible_or_404(Unit.objects.select_related("level", "parent"), person, pk=unit_id)


def platform_rows(net) -> tuple[list[dict], list[str]]:
    """One row per platform with an active handle here (booths covered and their share, children
    covered, reach and growth over 30 days), and the names of the platforms with none."""
    rows, idle = [], []
    for p in net.platforms:
        a = net.by_platform.get(p.pk) or Agg()
        if not a.handles:
            idle.append(p.name)
            continue
        kids, n_kids = selectors.covered_children(net, p.pk)
        rows.append({"platform": p, "agg": a, "share": share_pct(a.booths, net.booths_total), "kids": kids,
                     "n_kids": n_kids})
    return rows, idle


@person_required
def unit_page(request, unit_id: int):
    unit = visible_unit(request.person, unit_id)
    net = selectors.unit_network(unit, timezone.localdate())
    by = request.GET.get("by") if request.GET.get("by") in BY else "coverage"
    lang = get_language() or "hi"
    title = _("Coverage by booths with a handle") if by == "coverage" else _("Growth in 30 days")
    drawing = charts.network_map(unit, net.children, by, lambda u: reverse("network:unit", args=[u.pk]) + (
        "?by=growth" if by == "growth" else ""), lang, title)
    t = net.total
    kids, n_kids = selectors.covered_children(net, ANY_PLATFORM)
    rows, idle = platform_rows(net)
    return render(request, "network/unit.html", {
        "unit": unit, "net": net, "t": t, "share": share_pct(t.booths, net.booths_total), "kids": kids,
        "n_kids": n_kids, "platform_rows": rows, "idle_platforms": idle, "by": by, "map": drawing, "map_title": title,
        "legend": charts.legend(by) if drawing else [],
        "chart": charts.line_chart(net.series, lang, _("Reach over the last 12 months")) if net.series else "",
        "crumbs": org_selectors.breadcrumbs(unit, visible_roots(request.person)),
        "child_level": net.children[0]["unit"].level.name if net.children else "",
    })
