"""The network's panel on a unit's report dashboard (sampark.core.panels): reach, growth over 30 and
90 days and the share of booths with a handle, with a link to the unit's network page. One query
when the subtree has no active handle (the dashboard's query count stays flat)."""

from sampark.network import selectors
from sampark.network.models import Handle


def dashboard_panel(unit, person, now):
    """None when no active handle is in the unit's subtree; the dashboard's unit came through
    visibility, so the figures (sums, no names) are the viewer's to see."""
    if not Handle.objects.in_subtree(unit.path).filter(status=Handle.Status.ACTIVE).exists():
        return None
    net = selectors.unit_network(unit, now.date(), with_children=False, with_series=False)
    t = net.total
    share = round(100 * t.booths / net.booths_total, 1) if net.booths_total else None
    return "network/_dashboard_panel.html", {"unit": unit, "t": t, "booths_total": net.booths_total, "share": share}
