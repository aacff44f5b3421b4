"""What a person may see of people: the visibility rule itself is ``sampark.core.visibility``
(``visible_to`` on every path-scoped queryset); these are the person-side helpers around it."""

from sampark.core import paths
from sampark.core.visibility import leading_roots, visible_roots

__all__ = ["SETUP_EDIT", "SETUP_VIEW", "can_see_phone", "forget", "leading_roots", "setup_access", "visible_roots"]


def forget(person) -> None:
    """Drop the cached roots after the person's posts changed."""
    person.forget_roots()


def can_see_phone(viewer, unit_path: str) -> bool:
    return paths.in_subtrees(unit_path, leading_roots(viewer))


# --- who sets the organisation up (levels, report types, difficulty categories, policies, teams) ---

SETUP_EDIT = "edit"  # a leader at a root unit (the Centre): changes everything in the setup pages
SETUP_VIEW = "view"  # a leader of a state (a unit just below the root): reads the setup pages


def setup_access(person, posts=None) -> str | None:
    """The one rule for the setup pages: SETUP_EDIT, SETUP_VIEW, or None (everyone else gets 404).
    Nothing of the setup is scoped to a state today, so a state leader may only look. ``posts``:
    the person's active posts, when a page has them already (no query then)."""
    if posts is None:
        roots = leading_roots(person)
    else:
        from sampark.people.models import LEADING_ROLES

        roots = paths.minimal_roots(p.unit_path for p in posts if p.active and p.role in LEADING_ROLES)
    depths = {paths.depth(r) for r in roots}
    if 0 in depths:
        return SETUP_EDIT
    if 1 in depths:
        return SETUP_VIEW
    return None
