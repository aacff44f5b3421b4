"""What a person may see of people: the visibility rule itself is ``sampark.core.visibility``
(``visible_to`` on every path-scoped queryset); these are the person-side helpers around it."""

from sampark.core import paths
from sampark.core.visibility import leading_roots, visible_roots

__all__ = ["can_see_phone", "forget", "leading_roots", "visible_roots"]


def forget(person) -> None:
    """Drop the cached roots after the person's posts changed."""
    person.forget_roots()


def can_see_phone(viewer, unit_path: str) -> bool:
    return paths.in_subtrees(unit_path, leading_roots(viewer))
