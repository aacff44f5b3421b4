"""Read queries shared by pages and the API. Callers pass units they already got through visible_to."""

from sampark.core import paths
from sampark.org.models import Unit


def children(unit: Unit):
    return Unit.objects.filter(parent=unit).select_related("level").order_by("code", "name_en", "pk")


def breadcrumbs(unit: Unit, roots: list[str]) -> list[Unit]:
    """Ancestors from the viewer's top visible unit down to (not including) this unit: one query."""
    top = next((r for r in roots if unit.path.startswith(r)), unit.path)
    ids = paths.ancestor_ids(unit.path)[paths.depth(top):-1]
    by_id = Unit.objects.select_related("level").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
