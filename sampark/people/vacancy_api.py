"""GET /units/{id}/vacancies: a unit's vacancies per plan item, and its children's."""

from django.http import Http404
from ninja import Router, Schema

from sampark.core.errors import READ, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.org.models import Unit
from sampark.org.schemas import UnitOut, unit_out
from sampark.people import vacancies

router = Router(tags=["vacancies"])
MAX_ID = 2**63 - 1


class PlanLineOut(Schema):
    id: int
    level: str
    role: str
    team: str  # empty: a post of the role in any team fills it
    label: str
    planned: int
    empty: int


class ChildLineOut(Schema):
    unit: UnitOut
    plan: int  # the plan item's id
    planned: int
    empty: int


class VacanciesOut(Schema):
    plan: list[PlanLineOut]
    children: list[ChildLineOut]


@router.get("/units/{unit_id}/vacancies", response={200: VacanciesOut, **error_responses(READ)})
def unit_vacancies(request, unit_id: int):
    """Per plan item: how many units of its level lie in this unit's subtree (``planned``) and how
    many lack the post (``empty``); then the same for each child unit and item, the children with
    the largest empty share first. Items with no unit of their level below are left out."""
    if not 0 < unit_id <= MAX_ID:
        raise Http404
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    lines = vacancies.unit_lines(unit)
    children = vacancies.children_lines(unit, lines) if lines else []
    return {
        "plan": [{"id": li.plan.pk, "level": li.plan.level.code, "role": li.plan.role, "team": li.plan.team,
                  "label": li.plan.label, "planned": li.planned, "empty": li.empty} for li in lines],
        "children": [{"unit": unit_out(c.unit), "plan": cl.plan.pk, "planned": cl.planned, "empty": cl.empty}
                     for c in children for cl in c.lines],
    }
