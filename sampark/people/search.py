"""Search people and units by any spelling: Devanagari or Roman, loose vowels (see core.text).

Candidates come from the token tables by skeleton prefix (an indexed range), restricted to what
the viewer may see; rapidfuzz then ranks them on the gentler key that keeps vowels."""

from django.db.models import Prefetch, Q
from rapidfuzz import fuzz

from sampark.core import paths
from sampark.core.text import TOKEN_MAX, clean, gentle_key, query_variants
from sampark.org.models import Unit, UnitToken
from sampark.people.models import Person, PersonToken, Post
from sampark.people.phone_numbers import PeopleError, normalize_phone

CANDIDATES = 500
QUERY_MAX = 100  # characters; a longer query is cut, never refused
MIN_SCORE = 50


def _token_match(t: str) -> Q:
    """A stored token starting with the query token, or one letter shorter than it: a final
    nasal is often left out ("Bochaha" for बोचहां, skeleton bc / bcn)."""
    lo, hi = paths.subtree_range(t)  # a prefix range, as for a subtree's paths
    q = Q(token__gte=lo, token__lt=hi)
    if len(t) >= 3:
        q |= Q(token=t[:-1])
    return q


def _candidate_ids(model, fk: str, query: str) -> Q | None:
    """Ids having, for every token of one of the query's variants, a matching stored token."""
    where = None
    for tokens in query_variants(query):
        ids = None
        for t in tokens:
            qs = model.objects.filter(_token_match(t)).values_list(fk, flat=True)
            ids = qs if ids is None else ids.filter(**{f"{fk}__in": qs})
        where = Q(pk__in=ids) if where is None else where | Q(pk__in=ids)
    return where


def _rank(query_key: str, items, key_of) -> list:
    scored = []
    for item in items:
        best = max((fuzz.token_set_ratio(query_key, k) for k in key_of(item) if k), default=0)
        # Also compare with spaces removed, so "ravi shankar" meets "ravishankar".
        best = max(best, max((fuzz.ratio(query_key.replace(" ", ""), k.replace(" ", "")) for k in key_of(item) if k),
                             default=0))
        scored.append((best, item))
    scored.sort(key=lambda s: -s[0])
    return [item for score, item in scored if score >= MIN_SCORE]


def _with_posts(people):
    return people.prefetch_related(
        Prefetch("posts", queryset=Post.objects.filter(active=True).only("person_id", "unit_path"),
                 to_attr="active_posts"))


def phone_query(query: str) -> str | None:
    """The E.164 number when the query is a whole phone number in any form ``normalize_phone``
    accepts ("98765 43210", "+91 98765-43210", Devanagari digits), else None. Only whole numbers:
    a search by part of a number would let anyone list members digit by digit (enumeration), so
    there is none."""
    if not any(ch.isdigit() for ch in query) or any(ch.isalpha() for ch in query):
        return None
    try:
        return normalize_phone(query)
    except PeopleError:
        return None


def search_people(viewer, query: str, limit: int = 20, *, within: str | None = None) -> list[Person]:
    """People the viewer may see, best match first; each carries ``active_posts`` (prefetched).
    A whole phone number finds its person, if visible, by the unique index on the phone.
    With ``within`` (a unit path), only people holding an active post in that subtree."""
    query = clean(query)[:QUERY_MAX]
    people = Person.objects.visible_to(viewer)
    if within is not None:
        people = people.filter(pk__in=Post.objects.in_subtree(within).filter(active=True).values("person_id"))
    phone = phone_query(query)
    if phone is not None:
        return list(_with_posts(people.filter(phone=phone, is_active=True)))
    where = _candidate_ids(PersonToken, "person_id", query)
    if where is None:
        return []
    candidates = list(_with_posts(people.filter(where, is_active=True))[:CANDIDATES])
    return _rank(gentle_key(query), candidates, lambda p: p.search_name.split(" | "))[:limit]


def search_units(viewer, query: str, limit: int = 20, *, within: list[str] | None = None) -> list[Unit]:
    """Units the viewer may see; or, with ``within``, all units of those subtrees (the names of
    places a transfer may go to, people.transfers)."""
    query = clean(query)[:QUERY_MAX]
    where = _candidate_ids(UnitToken, "unit_id", query)
    if query and " " not in query and any(ch.isdigit() for ch in query):
        # An external code (constituency number, census code) is stored as a token as it is.
        by_code = Q(pk__in=UnitToken.objects.filter(token=query.lower()[:TOKEN_MAX]).values("unit_id"))
        where = by_code if where is None else where | by_code
    if where is None:
        return []
    units = Unit.objects.visible_to(viewer) if within is None else Unit.objects.in_subtrees(within)
    candidates = list(units.filter(where).select_related("level")[:CANDIDATES])
    return _rank(gentle_key(query) or query.lower(), candidates,
                 lambda u: [gentle_key(u.name_hi), gentle_key(u.name_en), u.code.lower()])[:limit]
