from typing import Any

from django.db import connection
from django.http import HttpResponse
from ninja import Router

from sampark.core import mydata
from sampark.core.errors import READ, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.org.models import Unit
from sampark.org.schemas import unit_out
from sampark.people import search, selectors
from sampark.people.schemas import HealthOut, MeOut, SearchOut, UnitPersonOut
from sampark.people.visibility import can_see_phone

router = Router(tags=["people"])


def person_out(viewer, person, unit_path: str | None = None) -> dict:
    """A person as another sees them: the phone only where the viewer leads, or their own.
    Without ``unit_path`` the person's active posts are read from ``active_posts`` when prefetched
    (search does, so a list costs no query per person)."""
    own = viewer.pk == person.pk
    if own:
        shown = True
    else:
        if unit_path:
            paths = [unit_path]
        else:
            posts = getattr(person, "active_posts", None)
            if posts is None:
                posts = person.posts.filter(active=True).only("unit_path")
            paths = [p.unit_path for p in posts]
        shown = any(can_see_phone(viewer, p) for p in paths)
    return {"id": person.pk, "name_hi": person.name_hi, "name_en": person.name_en,
            "phone": person.phone if shown else person.masked_phone, "lang": person.lang}


def role_out(post) -> dict:
    return {"role": post.role, "role_label": str(post.get_role_display()), "team": post.team,
            "team_label": str(post.get_team_display())}


def post_out(post) -> dict:
    return {"id": post.pk, **role_out(post), "unit": unit_out(post.unit)}


@router.get("/me", response={200: MeOut, **error_responses(401)})
def me(request):
    person = request.person
    return {**person_out(person, person), "posts": [post_out(p) for p in selectors.my_posts(person)]}


@router.get("/me/data", response={200: dict[str, list[dict[str, Any]]], **error_responses(401)})
def my_data(request):
    """Everything Sampark holds about the caller (the DPDP Act's right of access): one list of items per
    section (person, posts, sessions, receipts, reports, difficulties, ...). Never a secret or a hash."""
    return HttpResponse(mydata.as_json(mydata.collect(request.person)), content_type="application/json; charset=utf-8")


@router.get("/units/{unit_id}/people", response={200: list[UnitPersonOut], **error_responses(READ)})
def unit_people(request, unit_id: int):
    """People holding active posts at this unit (not below it), with those posts."""
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    return [{**person_out(request.person, p, unit.path), "roles": [role_out(post) for post in p.posts_here]}
            for p in selectors.people_at(unit)]


@router.get("/search", response={200: SearchOut, **error_responses(401, 422)})
def search_all(request, q: str = ""):
    """People and units the caller may see, by any spelling (Devanagari or Roman); q is cut at 100 characters."""
    people = search.search_people(request.person, q)
    units = search.search_units(request.person, q)
    return {"people": [person_out(request.person, p) for p in people], "units": [unit_out(u) for u in units]}


@router.get("/healthz", auth=None, response=HealthOut)
def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
