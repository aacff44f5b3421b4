from django.db.models import Prefetch

from sampark.core import paths
from sampark.core.visibility import can_see_path, subtree_q
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Person, Post, TransferRequest, TransferStatus


def people_at(unit, *, include_subtree: bool = False, limit: int = 200):
    """People holding active posts at a unit (or anywhere in its subtree), with their posts there."""
    if include_subtree:
        posts = Post.objects.in_subtree(unit.path).filter(active=True)
    else:
        posts = Post.objects.filter(unit=unit, active=True)
    person_ids = posts.values("person_id")
    return (Person.objects.filter(pk__in=person_ids, is_active=True)
            .prefetch_related(Prefetch("posts", queryset=posts.select_related("unit__level"), to_attr="posts_here"))
            .order_by("name_hi", "name_en", "pk")[:limit])


def my_posts(person):
    return (Post.objects.filter(person=person, active=True)
            .select_related("unit__level").order_by("unit_path", "role"))


def transfers_to_decide(posts) -> int:
    """Pending transfer requests the holder of these (active) posts may decide: those whose lowest
    unit above both places lies where they lead. No query for someone who leads nowhere."""
    roots = paths.minimal_roots(p.unit_path for p in posts if p.role in LEADING_ROLES)
    if not roots:
        return 0
    return TransferRequest.objects.filter(subtree_q("approver_path", roots), status=TransferStatus.PENDING).count()


def unit_labels(viewer, units) -> dict[int, str]:
    """"बूथ 1 · मंडल 2 · गया टाउन" for each unit: its name and those above it that the viewer may
    see, nearest first (one query for all)."""
    ids = {i for u in units for i in paths.ancestor_ids(u.path)}
    if not ids:
        return {}
    by_id = Unit.objects.in_bulk(ids)
    labels = {}
    for u in units:
        names = [by_id[i].name for i in reversed(paths.ancestor_ids(u.path))
                 if i in by_id and can_see_path(viewer, by_id[i].path)]
        labels[u.pk] = " · ".join(names[:4])
    return labels


def path_label(viewer, unit, depth: int = 4) -> str:
    """The same label from a unit whose parents were read with it (``select_related`` of
    ``unit__parent__parent__parent``), so a list costs no query for it."""
    names = []
    while unit is not None and len(names) < depth and can_see_path(viewer, unit.path):
        names.append(unit.name)
        unit = unit.parent if Unit.parent.is_cached(unit) else None
    return " · ".join(names)
