"""Downloads of a unit's network as CSV or Excel: its children with their figures, or the handles of
its subtree the viewer may see (names, no phone numbers). The unit must be visible (else 404)."""

from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import tables
from sampark.core.decorators import person_required
from sampark.core.visibility import visible_roots
from sampark.network import exports, selectors
from sampark.network.unit_views import visible_unit


@person_required
def unit_export(request, unit_id: int, kind: str, fmt: str):
    if fmt not in ("csv", "xlsx") or kind not in exports.KINDS:
        raise Http404
    unit = visible_unit(request.person, unit_id)
    today = timezone.localdate()
    name = f"network-{kind}-{unit.pk}-{today:%Y%m%d}.{fmt}"
    if kind == "children":
        net = selectors.unit_network(unit, today, with_series=False)
        return tables.table_response(name, fmt, exports.children_columns(), exports.children_rows(net),
                                     title=_("Network"))
    qs = exports.handles_queryset(request.person, unit)
    if problem := tables.too_many_rows(fmt, qs.count()):
        return HttpResponseBadRequest(problem)
    return tables.table_response(name, fmt, exports.handles_columns(),
                                 exports.handles_rows(qs, visible_roots(request.person)), title=_("Handles"))
