"""Read side of the district review: one child unit at a time, with prev/next, and a printable summary.
Callers pass a unit they got through visible_to and may review (services.can_review)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from sampark.core import paths
from sampark.difficulties import selectors
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Person, Post
from sampark.people.search import search_people


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


@dataclass
class Owner:
    """A choice for an action item's owner: the person, and their active posts in the unit's subtree
    (role and unit), so that two people of the same name are told apart."""

    person: Person
    posts: list[Post]
    is_me: bool = False


OWNER_RESULTS = 20


def owner_choices(person, unit: Unit | None, query: str = "", limit: int = OWNER_RESULTS) -> list[Owner]:
    """Who an action item for ``unit`` can be given to: the reviewer, then either the leaders posted
    at the unit itself (no query) or people found by name, Roman or Devanagari, among those holding
    a post in the unit's subtree (people.search)."""
    if unit is None:
        return [Owner(person, [], is_me=True)]
    if query.strip():
        people = [p for p in search_people(person, query, limit=limit, within=unit.path) if p.pk != person.pk]
    else:
        people = list(Person.objects.filter(posts__unit_path=unit.path, posts__active=True,
                                            posts__role__in=LEADING_ROLES, is_active=True)
                      .exclude(pk=person.pk).distinct().order_by("name_hi", "pk")[:limit])
    posts: dict[int, list[Post]] = defaultdict(list)
    for post in (Post.objects.in_subtree(unit.path).filter(active=True, person_id__in=[p.pk for p in people])
                 .select_related("unit__level").order_by("unit_path", "role")):
        posts[post.person_id].append(post)
    mine = list(Post.objects.filter(person=person, active=True).select_related("unit__level").order_by("unit_path")[:3])
    return [Owner(person, mine, is_me=True), *(Owner(p, posts[p.pk]) for p in people)]


def may_own(owner: Person, unit: Unit, reviewer) -> bool:
    """The reviewer, or someone holding an active post in the unit's subtree."""
    return owner.pk == reviewer.pk or Post.objects.in_subtree(unit.path).filter(person=owner, active=True).exists()


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
    today = timezone.localdate(now)
    # The activity and acknowledgement figures, as the review page shows them for each unit.
    return {"unit": unit, "now": now, "today": today,
            "rows": [{"unit": c, "stats": stats[c.pk], "notes": notes.get(c.path, []), "items": items.get(c.path, []),
                      "rollup": selectors.activity_rollup(c, today), "ack_rate": selectors.directive_ack_rate(c, now)}
                     for c in children],
            "total": selectors.unit_stats(unit, now), "rollup": selectors.activity_rollup(unit, today),
            "ack_rate": selectors.directive_ack_rate(unit, now)}
