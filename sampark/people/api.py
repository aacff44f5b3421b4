from typing import Any

from django.db import connection
from django.http import Http404, HttpResponse
from ninja import Router

from sampark.core import attention, mydata
from sampark.core.errors import READ, WRITE, error_body, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.org.models import Unit
from sampark.org.schemas import unit_out
from sampark.people import search, selectors, services
from sampark.people.models import Person, Post, TransferRequest
from sampark.people.schemas import (
    AttentionOut,
    CreatedOut,
    HealthOut,
    MeIn,
    MemberIn,
    MeOut,
    PersonOut,
    PersonPatchIn,
    PostIn,
    PostOut,
    PulseOut,
    SearchOut,
    UnitPersonOut,
)

router = Router(tags=["people"])


def person_out(viewer, person, unit_path: str | None = None) -> dict:  # noqa: ARG001 - kept for callers
    """A person as another sees them: the phone masked ("+91 98XXX XX123"), except one's own; a
    leader reveals one with POST /people/{id}/phone (logged, capped: people.phones)."""
    phone = person.phone if viewer.pk == person.pk else person.masked_phone
    return {"id": person.pk, "name_hi": person.name_hi, "name_en": person.name_en, "phone": phone,
            "lang": person.lang}


def role_out(post) -> dict:
    return {"role": post.role, "role_label": str(post.get_role_display()), "team": post.team,
            "team_label": str(post.get_team_display())}


def post_out(post) -> dict:
    return {"id": post.pk, **role_out(post), "unit": unit_out(post.unit)}


@router.get("/me", response={200: MeOut, **error_responses(401)})
def me(request):
    return _me_out(request.person)


def _me_out(person) -> dict:
    return {**person_out(person, person), "posts": [post_out(p) for p in selectors.my_posts(person)],
            "notify": person.notify}


@router.patch("/me", response={200: MeOut, **error_responses(WRITE)})
def correct_me(request, data: MeIn):
    """Correct one's own name (Hindi, Roman) and language, and choose when normal directives reach the
    phone (notify); anything else is corrected by a coordinator."""
    try:
        person = services.update_person(request.person, request.person, name_hi=data.name_hi,
                                        name_en=data.name_en, lang=data.lang, notify=data.notify)
    except services.PeopleError as exc:
        return exc.status, error_body(exc)
    return 200, _me_out(person)


@router.get("/me/data", response={200: dict[str, list[dict[str, Any]]], **error_responses(401)})
def my_data(request):
    """Everything Sampark holds about the caller (the DPDP Act's right of access): one list of items per
    section (person, posts, sessions, receipts, reports, difficulties, ...). Never a secret or a hash."""
    return HttpResponse(mydata.as_json(mydata.collect(request.person)), content_type="application/json; charset=utf-8")


@router.get("/me/attention", response={200: AttentionOut, **error_responses(401)})
def my_attention(request):
    """What needs the caller now, with counts by kind and links, most urgent first: directives to
    read or acknowledge, difficulties waiting with them, their open action items, reports their
    directives asked for that have not come, silent units directly below their directives' targets,
    transfer and erasure requests to decide. Only what the caller may open."""
    got = attention.attention_for(request.person)
    return {"counts": got.counts, "items": got.items}


@router.get("/me/pulse", response={200: PulseOut, 304: None, **error_responses(401)})
def my_pulse(request, response: HttpResponse):
    """The pages' short poll: the attention counts and a tag (also the ETag). Sent again with
    ``If-None-Match: "<tag>"``, it answers 304 with no body while nothing changed."""
    got = attention.counts_for(request.person)
    etag = f'"{got.tag}"'
    asked = {t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")}
    if etag in asked:
        unchanged = HttpResponse(status=304)
        del unchanged["Content-Type"]  # no body: nothing to type (a few bytes less on each poll)
        unchanged["ETag"], unchanged["Cache-Control"] = etag, "private, no-cache"
        return unchanged
    response["ETag"], response["Cache-Control"] = etag, "private, no-cache"
    return 200, {"counts": got.counts, "tag": got.tag}


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


# --- members: a leader adds, edits and gives or ends posts inside the units they lead -------------

WRITES = error_responses(WRITE, 409)
MAX_ID = 2**63 - 1


def _unit(unit_id: int) -> Unit:
    """A unit by id; a missing one gets the same answer as one outside the caller's reach."""
    unit = Unit.objects.filter(pk=unit_id).first() if -MAX_ID <= unit_id <= MAX_ID else None
    if unit is None:
        raise services.PeopleError(services.unknown_unit(), status=404)
    return unit


def _managed(request, person_id: int) -> Person:
    """A person the caller may manage; anyone else (outside, or the caller themselves) is 404."""
    if not 0 < person_id <= MAX_ID:
        raise Http404
    person = get_visible_or_404(Person.objects.all(), request.person, pk=person_id)
    if not services.may_manage(request.person, person):
        raise Http404
    return person


def _failed(exc: services.PeopleError):
    return exc.status, error_body(exc)


@router.post("/people", response={201: CreatedOut, **WRITES})
def add_member(request, data: MemberIn):
    """Add a person with a post at a unit the caller leads. A phone of a member elsewhere asks for a
    transfer instead (no id, the transfer's id); one of a member already in the caller's reach is refused (409)."""
    try:
        done = services.add_member(request.person, unit=_unit(data.unit), phone=data.phone,
                                   role=data.role, team=data.team, name_hi=data.name_hi, name_en=data.name_en,
                                   lang=data.lang)
    except services.PeopleError as exc:
        return _failed(exc)
    if isinstance(done, TransferRequest):
        return 201, {"id": None, "transfer": done.pk}
    return 201, {"id": done.pk, "transfer": None}


@router.patch("/people/{person_id}", response={200: PersonOut, **WRITES})
def edit_member(request, person_id: int, data: PersonPatchIn):
    person = _managed(request, person_id)
    try:
        person = services.update_person(request.person, person, name_hi=data.name_hi, name_en=data.name_en,
                                        lang=data.lang)
    except services.PeopleError as exc:
        return _failed(exc)
    return 200, person_out(request.person, person)


@router.post("/people/{person_id}/posts", response={201: PostOut, **WRITES})
def give_post(request, person_id: int, data: PostIn):
    person = _managed(request, person_id)
    try:
        post = services.add_post(request.person, person=person, unit=_unit(data.unit), role=data.role,
                                 team=data.team)
    except services.PeopleError as exc:
        return _failed(exc)
    return 201, post_out(Post.objects.select_related("unit__level").get(pk=post.pk))


@router.post("/posts/{post_id}/end", response={200: PostOut, **WRITES})
def end_post(request, post_id: int):
    if not 0 < post_id <= MAX_ID:
        raise Http404
    post = get_visible_or_404(Post.objects.select_related("unit__level", "person"), request.person, pk=post_id)
    if not services.may_manage(request.person, post.person):
        raise Http404
    try:
        post = services.end_member_post(request.person, post)
    except services.PeopleError as exc:
        return _failed(exc)
    return 200, post_out(Post.objects.select_related("unit__level").get(pk=post.pk))
