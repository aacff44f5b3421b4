"""The one visibility layer. Every page, endpoint, export, search and job acting for a person asks
here what they may see: the subtrees of the units where they hold active posts, never a sibling's."""

from django.http import Http404

from sampark.core import paths


def visible_roots(person) -> list[str]:
    """Minimal list of subtree root paths, cached on the person object for the request."""
    if person is None or not getattr(person, "pk", None):
        return []
    cached = getattr(person, "_visible_roots", None)
    if cached is None:
        from sampark.people.models import Post

        cached = paths.minimal_roots(
            Post.objects.filter(person=person, active=True).values_list("unit_path", flat=True)
        )
        person._visible_roots = cached
    return cached


def leading_roots(person) -> list[str]:
    """Subtrees where the person leads (in-charge, head, coordinator): they may see phone numbers there."""
    if person is None or not getattr(person, "pk", None):
        return []
    cached = getattr(person, "_leading_roots", None)
    if cached is None:
        from sampark.people.models import LEADING_ROLES, Post

        cached = paths.minimal_roots(
            Post.objects.filter(person=person, active=True, role__in=LEADING_ROLES).values_list("unit_path", flat=True)
        )
        person._leading_roots = cached
    return cached


def forget(person) -> None:
    for attr in ("_visible_roots", "_leading_roots"):
        if hasattr(person, attr):
            delattr(person, attr)


def get_visible_or_404(queryset, person, **lookup):
    """Missing and forbidden look the same (STYLE rule 3)."""
    obj = queryset.visible_to(person).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def can_see_phone(viewer, unit_path: str) -> bool:
    return paths.in_subtrees(unit_path, leading_roots(viewer))
