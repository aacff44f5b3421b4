"""Answers to an event's invitation: answer (invitees only), and the answers rolled up by unit.
Every lookup starts from the event's visibility (selectors.get_event: 404 for what one cannot see)."""

from django.utils import timezone
from ninja import Field, Router, Schema

from sampark.core.errors import READ, WRITE, error_responses
from sampark.events import rsvp, selectors

router = Router(tags=["events"])


class RsvpIn(Schema):
    answer: str = Field(description="yes, maybe or no")


class RsvpTotals(Schema):
    yes: int
    maybe: int
    no: int


class RsvpOut(Schema):
    answer: str
    answered_at: str
    changed: bool = Field(description="false when the same answer was sent again")
    totals: RsvpTotals


class RsvpUnit(Schema):
    id: int
    name: str
    level: str


class RsvpRow(Schema):
    unit: RsvpUnit
    yes: int
    maybe: int
    no: int
    invited: int | None = Field(description="posts invited in the unit's subtree; null until the worker counted them")


class RsvpRollupOut(Schema):
    total: RsvpRow
    children: list[RsvpRow]


def _row(r: rsvp.RollupRow) -> dict:
    return {"unit": {"id": r.unit.pk, "name": r.unit.name, "level": r.unit.level.code}, "yes": r.yes,
            "maybe": r.maybe, "no": r.no, "invited": r.invited}


@router.post("/events/{event_id}/rsvp", response={200: RsvpOut, **error_responses(WRITE, 409)})
def answer(request, event_id: int, payload: RsvpIn):
    """Answer the invitation: yes, maybe or no (only those invited; until the event is over). A new
    answer replaces the old one; the same answer again changes nothing."""
    event = selectors.get_event(request.person, event_id)
    row, changed = rsvp.answer(request.person, event, payload.answer, timezone.now())
    return {"answer": row.answer, "answered_at": row.answered_at.isoformat(), "changed": changed,
            "totals": rsvp.totals(event)}


@router.get("/events/{event_id}/rsvps", response={200: RsvpRollupOut, **error_responses(READ)})
def rollup(request, event_id: int, unit: int | None = None):
    """The answers by unit: the unit's totals and one row per child unit (default: the invited unit,
    or the highest unit you see inside it)."""
    event = selectors.get_event(request.person, event_id)
    total, rows = rsvp.rollup(event, rsvp.rollup_unit(request.person, event, unit))
    return {"total": _row(total), "children": [_row(r) for r in rows]}
