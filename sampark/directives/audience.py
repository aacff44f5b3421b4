"""Who a directive reaches, resolved when a person reads (fan-out on read).

A post matches a directive when the directive's target path is a prefix of the post's unit path
(a target at the post's unit or any ancestor), the post's level, role and team pass the
directive's filters, and its holder is not the directive's author (a sender is never asked to
read or acknowledge their own directive, nor counted, reminded or found silent for it). A
person's inbox is the union over their active posts.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from sampark.core import paths
from sampark.core.visibility import subtree_q
from sampark.org.models import Level, Unit
from sampark.people.models import Post


@dataclass(frozen=True)
class PostKey:
    person_id: int
    unit_path: str
    level: str
    role: str
    team: str


def post_keys(person) -> list[PostKey]:
    """The person's active posts, cached on the person object for the request (one query)."""
    if person is None or not getattr(person, "pk", None):
        return []
    cached = getattr(person, "_directive_post_keys", None)
    if cached is None:
        # Every inbox, read and acknowledgement starts here: plain SQL, as building the ORM query
        # cost more than running it.
        with connection.cursor() as cur:
            cur.execute(_POSTS_SQL + "p.person_id = %s ORDER BY p.id", [person.pk])
            cached = [PostKey(*row) for row in cur.fetchall()]
        person._directive_post_keys = cached
    return cached


_POSTS_SQL = (f"SELECT p.person_id, p.unit_path, l.code, p.role, p.team FROM {Post._meta.db_table} p "
              f"JOIN {Unit._meta.db_table} u ON u.id = p.unit_id JOIN {Level._meta.db_table} l ON l.id = u.level_id "
              f"WHERE p.active AND ")



def prefixes(unit_path: str) -> list[str]:
    """The paths of the unit and all its ancestors."""
    return [unit_path[:i] for i in range(paths.SEGMENT, len(unit_path) + 1, paths.SEGMENT)]


def _filter_q(field: str, code: str) -> Q:
    return Q(**{field: ""}) | Q(**{field + "__contains": "," + code + ","})


def audience_q(person) -> Q:
    """Directives whose audience includes one of the person's posts (any status; callers add it):
    never those the person wrote."""
    by_kind: dict[tuple[str, str, str], set[str]] = {}
    for key in post_keys(person):
        by_kind.setdefault((key.level, key.role, key.team), set()).update(prefixes(key.unit_path))
    q = Q(pk__in=[])
    for (level, role, team), targets in by_kind.items():
        q |= (Q(target_path__in=sorted(targets)) & _filter_q("levels", level) & _filter_q("roles", role)
              & _filter_q("teams", team))
    return q & ~Q(author_id=person.pk) if person is not None and person.pk else q


def matches(directive, key: PostKey) -> bool:
    """The same rule as audience_q, for one post in Python."""
    def ok(stored: str, code: str) -> bool:
        return not stored or ("," + code + ",") in stored

    return (key.person_id != directive.author_id and key.unit_path.startswith(directive.target_path)
            and ok(directive.levels, key.level) and ok(directive.roles, key.role) and ok(directive.teams, key.team))


def matching_posts_q(directive) -> Q:
    """Active posts in the directive's audience, as a filter on Post (the author's posts are not)."""
    q = Q(active=True) & subtree_q("unit_path", [directive.target_path]) & ~Q(person_id=directive.author_id)
    if directive.levels:
        q &= Q(unit__level__code__in=directive.level_codes)
    if directive.roles:
        q &= Q(role__in=directive.role_codes)
    if directive.teams:
        q &= Q(team__in=directive.team_codes)
    return q
