"""The setup pages (/setup/): levels, report types and their fields, difficulty categories and
answer times, organisation policies, teams. Who may see them is people.visibility.setup_access
(the Centre's leaders change them; a state's leaders may look; anybody else gets 404). Each page
shows a section and takes its changes as POSTs naming an ``op``; every change is a service of the
section's app (atomic, audited), and a refused one shows its message with nothing written."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.core import policies
from sampark.core.decorators import person_required
from sampark.difficulties import setup as difficulty_setup
from sampark.difficulties.models import AnswerPolicy, BusinessHours, DifficultyCategory, Holiday
from sampark.org import setup as org_setup
from sampark.org.models import Level
from sampark.org.setup import SetupError
from sampark.people import teams
from sampark.people.models import TeamName
from sampark.people.visibility import SETUP_EDIT, setup_access
from sampark.reports import setup as report_setup
from sampark.reports.models import NUMERIC_SLOTS, FieldKind, ReportField, ReportType

MAX_ID = 2**63 - 1
WEEKDAYS = "0123456"


def _access(request) -> str:
    access = setup_access(request.person)
    if access is None:
        raise Http404
    return access


def _get(model, raw, **where):
    """The row named by a form's id, or 404."""
    try:
        pk = int(str(raw or "").strip())
    except ValueError:
        raise Http404 from None
    obj = model.objects.filter(pk=pk, **where).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise Http404
    return obj


def _checked(data, name: str) -> bool:
    return data.get(name) in ("1", "on", "true")


def _section(request, template: str, context, actions: dict, *, done_url: str | None = None):
    """Show a section; on POST run the named action (an administrator's only) and come back."""
    access = _access(request)
    error, status = "", 200
    if request.method == "POST":
        if access != SETUP_EDIT:
            error, status = _("Only the Centre's leaders change the setup; you may look."), 403
        else:
            action = actions.get(request.POST.get("op", ""))
            if action is None:
                error, status = _("Unknown action."), 400
            else:
                try:
                    done = action(request.person, request.POST)
                except (SetupError, policies.PolicyError) as exc:
                    error, status = str(exc), 400
                else:
                    messages.success(request, done)
                    return redirect(done_url or request.path)
    return render(request, template, {**context(), "edit": access == SETUP_EDIT, "error": error,
                                      "form": request.POST if status != 200 else {}}, status=status)


@person_required
def index(request):
    access = _access(request)
    return render(request, "setup/index.html", {"edit": access == SETUP_EDIT})


# --- levels -------------------------------------------------------------------------------------

def _rename_level(me, data):
    org_setup.rename_level(me, _get(Level, data.get("level")), name_hi=data.get("name_hi"),
                           name_en=data.get("name_en"))
    return _("The level was renamed.")


@person_required
@require_http_methods(["GET", "POST"])
def levels(request):
    return _section(request, "setup/levels.html", lambda: {"levels": Level.objects.all()},
                    {"rename": _rename_level})


# --- report types -----------------------------------------------------------------------------

def _add_type(me, data):
    report_setup.add_report_type(me, code=data.get("code"), name_hi=data.get("name_hi"), name_en=data.get("name_en"),
                                 level_ids=data.getlist("levels"), order=data.get("order"))
    return _("The report type was added.")


@person_required
@require_http_methods(["GET", "POST"])
def report_types(request):
    return _section(request, "setup/report_types.html",
                    lambda: {"types": ReportType.objects.prefetch_related("fields", "levels"),
                             "levels": Level.objects.all()},
                    {"add_type": _add_type})


def _update_type(rtype):
    def run(me, data):
        report_setup.update_report_type(me, rtype, name_hi=data.get("name_hi"), name_en=data.get("name_en"),
                                        active=_checked(data, "active"), order=data.get("order"),
                                        level_ids=data.getlist("levels"))
        return _("Saved.")
    return run


def _add_field(rtype):
    def run(me, data):
        report_setup.add_report_field(me, rtype, code=data.get("code"), label_hi=data.get("label_hi"),
                                      label_en=data.get("label_en"), kind=data.get("kind", ""),
                                      required=_checked(data, "required"), min_value=data.get("min_value"),
                                      max_value=data.get("max_value"), choices=data.get("choices", ""))
        return _("The field was added.")
    return run


def _update_field(rtype):
    def run(me, data):
        report_setup.update_report_field(me, _get(ReportField, data.get("field"), type=rtype),
                                         label_hi=data.get("label_hi"), label_en=data.get("label_en"),
                                         required=_checked(data, "required"), min_value=data.get("min_value"),
                                         max_value=data.get("max_value"), choices=data.get("choices", ""))
        return _("Saved.")
    return run


def _remove_field(rtype):
    def run(me, data):
        report_setup.remove_report_field(me, _get(ReportField, data.get("field"), type=rtype))
        return _("The field was removed.")
    return run


def _remove_type(rtype):
    def run(me, data):
        report_setup.remove_report_type(me, rtype)
        return _("The report type was deleted.")
    return run


@person_required
@require_http_methods(["GET", "POST"])
def report_type(request, type_id: int):
    _access(request)
    rtype = _get(ReportType, type_id)

    def context():
        fields = list(rtype.fields.all())
        for f in fields:
            f.choices_text = "\n".join(f"{c['value']} | {c.get('hi', '')} | {c.get('en', '')}" for c in f.choices)
        return {"rtype": rtype, "fields": fields, "levels": Level.objects.all(), "kinds": FieldKind.choices,
                "chosen_levels": set(rtype.levels.values_list("pk", flat=True)),
                "slots_used": sum(1 for f in fields if f.slot), "slots": NUMERIC_SLOTS,
                "has_reports": report_setup.has_reports(rtype)}

    removing = request.method == "POST" and request.POST.get("op") == "remove_type"
    return _section(request, "setup/report_type.html", context,
                    {"update_type": _update_type(rtype), "add_field": _add_field(rtype),
                     "update_field": _update_field(rtype), "remove_field": _remove_field(rtype),
                     "remove_type": _remove_type(rtype)},
                    done_url=reverse("setup:report-types") if removing else None)


# --- difficulties -------------------------------------------------------------------------------

def _add_category(me, data):
    difficulty_setup.add_category(me, code=data.get("code"), name_hi=data.get("name_hi"),
                                  name_en=data.get("name_en"), hours=data.get("hours"))
    return _("The category was added.")


def _update_category(me, data):
    difficulty_setup.update_category(me, _get(DifficultyCategory, data.get("category")), name_hi=data.get("name_hi"),
                                     name_en=data.get("name_en"), active=_checked(data, "active"))
    return _("Saved.")


def _set_hours(me, data):
    level = _get(Level, data.get("level")) if data.get("level") else None
    category = _get(DifficultyCategory, data.get("category")) if data.get("category") else None
    difficulty_setup.set_answer_hours(me, level=level, category=category, hours=data.get("hours"))
    return _("The time to answer was saved.")


def _set_business_hours(me, data):
    difficulty_setup.set_business_hours(me, start=data.get("start"), end=data.get("end"),
                                        weekdays=data.getlist("weekdays"))
    return _("The working hours were saved.")


def _clear_business_hours(me, data):
    difficulty_setup.clear_business_hours(me)
    return _("The time to answer now runs round the clock (holidays excepted).")


def _add_holiday(me, data):
    difficulty_setup.add_holiday(me, day=data.get("date"), name_hi=data.get("name_hi"), name_en=data.get("name_en"))
    return _("The holiday was added.")


def _remove_holiday(me, data):
    difficulty_setup.remove_holiday(me, _get(Holiday, data.get("holiday")))
    return _("The holiday was removed.")


def _difficulty_context():
    rows = list(AnswerPolicy.objects.select_related("level", "category"))
    rows.sort(key=lambda r: (r.level.rank if r.level else -1, r.category.position if r.category else -1))
    bh = BusinessHours.objects.order_by("pk").first()
    day_names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    return {"categories": DifficultyCategory.objects.all(), "answer_rows": rows, "levels": Level.objects.all(),
            "business_hours": bh, "holidays": Holiday.objects.all(),
            "weekdays": [(str(i), name, bh is None or str(i) in bh.weekdays) for i, name in enumerate(day_names)]}


@person_required
@require_http_methods(["GET", "POST"])
def difficulties(request):
    return _section(request, "setup/difficulties.html", _difficulty_context, {
        "add_category": _add_category, "update_category": _update_category, "set_hours": _set_hours,
        "set_business_hours": _set_business_hours, "clear_business_hours": _clear_business_hours,
        "add_holiday": _add_holiday, "remove_holiday": _remove_holiday})


# --- policies -----------------------------------------------------------------------------------

def _set_policy(me, data):
    key = data.get("key", "")
    if key not in {spec.key for spec in policies.declared()}:
        raise Http404
    policies.set_policy(me, key, data.get("value", ""))
    return _("The policy was changed.")


@person_required
@require_http_methods(["GET", "POST"])
def policy_list(request):
    return _section(request, "setup/policies.html", lambda: {"policies": policies.listing()}, {"set": _set_policy})


# --- teams --------------------------------------------------------------------------------------

def _add_team(me, data):
    teams.add_team(me, code=data.get("code"), name_hi=data.get("name_hi"), name_en=data.get("name_en"))
    return _("The team was added.")


def _update_team(me, data):
    teams.update_team(me, _get(TeamName, data.get("team")), name_hi=data.get("name_hi"), name_en=data.get("name_en"),
                      active=_checked(data, "active"))
    return _("Saved.")


@person_required
@require_http_methods(["GET", "POST"])
def team_list(request):
    return _section(request, "setup/teams.html", lambda: {"teams": TeamName.objects.all()},
                    {"add_team": _add_team, "update_team": _update_team})


# --- events: kinds and programme roles ------------------------------------------------------------

def _add_event_kind(me, data):
    from sampark.events import setup as event_setup

    event_setup.add_kind(me, code=data.get("code"), name_hi=data.get("name_hi"), name_en=data.get("name_en"))
    return _("The kind of event was added.")


def _update_event_kind(me, data):
    from sampark.events import setup as event_setup
    from sampark.events.models import EventKind

    event_setup.update_kind(me, _get(EventKind, data.get("kind")), name_hi=data.get("name_hi"),
                            name_en=data.get("name_en"), active=_checked(data, "active"))
    return _("Saved.")


def _add_programme_role(me, data):
    from sampark.events import setup as event_setup

    event_setup.add_role(me, code=data.get("code"), name_hi=data.get("name_hi"), name_en=data.get("name_en"))
    return _("The programme role was added.")


def _update_programme_role(me, data):
    from sampark.events import setup as event_setup
    from sampark.events.models import ProgrammeRole

    event_setup.update_role(me, _get(ProgrammeRole, data.get("role")), name_hi=data.get("name_hi"),
                            name_en=data.get("name_en"), active=_checked(data, "active"))
    return _("Saved.")


def _events_context():
    from sampark.events.models import EventKind, ProgrammeRole

    return {"kinds": EventKind.objects.all(), "roles": ProgrammeRole.objects.all()}


@person_required
@require_http_methods(["GET", "POST"])
def events(request):
    return _section(request, "setup/events.html", _events_context, {
        "add_kind": _add_event_kind, "update_kind": _update_event_kind,
        "add_role": _add_programme_role, "update_role": _update_programme_role})
