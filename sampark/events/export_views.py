"""Downloads of an event's record: its attendance as CSV or Excel, for its organisers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import tables
from sampark.core.decorators import person_required
from sampark.core.visibility import visible_roots
from sampark.events import exports, selectors, services


@person_required
def attendance(request, event_id: int, fmt: str):
    """Who came (names, units, how checked in): the event must be visible (else 404), and only its
    organisers may download the list (else 403)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    event = selectors.get_event(request.person, event_id)
    if not services.can_manage(request.person, event):
        raise PermissionDenied(_("Only the organisers can download the attendance."))
    if problem := tables.too_many_rows(fmt, event.checkins.count()):
        return HttpResponseBadRequest(problem)
    roots = [*visible_roots(request.person), event.unit_path]
    name = f"attendance-{event.pk}-{timezone.localtime(event.starts_at):%Y%m%d}.{fmt}"
    return tables.table_response(name, fmt, exports.columns(), exports.rows(event, roots), title=_("Attendance"))
