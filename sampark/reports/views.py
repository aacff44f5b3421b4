"""Report pages: the offline report form (its outbox is the site's, web/app.js), a report with its history,
unit dashboards with chart and map, exports, and photos (only through a visibility check)."""

import uuid
from functools import lru_cache
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.core import files, tables
from sampark.core.decorators import person_required
from sampark.core.names import pick
from sampark.core.panels import panels_for
from sampark.core.visibility import get_visible_or_404, visible_roots
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people import vacancies
from sampark.reports import exports, selectors, services, svg
from sampark.reports.models import FieldKind, Report, ReportPhoto

STATIC = Path(__file__).parent / "static" / "reports"
PERIODS = (7, 30, 90, 365)
SILENT_CHOICES = (3, 7, 14, 30)


@lru_cache(maxsize=8)
def _static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@person_required
def index(request):
    units = selectors.my_units_for_reporting(request.person)
    mine = (Report.objects.visible_to(request.person).filter(author=request.person)
            .select_related("type", "unit").order_by("-created_at")[:20])
    return render(request, "reports/index.html", {"units": units, "mine": mine})


def _form_types(lang: str) -> list[dict]:
    out = []
    for t in selectors.report_types():
        fields = []
        for f in t.fields.all():
            fields.append({"code": f.code, "label": f.label, "kind": f.kind, "required": f.required,
                           "min": f.min_value, "max": f.max_value,
                           "choices": [{"value": c["value"], "label": pick(c.get("hi", ""), c.get("en", ""), lang) or c["value"]}
                                       for c in f.choices]})
        out.append({"code": t.code, "name": t.name, "levels": [lv.pk for lv in t.levels.all()], "fields": fields})
    return out


def form_texts() -> dict:
    return {
        "required": _("Fill in the required fields."), "choose": _("Choose…"),
        "tooBig": _("The photo is too large: at most 5 MB."),
    }


@person_required
def report_form(request):
    lang = (get_language() or "hi")[:2]
    units = selectors.my_units_for_reporting(request.person)
    chosen = request.GET.get("unit", "")
    if chosen.isdigit() and all(str(u.pk) != chosen for u in units):
        # A leader may report for a unit below: it must be visible to them.
        extra = get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=int(chosen))
        if services.can_report(request.person, extra):
            units.insert(0, extra)
    types = _form_types(lang)
    # A link from a directive's required action names the type and the unit: start with them chosen.
    selected_unit = next((u.pk for u in units if str(u.pk) == chosen), None)
    wanted_type = request.GET.get("type", "")
    form = {
        "units": [{"id": u.pk, "name": u.name, "level": u.level_id, "levelName": u.level.name} for u in units],
        "types": types,
        "unit": selected_unit,
        "type": wanted_type if any(t["code"] == wanted_type for t in types) else None,
        "today": timezone.localdate().isoformat(),
        "api": "/api/v1/reports",
        "t": form_texts(),
    }
    response = render(request, "reports/form.html", {"form_json": form, "units": units, "selected_unit": selected_unit})
    # The service worker keeps its own copy for offline use; the browser need not.
    response["Cache-Control"] = "no-cache, private"
    return response


def service_worker(request):
    """The report form's own worker of old (scope /reports/), still installed on some phones: the
    browser checks this address for updates, gets a worker that removes itself and its cache, and
    the site's one worker (/sw.js) takes over."""
    response = HttpResponse(_static_text("sw.js"), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/reports/"
    return response


def outbox_js(request):
    response = HttpResponse(_static_text("outbox.js"), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    """Moved to the site root: Sampark installs as one app (web/pwa.py)."""
    return HttpResponsePermanentRedirect("/manifest.webmanifest")


def icon(request):
    body = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="18" '
            'fill="#c2410c"/><path d="M48 18 L74 50 H58 V78 H38 V50 H22 Z" fill="#fff"/></svg>')
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _visible_photo(request, photo_id) -> ReportPhoto:
    reports = Report.objects.visible_to(request.person)
    p = ReportPhoto.objects.filter(pk=photo_id, report__in=reports).first()
    if p is None:
        raise Http404
    return p


@person_required
def photo(request, photo_id):
    return files.serve_file(request, _visible_photo(request, photo_id).file, content_type="image/jpeg", max_age=86400)


@person_required
def photo_thumb(request, photo_id):
    return files.serve_thumbnail(request, _visible_photo(request, photo_id).file)


@person_required
@require_http_methods(["GET", "POST"])
def report_detail(request, report_id):
    qs = Report.objects.select_related("type", "unit__level", "author").prefetch_related("photos", "revisions")
    report = get_visible_or_404(qs, request.person, pk=report_id)
    fields = [f for f in report.type.fields.all() if f.kind != FieldKind.PHOTO]
    may_correct = services.can_correct(request.person, report)
    errors, form_error, status = {}, "", 200
    if request.method == "POST":
        if not may_correct:
            raise Http404
        values = {f.code: request.POST.get(f.code, "") for f in fields}
        try:
            services.correct_report(request.person, report, values=values, date=request.POST.get("date", ""),
                                    reason=request.POST.get("reason", ""))
        except services.ReportError as exc:
            errors, form_error = exc.errors, str(exc)
            status = 400
        else:
            messages.success(request, _("The report was corrected. The totals above follow within seconds."))
            return redirect("reports:detail", report_id=report.pk)
    rows = [(f, report.values.get(f.code, "")) for f in fields]
    return render(request, "reports/detail.html", {
        "report": report, "rows": rows, "may_correct": may_correct, "errors": errors,
        "form_error": form_error,
        "crumbs": org_selectors.breadcrumbs(report.unit, visible_roots(request.person)),
    }, status=status)


def _dashboard_params(request):
    """Type, period, grouping, measure and silent window from the query string."""
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    start, end = selectors.parse_period(request.GET.get("from"), request.GET.get("to"), default_days=days)
    rtype = selectors.get_type_or_error(request.GET.get("type", ""))
    by = request.GET.get("by") or ("day" if (end - start).days <= 31 else ("week" if (end - start).days <= 120 else "month"))
    by = by if by in ("day", "week", "month") else "day"
    measure = request.GET.get("measure", "reports")
    if measure not in {code for code, _l, _c in selectors.measures(rtype)}:
        measure = "reports"
    try:
        silent = int(request.GET.get("silent", "7"))
    except ValueError:
        silent = 7
    silent = silent if silent in SILENT_CHOICES else 7
    return {"days": days, "start": start, "end": end, "rtype": rtype, "by": by, "measure": measure, "silent": silent}


def _visible_unit(request, unit_id):
    return get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=unit_id)


@person_required
def unit_dashboard(request, unit_id: int):
    unit = _visible_unit(request, unit_id)
    try:
        p = _dashboard_params(request)
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    dash = selectors.dashboard(unit, p["start"], p["end"], p["rtype"], silent_days=p["silent"],
                               today=timezone.localdate())
    lang = get_language() or "hi"
    label = dict((c, lbl) for c, lbl, _col in dash.measures)[p["measure"]]
    points = selectors.series(unit, p["start"], p["end"], p["rtype"], p["by"], p["measure"])
    query = request.GET.copy()
    return render(request, "reports/dashboard.html", {
        "unit": unit, "dash": dash, "p": p, "measure_label": label,
        "chart": svg.bar_chart(points, lang, label),
        "crumbs": org_selectors.breadcrumbs(unit, visible_roots(request.person)),
        "types": selectors.report_types(), "periods": PERIODS, "silent_choices": SILENT_CHOICES,
        "query": query.urlencode(), "recent": list(selectors.recent_reports(unit, 10)),
        "has_map": bool(svg.map_source(unit, [r.unit for r in dash.children])[0]),
        "share_pct": None if dash.child_share is None else round(dash.child_share * 100),
        "panels": panels_for(unit, request.person, timezone.now()),
    })


@person_required
def unit_map(request, unit_id: int):
    unit = _visible_unit(request, unit_id)
    try:
        p = _dashboard_params(request)
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    rows = selectors.children_rows(unit, p["start"], p["end"], p["rtype"], silent_days=p["silent"],
                                   today=timezone.localdate())
    filename, by_code = svg.map_source(unit, [r.unit for r in rows])
    col_values = {r.unit.pk: r.values.get(p["measure"], 0) for r in rows}
    label = dict((c, lbl) for c, lbl, _col in selectors.measures(p["rtype"]))[p["measure"]]
    # Or coloured by a post plan item (?vacancy=<item id>): the per cent of its units left empty.
    vacancy_lines = vacancies.unit_lines(unit)
    shown = next((li for li in vacancy_lines if str(li.plan.pk) == request.GET.get("vacancy")), None)
    if shown is not None:
        col_values = {c.unit.pk: li.percent for c in vacancies.children_lines(unit, vacancy_lines)
                      for li in c.lines if li.plan.pk == shown.plan.pk}
        label = _("Per cent vacant: {post}").format(post=shown.plan.label)
    plain = request.GET.copy()
    plain.pop("vacancy", None)
    lang = get_language() or "hi"
    drawing, legend = "", []
    if filename:
        suffix = "?" + request.GET.urlencode() if request.GET else ""
        drawing, legend = svg.choropleth(
            filename, by_code, col_values, lambda u: reverse("reports:map" if u.child_count else "reports:dashboard",
                                                             args=[u.pk]) + suffix,
            lang, label, only_matched=(filename == svg.CONSTITUENCIES_FILE),
            labels=True)
    return render(request, "reports/map.html", {
        "unit": unit, "p": p, "map": drawing, "legend": legend, "measure_label": label,
        "types": selectors.report_types(), "periods": PERIODS, "query": request.GET.urlencode(),
        "measures": selectors.measures(p["rtype"]), "matched": len(by_code), "rows": rows,
        "crumbs": org_selectors.breadcrumbs(unit, visible_roots(request.person)),
        "vacancy_lines": vacancy_lines, "vacancy": shown, "plain_query": plain.urlencode(),
    })


def _export_of(request, unit_id: int, fmt: str):
    """The unit (visible, else 404) and the dashboard's period and type for an export."""
    unit = _visible_unit(request, unit_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return unit, _dashboard_params(request)


@person_required
def unit_export(request, unit_id: int, fmt: str):
    try:
        unit, p = _export_of(request, unit_id, fmt)
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    dash = selectors.dashboard(unit, p["start"], p["end"], p["rtype"], silent_days=p["silent"],
                               today=timezone.localdate())
    name = f"sampark-{unit.pk}-{p['start']:%Y%m%d}-{p['end']:%Y%m%d}.{fmt}"
    return tables.table_response(name, fmt, *exports.table(dash), title=_("Report"))


@person_required
def reports_export(request, unit_id: int, fmt: str):
    """Every report of the unit's subtree in the period (of one type, if asked), one row each."""
    try:
        unit, p = _export_of(request, unit_id, fmt)
    except services.ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    qs = selectors.reports_in(unit, p["start"], p["end"], p["rtype"])
    if problem := tables.too_many_rows(fmt, qs.count()):
        return HttpResponseBadRequest(problem)
    blank = uuid.UUID(int=0)
    photo_base = request.build_absolute_uri(reverse("reports:photo", args=[blank]))

    def photo_url(photo_id):
        return photo_base.replace(str(blank), str(photo_id))

    name = f"reports-{unit.pk}-{p['start']:%Y%m%d}-{p['end']:%Y%m%d}.{fmt}"
    return tables.table_response(name, fmt, *exports.report_table(qs, [unit.path], p["rtype"], photo_url),
                                 title=_("Reports"))
