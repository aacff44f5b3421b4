from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class EventIn(Schema):
    title: str
    kind: str = Field(description="workshop, meeting, training, convention or online")
    unit: int = Field(description="The organising unit (you lead it or one above it)")
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    description: str = ""
    capacity: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    audience_unit: int | None = Field(None, description="Whom to invite: this unit's subtree (default: the organiser's)")
    levels: list[str] = []
    roles: list[str] = []
    teams: list[str] = []
    is_review: bool = False
    publish: bool = Field(True, description="Send the invitations now (false: keep a draft)")
    client_uuid: UUID | None = Field(None, description="Made by the client; a retry with the same id and body is safe")


class EventUnitRef(Schema):
    id: int
    name: str


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_name: str
    unit: EventUnitRef
    audience_unit: EventUnitRef
    starts_at: datetime
    ends_at: datetime
    venue: str
    description: str
    capacity: int | None
    latitude: float | None
    longitude: float | None
    is_review: bool
    status: str
    invitation: int | None
    url: str


class EventListOut(Schema):
    upcoming: list[EventOut]
    past: list[EventOut]


def event_out(e) -> dict:
    from sampark.events.services import event_path

    return {
        "id": e.pk, "title": e.title, "kind": e.kind.code, "kind_name": e.kind.name,
        "unit": {"id": e.unit_id, "name": e.unit.name},
        "audience_unit": {"id": e.audience_unit_id, "name": e.audience_unit.name},
        "starts_at": e.starts_at, "ends_at": e.ends_at, "venue": e.venue, "description": e.description,
        "capacity": e.capacity, "latitude": float(e.latitude) if e.latitude is not None else None,
        "longitude": float(e.longitude) if e.longitude is not None else None, "is_review": e.is_review,
        "status": e.status, "invitation": e.invitation_id, "url": event_path(e),
    }


class EventPatch(Schema):
    title: str | None = None
    kind: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = None
    description: str | None = None
    capacity: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    is_review: bool | None = None
