"""JSON endpoints for difficulties. Every lookup starts from visible_to(person); missing or forbidden is 404."""

import uuid
from typing import Annotated, Literal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from sampark.core.errors import READ, WRITE, UUIDPath, error_body, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.difficulties import selectors, services
from sampark.difficulties.models import ActionItem, Difficulty
from sampark.difficulties.schemas import (
    ActionItemOut,
    AssignIn,
    ConfirmIn,
    DifficultyListOut,
    DifficultyOut,
    MergeIn,
    RaiseIn,
    ReopenIn,
    StatsOut,
    TextIn,
    difficulty_out,
)
from sampark.org.models import Unit
from sampark.people.models import Person

router = Router(tags=["difficulties"])

# An action: 400 (a step not allowed now, or a body that is not JSON), 403, 404, 409, 413, 422.
ONE = {200: DifficultyOut, **error_responses(WRITE, 409)}


def _get(request, difficulty_id):
    return get_visible_or_404(
        Difficulty.objects.select_related("category", "unit__level", "handling_unit__level", "raised_by"),
        request.person, pk=difficulty_id)


def _full(request, d):
    d = _get(request, d.pk)
    return 200, difficulty_out(d, request.person, selectors.history(d))


def _run(request, difficulty_id, action, **kwargs):
    d = _get(request, difficulty_id)
    try:
        action(request.person, d, now=timezone.now(), **kwargs)
    except services.DifficultyError as exc:
        return exc.status, error_body(exc.message)
    return _full(request, d)


@router.post("/difficulties", response={200: DifficultyOut, 201: DifficultyOut, **error_responses(WRITE, 409)})
def raise_difficulty(request, payload: RaiseIn):
    """Raise a difficulty at a unit where you hold a post. Retrying with the same id and body is safe."""
    unit = get_visible_or_404(Unit.objects.select_related("parent"), request.person, pk=payload.unit)
    try:
        d, created = services.raise_difficulty(request.person, id=payload.id, unit=unit, category=payload.category,
                                               text=payload.text, link=payload.link, now=timezone.now())
    except services.DifficultyError as exc:
        return exc.status, error_body(exc.message)
    status, body = _full(request, d)
    return (201 if created else 200), body


AreaStatus = Literal["all", "open", "with_me", "below", "answered", "solved"]


@router.get("/difficulties", response={200: DifficultyListOut, **error_responses(READ, 400)})
def list_difficulties(request, status: AreaStatus = "all",
                      category: Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,32}$")] = None,
                      unit: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                      older_than_days: Annotated[int | None, Query(ge=1, le=selectors.MAX_AGE_DAYS)] = None,
                      order: Literal["newest", "oldest"] = "newest",
                      page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    """Mine (raised by me) and those waiting for me (at units I lead, or passed to me); and every
    difficulty in my area (my subtrees) filtered by status, category, unit (in my area; another is
    404, as is an unknown category) and age in days, 50 a page, with counts per status."""
    me = request.person
    try:
        f = selectors.area_filter(me, status=status, category=category or "", unit=unit,
                                  older_than_days=older_than_days, order=order, page=page)
    except selectors.AreaFilterError as exc:
        return exc.status, error_body(exc.message)
    area = selectors.area_list(me, f, timezone.now())
    return {"mine": [difficulty_out(d, me) for d in selectors.raised_by(me)],
            "waiting": [difficulty_out(d, me) for d in selectors.waiting_for(me)],
            "counts": area.counts, "items": [difficulty_out(d, me) for d in area.items],
            "total": area.total, "page": area.page, "pages": area.pages}


@router.get("/difficulties/{difficulty_id}", response={200: DifficultyOut, **error_responses(READ)})
def get_difficulty(request, difficulty_id: UUIDPath):
    d = _get(request, _uuid_or_404(difficulty_id))
    return 200, difficulty_out(d, request.person, selectors.history(d))


@router.post("/difficulties/{difficulty_id}/answer", response=ONE)
def answer(request, difficulty_id: UUIDPath, payload: TextIn):
    return _run(request, _uuid_or_404(difficulty_id), services.answer_difficulty, text=payload.text)


@router.post("/difficulties/{difficulty_id}/request-info", response=ONE)
def request_info(request, difficulty_id: UUIDPath, payload: TextIn):
    return _run(request, _uuid_or_404(difficulty_id), services.request_info, text=payload.text)


@router.post("/difficulties/{difficulty_id}/info", response=ONE)
def give_info(request, difficulty_id: UUIDPath, payload: TextIn):
    return _run(request, _uuid_or_404(difficulty_id), services.give_info, text=payload.text)


@router.post("/difficulties/{difficulty_id}/assign", response=ONE)
def assign(request, difficulty_id: UUIDPath, payload: AssignIn):
    d = _get(request, _uuid_or_404(difficulty_id))  # an unseen difficulty is 404 whoever is named
    person = Person.objects.visible_to(request.person).filter(pk=payload.person).first()
    if person is None:
        return 400, error_body(_("Unknown person."))
    return _run(request, d.pk, services.assign_difficulty, person=person, text=payload.text)


@router.post("/difficulties/{difficulty_id}/merge", response=ONE)
def merge(request, difficulty_id: UUIDPath, payload: MergeIn):
    """Merge the listed difficulties into this one; answering this one answers them all."""
    others = list(Difficulty.objects.visible_to(request.person).filter(pk__in=payload.ids))
    if len(others) != len(set(payload.ids)):
        raise Http404
    return _run(request, _uuid_or_404(difficulty_id), lambda actor, d, now: services.merge_difficulties(
        actor, d, others, now=now))


@router.post("/difficulties/{difficulty_id}/reopen", response=ONE)
def reopen(request, difficulty_id: UUIDPath, payload: ReopenIn):
    return _run(request, _uuid_or_404(difficulty_id), services.reopen_difficulty, rating=payload.rating,
                text=payload.text)


@router.post("/difficulties/{difficulty_id}/confirm", response=ONE)
def confirm(request, difficulty_id: UUIDPath, payload: ConfirmIn):
    return _run(request, _uuid_or_404(difficulty_id), services.confirm_difficulty, rating=payload.rating,
                text=payload.text)


@router.get("/units/{unit_id}/difficulty-stats", response={200: StatsOut, **error_responses(READ)})
def unit_stats(request, unit_id: int):
    """Difficulties raised in the unit's subtree: open, overdue, answered in time, median hours to answer."""
    unit = get_visible_or_404(Unit.objects.all(), request.person, pk=unit_id)
    s = selectors.unit_stats(unit, timezone.now())
    return {"unit": unit.pk, "total": s["total"], "open": s["open"], "overdue": s["overdue"],
            "answered": s["answered"], "answered_in_time": s["in_time"], "answered_in_time_pct": s["in_time_pct"],
            "median_hours_to_answer": s["median_hours"],
            "top_categories": [{"category": c["category"].code, "count": c["count"]} for c in s["top_categories"]],
            "open_by_level": [{"level": r["handling_unit__level__code"], "open": r["n"]} for r in s["open_by_level"]]}


@router.get("/action-items", response={200: list[ActionItemOut], **error_responses(401)})
def my_action_items(request):
    return [_item_out(i) for i in selectors.action_items_owned(request.person)]


@router.post("/action-items/{item_id}/done", response={200: ActionItemOut, **error_responses(READ, 400, 403)})
def action_item_done(request, item_id: int):
    item = get_visible_or_404(ActionItem.objects.all(), request.person, pk=item_id)
    try:
        item = services.complete_action_item(request.person, item, now=timezone.now())
    except services.DifficultyError as exc:
        return exc.status, error_body(exc.message)
    return 200, _item_out(item)


def _item_out(i) -> dict:
    return {"id": i.pk, "unit": i.unit_id, "owner": i.owner_id, "text": i.text, "due_on": i.due_on,
            "done_at": i.done_at}



def _uuid_or_404(value: str) -> uuid.UUID:
    """A malformed id is just another id that names nothing: 404, like one that is not visible."""
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404 from exc
