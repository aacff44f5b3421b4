"""Pages for vacancies: the post plan (set by the Centre's leaders; others get 404), and the list of
units lacking a planned post in a unit's subtree, each with a link that fills it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404, leading_roots
from sampark.org.models import Level, Unit
from sampark.people import vacancies
from sampark.people.models import PostPlan, Role
from sampark.people.selectors import path_label
from sampark.people.teams import team_choices

MAX_ID = 2**63 - 1
PAGE = 50
MAX_PAGE = 10_000


def _planner(request):
    if not vacancies.may_plan(request.person):
        raise Http404


@person_required
@require_http_methods(["GET", "POST"])
def post_plan(request):
    """The plan's items with a remove button each, and a form adding one."""
    _planner(request)
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = request.POST
        try:
            vacancies.add_plan_item(request.person, level=form.get("level", ""), role=form.get("role", ""),
                                    team=form.get("team", ""), label_hi=form.get("label_hi", ""),
                                    label_en=form.get("label_en", ""), missing_hi=form.get("missing_hi", ""),
                                    missing_en=form.get("missing_en", ""))
        except vacancies.PlanError as exc:
            errors, status = exc.errors or {"": str(exc)}, 400
        else:
            messages.success(request, _("The post was added to the plan; its vacancies are counted."))
            return redirect("people:post-plan")
    return render(request, "people/post_plan.html", {
        "items": vacancies.plan_items(), "levels": Level.objects.order_by("rank"), "roles": Role.choices,
        "teams": team_choices(with_inactive=False), "form": form, "errors": errors,
    }, status=status)


@person_required
@require_POST
def post_plan_remove(request, plan_id: int):
    _planner(request)
    item = PostPlan.objects.filter(pk=plan_id).first() if plan_id <= MAX_ID else None
    if item is None:
        raise Http404
    vacancies.remove_plan_item(request.person, item)
    messages.success(request, _("The post was removed from the plan."))
    return redirect("people:post-plan")


def _page(request) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return min(max(page, 1), MAX_PAGE)


@person_required
def empty_units(request, unit_id: int, plan_id: int):
    """The units of the item's level in this unit's subtree that lack the post, a page at a time;
    where the viewer leads, each with a link to the add-member form set for the post."""
    if unit_id > MAX_ID or plan_id > MAX_ID:
        raise Http404
    unit = get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=unit_id)
    item = PostPlan.objects.select_related("level").filter(pk=plan_id).first()
    if item is None:
        raise Http404
    line = next((li for li in vacancies.unit_lines(unit) if li.plan.pk == item.pk), None)
    total = line.empty if line else 0
    page = _page(request)
    found = vacancies.empty_units(unit, item, offset=(page - 1) * PAGE, limit=PAGE) if total else []
    roots = leading_roots(request.person)
    fill = {"role": item.role, **({"team": item.team} if item.team else {})}
    rows = [{"unit": u, "label": path_label(request.person, u),
             "fill": (reverse("people:member-new") + "?" + urlencode({"unit": u.pk, **fill})
                      if u.is_within(roots) else "")} for u in found]
    return render(request, "people/empty_units.html", {
        "unit": unit, "item": item, "line": line, "rows": rows, "page": page,
        "previous": page - 1 if page > 1 else None, "next": page + 1 if page * PAGE < total else None,
    })
