"""API for erasure and deactivation: a member asks for erasure (or withdraws consent); a leader
deactivates or reactivates a member in their reach (anyone else: 404)."""

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Router, Schema

from sampark.core.errors import WRITE, error_body, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.people import deactivation, erasure, services
from sampark.people.models import Person

router = Router(tags=["people"])
MAX_ID = 2**63 - 1


class ErasureIn(Schema):
    reason: Literal["erasure", "withdraw_consent"]


class ErasureOut(Schema):
    id: int
    reason: str
    requested_at: datetime
    takes_effect_at: datetime


class ActiveOut(Schema):
    id: int
    is_active: bool


@router.post("/me/erasure", response={200: ErasureOut, 201: ErasureOut, **error_responses(WRITE)})
def ask_erasure(request, data: ErasureIn):
    """Ask for my data to be erased, or withdraw my consent: it takes effect after the grace period
    (policy people.erasure_grace_days) or when my coordinator confirms. 201 with the new request; a
    retry, or an ask while one waits, answers 200 with the waiting one."""
    try:
        req, new = erasure.request_erasure(request.person, data.reason)
    except services.PeopleError as exc:
        return exc.status, error_body(exc)
    return (201 if new else 200), {"id": req.pk, "reason": req.reason, "requested_at": req.requested_at,
                                   "takes_effect_at": req.due_at}


@router.post("/people/{person_id}/deactivate", response={200: ActiveOut, **error_responses(WRITE)})
def deactivate(request, person_id: int):
    """End the member's posts (kept in the history), their sessions and API tokens; they can no longer log in."""
    if not 0 < person_id <= MAX_ID:
        raise Http404
    person = get_visible_or_404(Person.objects.all(), request.person, pk=person_id)
    try:
        person = deactivation.deactivate_person(request.person, person)
    except services.PeopleError as exc:
        return exc.status, error_body(exc)
    return 200, {"id": person.pk, "is_active": person.is_active}


@router.post("/people/{person_id}/reactivate", response={200: ActiveOut, **error_responses(WRITE)})
def reactivate(request, person_id: int):
    """Let a deactivated member log in again, with the posts the deactivation ended where the caller leads."""
    person = deactivation.deactivated_in_reach(request.person, person_id) if 0 < person_id <= MAX_ID else None
    if person is None:
        raise Http404
    person = deactivation.reactivate_person(request.person, person)
    return 200, {"id": person.pk, "is_active": person.is_active}
