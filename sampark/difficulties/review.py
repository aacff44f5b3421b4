"""Read side of the district review: one child unit at a time, with prev/next, and a printable summary.
Callers pass a unit they got through visible_to and may review (services.can_review)."""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from sampark.core import paths
from sampark.core.visibility import subtree_q
from sampark.difficulties import selectors
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Person


def review_context(unit: Unit, at, now: datetime) -> dict:
    children = list(org_selectors.children(unit))
    stats = selectors.children_stats(unit, children, now)
    rows = [(c, stats[c.pk]) for c in children]
    today = timezone.localdate(now)
    ctx = {"unit": unit, "rows": rows, "current": None, "now": now, "today": today}
    if not children:
        return ctx
    index = next((i for i, c in enumerate(children) if str(c.pk) == str(at)), 0)
    current = children[index]
    ctx.update({
        "current": current, "index": index + 1, "count": len(children),
        "prev": children[index - 1] if index > 0 else None,
        "next": children[index + 1] if index + 1 < len(children) else None,
        "stats": selectors.unit_stats(current, now),
        "open": selectors.open_in(current, now),
        "silent": selectors.silent_units(current, today),
        "rollup": selectors.activity_rollup(current, today),
        "ack_rate": selectors.directive_ack_rate(current, now),
        "notes": selectors.notes_for(current),
        "items": selectors.action_items_for(current),
    })
    return ctx


def owner_choices(person, unit: Unit | None, limit: int = 100) -> list[Person]:
    """Leaders in the unit's subtree, and the reviewer: who an action item can be given to."""
    if unit is None:
        return [person]
    people = list(Person.objects.filter(subtree_q("posts__unit_path", [unit.path]), posts__active=True,
                                        posts__role__in=LEADING_ROLES)
                  .distinct().order_by("name_hi", "pk")[:limit])
    return people if any(p.pk == person.pk for p in people) else [person, *people]


def summary_context(unit: Unit, now: datetime) -> dict:
    """Everything below ``unit`` on a few pages: each child's numbers, notes and action items."""
    children = list(org_selectors.children(unit))
    stats = selectors.children_stats(unit, children, now)
    width = len(unit.path) + paths.SEGMENT
    notes, items = defaultdict(list), defaultdict(list)
    for n in selectors.notes_in(unit):
        notes[n.unit_path[:width]].append(n)
    for i in selectors.action_items_in(unit):
        items[i.unit_path[:width]].append(i)
    return {"unit": unit, "now": now, "today": timezone.localdate(now),
            "rows": [{"unit": c, "stats": stats[c.pk], "notes": notes.get(c.path, []), "items": items.get(c.path, [])}
                     for c in children],
            "total": selectors.unit_stats(unit, now)}
