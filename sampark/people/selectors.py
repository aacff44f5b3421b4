from django.db.models import Prefetch

from sampark.core import paths
from sampark.core.visibility import subtree_q
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
