"""Search people and units by any spelling: Devanagari or Roman, loose vowels (see core.text).

Candidates come from the token tables by skeleton prefix (an indexed range), restricted to what
the viewer may see; rapidfuzz then ranks them on the gentler key that keeps vowels."""

from rapidfuzz import fuzz

from sampark.core.text import gentle_key, skeleton_tokens
from sampark.org.models import Unit, UnitToken
from sampark.people.models import Person, PersonToken

CANDIDATES = 500


def _token_filter(model, fk: str, tokens: list[str]):
    """Ids having, for every query token, a stored token starting with it."""
    ids = None
    for t in tokens:
        qs = model.objects.filter(token__gte=t, token__lt=t + "~").values_list(fk, flat=True)
        ids = qs if ids is None else ids.filter(**{f"{fk}__in": qs})
    return ids


def _rank(query_key: str, items, key_of) -> list:
    scored = []
    for item in items:
        best = max((fuzz.token_set_ratio(query_key, k) for k in key_of(item) if k), default=0)
        scored.append((best, item))
    scored.sort(key=lambda s: -s[0])
    return [item for score, item in scored if score >= 50]


def search_people(viewer, query: str, limit: int = 20) -> list[Person]:
    tokens = skeleton_tokens(query)
    if not tokens:
        return []
    ids = _token_filter(PersonToken, "person_id", tokens)
    candidates = list(Person.objects.visible_to(viewer).filter(pk__in=ids, is_active=True)[:CANDIDATES])
    qk = gentle_key(query)
    return _rank(qk, candidates, lambda p: p.search_name.split(" | "))[:limit]


def search_units(viewer, query: str, limit: int = 20) -> list[Unit]:
    tokens = skeleton_tokens(query)
    if not tokens:
        return []
    ids = _token_filter(UnitToken, "unit_id", tokens)
    candidates = list(Unit.objects.visible_to(viewer).filter(pk__in=ids).select_related("level")[:CANDIDATES])
    qk = gentle_key(query)
    return _rank(qk, candidates, lambda u: [gentle_key(u.name_hi), gentle_key(u.name_en), u.code.lower()])[:limit]
