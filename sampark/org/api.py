from ninja import Router

from sampark.core.errors import READ, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.org import selectors
from sampark.org.models import Unit
from sampark.org.schemas import UnitOut, unit_out

router = Router(tags=["units"])


@router.get("/units/{unit_id}", response={200: UnitOut, **error_responses(READ)})
def get_unit(request, unit_id: int):
    unit = get_visible_or_404(Unit.objects.select_related("level"), request.person, pk=unit_id)
    return unit_out(unit)


@router.get("/units/{unit_id}/children", response={200: list[UnitOut], **error_responses(READ)})
def unit_children(request, unit_id: int):
    """The unit's child units with their member counts (all visible: they lie in the unit's subtree)."""
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    return [unit_out(u) for u in selectors.children(unit)]
