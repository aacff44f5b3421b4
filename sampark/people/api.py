from django.db import connection
from ninja import Router

from sampark.org.models import Unit
from sampark.org.schemas import unit_out
from sampark.people import search, selectors
from sampark.people.schemas import MeOut, PersonOut, SearchOut
from sampark.people.visibility import can_see_phone, get_visible_or_404

router = Router(tags=["people"])


def person_out(viewer, person, unit_path: str | None = None) -> dict:
    """A person as another sees them: the phone only where the viewer leads, or their own."""
    own = viewer.pk == person.pk
    paths = [unit_path] if unit_path else [p.unit_path for p in person.posts.all() if p.active]
    shown = own or any(can_see_phone(viewer, p) for p in paths)
    return {"id": person.pk, "name_hi": person.name_hi, "name_en": person.name_en,
            "phone": person.phone if shown else person.masked_phone, "lang": person.lang}


def post_out(post) -> dict:
    return {"id": post.pk, "role": post.role, "role_label": str(post.get_role_display()), "team": post.team,
            "team_label": str(post.get_team_display()), "unit": unit_out(post.unit)}


@router.get("/me", response=MeOut)
def me(request):
    person = request.person
    return {**person_out(person, person), "posts": [post_out(p) for p in selectors.my_posts(person)]}


@router.get("/units/{unit_id}/people", response=list[PersonOut])
def unit_people(request, unit_id: int):
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    return [person_out(request.person, p, unit.path) for p in selectors.people_at(unit)]


@router.get("/search", response=SearchOut)
def search_all(request, q: str = ""):
    q = q[:100]
    people = search.search_people(request.person, q)
    units = search.search_units(request.person, q)
    return {"people": [person_out(request.person, p) for p in people], "units": [unit_out(u) for u in units]}


@router.get("/healthz", auth=None)
def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}
