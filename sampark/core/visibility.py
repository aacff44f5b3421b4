"""The one visibility route (STYLE rules 1-3). A person sees the subtrees of the units where they
hold active posts; every page, endpoint, export, search and job acting for a person starts here.

Core knows no app: a person is anything with a ``pk`` and a ``visible_roots()`` method giving the
minimal list of subtree root paths (``people.Person`` caches it for the request). A model with a
unit path declares it on a ``PathScopedQuerySet``; its ``visible_to`` is then the same rule for
every kind of object, and a kind that also shows "own" items outside the subtrees (raised by,
assigned to, owned by) says so in ``also_visible``.
"""

from django.db import models
from django.db.models import Q
from django.http import Http404

from sampark.core import paths


def nothing() -> Q:
    """A condition no row meets (the database is not even asked)."""
    return Q(pk__in=[])


def subtree_q(field: str, roots: list[str]) -> Q:
    """Rows whose ``field`` lies in one of the subtrees: one index range [root, root~) each.
    No roots means no rows, never every row."""
    q = None
    for root in roots:
        lo, hi = paths.subtree_range(root)
        one = Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
        q = one if q is None else q | one
    return q if q is not None else nothing()


def is_person(person) -> bool:
    return person is not None and bool(getattr(person, "pk", None))


def visible_roots(person) -> list[str]:
    """The person's subtree roots; none for an anonymous or unsaved person."""
    return person.visible_roots() if is_person(person) else []


def leading_roots(person) -> list[str]:
    """Subtrees where the person leads (in-charge, head, coordinator): where they may change the
    tree, import, and see phone numbers. The person gives them by ``leading_roots()``."""
    return person.leading_roots() if is_person(person) else []


def can_see_path(person, path: str) -> bool:
    """The same rule as ``visible_to``, for a path already in memory."""
    return paths.in_subtrees(path, visible_roots(person))


class PathScopedQuerySet(models.QuerySet):
    """A queryset scoped by a path field. Subclasses set ``path_field`` and may widen what a
    person sees with ``also_visible``, or scope by other roots with ``scope_q``."""

    path_field = "unit_path"

    def roots_q(self, roots: list[str]) -> Q:
        return subtree_q(self.path_field, roots)

    def in_subtree(self, path: str, include_self: bool = True):
        qs = self.filter(self.roots_q([path]))
        return qs if include_self else qs.exclude(**{self.path_field: path})

    def in_subtrees(self, roots: list[str]):
        return self.filter(self.roots_q(roots)) if roots else self.none()

    def scope_q(self, person) -> Q:
        """Rows inside the subtrees the person may see."""
        return self.roots_q(visible_roots(person))

    def also_visible(self, person) -> Q:  # noqa: ARG002
        """Rows the person sees wherever they lie (their own); none by default."""
        return nothing()

    def visible_to(self, person):
        if not is_person(person):
            return self.none()
        return self.filter(self.scope_q(person) | self.also_visible(person))


def get_visible_or_404(queryset_or_model, person, **lookup):
    """The object if the person may see it; otherwise 404, so missing and forbidden look the same."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    obj = qs.visible_to(person).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
