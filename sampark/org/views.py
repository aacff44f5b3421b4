"""Pages for bulk import and export of the tree: thin handlers over sampark.org.imports/exports."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sampark.core import tables
from sampark.core.decorators import person_required
from sampark.core.stepup import step_up_redirect
from sampark.core.visibility import get_visible_or_404, leading_roots, visible_roots
from sampark.org.exports import export_table
from sampark.org.imports import FileProblem, import_file
from sampark.org.io import MAX_BYTES, PEOPLE_COLUMNS, UNIT_COLUMNS
from sampark.org.models import Unit

KINDS = ("units", "people")
SHOWN_ERRORS = 500
# Every row is applied through the services: keep one upload well inside a request's time.
# The command line takes up to io.MAX_ROWS.
WEB_MAX_ROWS = 2_000


@person_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    kind = request.POST.get("kind", request.GET.get("kind", "units"))
    kind = kind if kind in KINDS else "units"
    leads = bool(leading_roots(request.person))
    check_only = leads and request.method == "POST" and bool(request.POST.get("check_only"))
    result, error = None, ""
    if request.method == "POST" and leads:
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file.")
        elif upload.size > MAX_BYTES:
            error = _("The file is larger than {mb} MB. Split it into smaller files.").format(
                mb=MAX_BYTES // (1024 * 1024))
        else:
            try:
                result = import_file(request.person, kind, upload.name, upload.read(), dry_run=check_only,
                                     max_rows=WEB_MAX_ROWS)
            except FileProblem as exc:
                error = str(exc)
    roots = visible_roots(request.person)
    context = {
        "kind": kind, "check_only": check_only, "result": result, "error": error,
        "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "more_errors": max(0, len(result.errors) - SHOWN_ERRORS) if result else 0,
        "max_rows": WEB_MAX_ROWS, "max_mb": MAX_BYTES // (1024 * 1024),
        "leads": leads,
        "unit_columns": ",".join(UNIT_COLUMNS), "people_columns": ",".join(PEOPLE_COLUMNS),
        "export_units": Unit.objects.filter(path__in=roots).select_related("level").order_by("path"),
    }
    # Imports are for those who lead a unit; others get the page's note, refused (issue 12).
    status = 403 if not leads else 400 if error or (result and result.errors) else 200
    return render(request, "org/import.html", context, status=status)


@person_required
@require_GET
def export_view(request, unit_id: int, kind: str, fmt: str):
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    options = {}
    if kind == "people":
        if step_up := step_up_redirect(request):
            return step_up
        # Full numbers only behind a freshly given second factor; without one, masked (issue 13).
        options["phones"] = request.second_factor.fresh()
    return tables.table_response(f"{kind}-{unit.pk}.{fmt}", fmt,
                                 *export_table(request.person, unit, kind, **options))
