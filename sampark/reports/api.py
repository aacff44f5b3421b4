
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router

from sampark.core.errors import READ, WRITE, UUIDPath, error_body, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.org.models import Unit
from sampark.reports import selectors, services
from sampark.reports.models import Report
from sampark.reports.schemas import (
    BatchItemOut,
    ReportCorrectionIn,
    ReportIn,
    ReportOut,
    UnitRollupOut,
)
from sampark.reports.uploads import read_photo_upload

router = Router(tags=["reports"])

ERRS = error_responses(WRITE, 409)
MAX_BATCH = 200


def report_out(r: Report) -> dict:
    return {
        "id": str(r.pk), "unit": r.unit_id, "unit_name": r.unit.name, "type": r.type.code, "date": r.date,
        "values": r.values, "author": r.author_id, "version": r.version,
        "photos": [{"id": str(p.pk), "url": reverse("reports:photo", args=[p.pk]), "width": p.width,
                    "height": p.height} for p in r.photos.all()],
        "created_at": r.created_at, "updated_at": r.updated_at,
    }


def _error(exc: services.ReportError):
    return exc.status, error_body(exc, exc.errors)


def _get_report(request, report_id) -> Report:
    try:
        qs = Report.objects.select_related("unit", "type").prefetch_related("photos")
        return get_visible_or_404(qs, request.person, pk=report_id)
    except (ValueError, Exception) as exc:
        if isinstance(exc, Http404):
            raise
        raise Http404 from None


@router.post("/reports", response={200: ReportOut, 201: ReportOut, **ERRS})
def create_report(request, payload: ReportIn):
    """Submit one report. 201 when new; 200 with the stored report when the same id and body were
    already received; 409 when the id was used for another body."""
    try:
        report, created = services.submit_report(request.person, id=payload.id, unit=payload.unit,
                                                 type=payload.type, date=payload.date, values=payload.values)
    except services.ReportError as exc:
        return _error(exc)
    report = _get_report(request, report.pk)
    return (201 if created else 200), report_out(report)


@router.post("/reports/batch", response={200: list[BatchItemOut], **error_responses(WRITE)})
def create_reports(request, payload: list[ReportIn]):
    """Submit up to 200 reports at once (a phone's outbox). Each gets its own status, as above."""
    if len(payload) > MAX_BATCH:
        return 422, error_body(_("At most {n} reports at once.").format(n=MAX_BATCH))
    subs = [services.Submission(id=str(p.id), unit=p.unit, type=p.type, date=p.date, values=p.values) for p in payload]
    outcomes = services.submit_reports(request.person, subs)
    ok = [o.id for o in outcomes if o.id is not None and o.error is None]
    stored = Report.objects.select_related("unit", "type").prefetch_related("photos").in_bulk(ok)
    out = []
    for sub, o in zip(subs, outcomes, strict=True):
        if o.error:
            out.append({"id": str(sub.id), "status": o.error.status, "detail": str(o.error), "errors": o.error.errors})
        else:
            out.append({"id": str(o.id), "status": 201 if o.created else 200, "report": report_out(stored[o.id])})
    return 200, out


@router.get("/reports/{report_id}", response={200: ReportOut, **error_responses(READ)})
def get_report(request, report_id: UUIDPath):
    return 200, report_out(_get_report(request, report_id))


@router.patch("/reports/{report_id}", response={200: ReportOut, **ERRS})
def correct_report(request, report_id: UUIDPath, payload: ReportCorrectionIn):
    """Correct a report's date or values (the author, or a leader above). History is kept."""
    report = _get_report(request, report_id)
    try:
        services.correct_report(request.person, report, values=payload.values, date=payload.date,
                                reason=payload.reason)
    except services.ReportError as exc:
        return _error(exc)
    return 200, report_out(_get_report(request, report_id))


PHOTO_FORM = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["id", "file"],
    "properties": {"id": {"type": "string", "format": "uuid"}, "file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/reports/{report_id}/photos", response={200: ReportOut, 201: ReportOut, **ERRS, **error_responses(503)},
             openapi_extra=PHOTO_FORM)
def add_photo(request, report_id: UUIDPath):
    """Attach a photo: multipart form with `id` (a UUID made on the phone) and `file`. At most
    5 MB; it is checked, re-encoded, and stripped of its location."""
    report = _get_report(request, report_id)
    try:
        photo_id, upload = read_photo_upload(request)
        _photo, created = services.add_photo(request.person, report, photo_id=photo_id, upload=upload)
    except services.ReportError as exc:
        return _error(exc)
    return (201 if created else 200), report_out(_get_report(request, report_id))


@router.get("/units/{unit_id}/rollup", response={200: UnitRollupOut, **error_responses(READ)}, by_alias=True)
def unit_rollup(request, unit_id: int, type: str = "", by: str = "",  # noqa: A002
                start: str = Query("", alias="from"), end: str = Query("", alias="to")):
    """Reports and sums of numeric fields over the unit's subtree (`from`, `to` as YYYY-MM-DD,
    default the last 30 days); with by=child, the same per child unit. Sums only with a type."""
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    try:
        start, end = selectors.parse_period(start, end)
        rtype = selectors.get_type_or_error(type)
        if by not in ("", "child"):
            raise services.ReportError(_("by must be empty or child."))
    except services.ReportError as exc:
        return _error(exc)
    totals = selectors.totals(unit, start, end, rtype)
    out = {"unit": unit.pk, "type": rtype.code if rtype else None, "from": start, "to": end,
           "reports": totals.pop("reports"), "sums": totals}
    if by == "child":
        out["children"] = []
        for row in selectors.children_rows(unit, start, end, rtype):
            sums = dict(row.values)
            reports = sums.pop("reports")
            out["children"].append({"unit": row.unit.pk, "name_hi": row.unit.name_hi, "name_en": row.unit.name_en,
                                    "reports": reports, "sums": sums})
    return 200, out

