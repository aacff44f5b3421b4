"""Check-in endpoints (issue 15): check a person in, or count walk-ins, with an id made on the phone
(a resend is taken once: 200 with the first row), and attendance rolled up by a level of the
attendees' units. Lookups start from visibility (404); a service's EventError is its status."""

from uuid import UUID

from django.utils import timezone
from ninja import Field, Router, Schema

from sampark.core.errors import READ, WRITE, error_responses
from sampark.events import checkins, selectors

router = Router(tags=["events"])


class CheckinIn(Schema):
    id: UUID = Field(description="Made by the client; a resend with the same id is taken once")
    person: int | None = Field(None, description="A member's id (found by name search)")
    phone: str | None = Field(None, description="A member's mobile number, in any usual form")
    code: str | None = Field(None, description="The invitee's check-in code, typed or scanned (e.g. 7K3-QXA)")
    walk_ins: int | None = Field(None, description="Instead of a person: how many walked in (1 to 10000)")
    method: str = Field("", description="qr when the code was scanned")


class CheckinOut(Schema):
    id: UUID
    event: int
    person: int | None
    walk_ins: int
    method: str
    at: str
    created: bool
    message: str
    checked_in: int = Field(description="People checked in at this event so far")
    walk_ins_total: int
    total: int


class AttendanceRow(Schema):
    unit: int | None
    name: str
    count: int


class AttendanceOut(Schema):
    event: int
    by: str
    rows: list[AttendanceRow]
    named: int
    walk_ins: int
    total: int


@router.post("/events/{event_id}/checkins", response={200: CheckinOut, 201: CheckinOut, **error_responses(WRITE, 409)})
def check_in(request, event_id: int, payload: CheckinIn):
    """Check a person in by `code`, `phone` or `person`, or count `walk_ins`. 201: checked in now;
    200: this id was taken before, or the person was already checked in (the message says when)."""
    event = selectors.get_event(request.person, event_id)
    result = checkins.check_in(request.person, event, id=payload.id, person=payload.person, phone=payload.phone,
                               code=payload.code, walk_ins=payload.walk_ins, method=payload.method,
                               now=timezone.now())
    row, n = result.checkin, checkins.counts(event)
    return (201 if result.created else 200), {
        "id": row.pk, "event": event.pk, "person": row.person_id, "walk_ins": row.walk_ins, "method": row.method,
        "at": row.at.isoformat(), "created": result.created, "message": result.message,
        "checked_in": n["people"], "walk_ins_total": n["walk_ins"], "total": n["total"]}


@router.get("/events/{event_id}/attendance", response={200: AttendanceOut, **error_responses(READ)})
def attendance(request, event_id: int, by: str = "district"):
    """How many came, by the unit at a level (`by`: a level code such as district, assembly, mandal)
    above each attendee's unit; a row without a unit counts those above that level. Plus walk-ins."""
    event = selectors.get_event(request.person, event_id)
    a = checkins.attendance(event, by)
    return {"event": event.pk, "by": a.level.code, "named": a.named, "walk_ins": a.walk_ins, "total": a.total,
            "rows": [{"unit": r.unit.pk if r.unit else None, "name": r.unit.name if r.unit else "", "count": r.count}
                     for r in a.rows]}
