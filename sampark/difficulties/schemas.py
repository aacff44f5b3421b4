from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from sampark.difficulties.services import can_act


class RaiseIn(Schema):
    id: UUID = Field(description="Made by the client; a retry with the same id and body returns the first answer")
    unit: int
    category: str
    text: str
    link: str = ""


class TextIn(Schema):
    text: str


class ReopenIn(Schema):
    rating: int = Field(description="1 (bad) to 5 (good): how the answer was")
    text: str = ""


class ConfirmIn(Schema):
    rating: int | None = None
    text: str = ""


class AssignIn(Schema):
    person: int
    text: str = ""


class MergeIn(Schema):
    ids: list[UUID]


class UnitRef(Schema):
    id: int
    name_hi: str
    name_en: str
    level: str


class PersonRef(Schema):
    id: int
    name_hi: str
    name_en: str


class DifficultyEventOut(Schema):
    at: datetime
    kind: str
    actor: PersonRef | None
    from_unit: UnitRef | None
    to_unit: UnitRef | None
    person: PersonRef | None
    text: str
    rating: int | None


class DifficultyOut(Schema):
    id: UUID
    status: str
    category: str
    text: str
    link: str
    unit: UnitRef
    handling_unit: UnitRef
    level: str = Field(description="Code of the level where it waits now")
    due_at: datetime | None
    escalations: int
    raised_by: PersonRef
    assigned_to: int | None
    merged_into: UUID | None
    answer: str
    rating: int | None
    created_at: datetime
    can_act: bool
    history: list[DifficultyEventOut] | None = None


class AreaCounts(Schema):
    all: int
    open: int = Field(description="Not yet answered or merged-and-waiting")
    with_me: int = Field(description="Waiting for my answer (at a unit I lead, or passed to me)")
    below: int = Field(description="Open and waiting at a unit below one I lead")
    answered: int
    solved: int


class DifficultyListOut(Schema):
    mine: list[DifficultyOut] = Field(description="Raised by me, latest first (not filtered)")
    waiting: list[DifficultyOut] = Field(description="Waiting for my answer (not filtered)")
    counts: AreaCounts = Field(description="In my area, with the category, unit and age filters, per status")
    items: list[DifficultyOut] = Field(description="One page of my area's difficulties matching every filter")
    total: int = Field(description="How many match every filter")
    page: int
    pages: int


class LevelCount(Schema):
    level: str
    open: int


class CategoryCount(Schema):
    category: str
    count: int


class StatsOut(Schema):
    unit: int
    total: int
    open: int
    overdue: int
    answered: int
    answered_in_time: int
    answered_in_time_pct: int | None
    median_hours_to_answer: float | None
    top_categories: list[CategoryCount]
    open_by_level: list[LevelCount]


class ActionItemOut(Schema):
    id: int
    unit: int
    owner: int
    text: str
    due_on: date
    done_at: datetime | None


def unit_ref(u) -> dict | None:
    if u is None:
        return None
    return {"id": u.pk, "name_hi": u.name_hi, "name_en": u.name_en, "level": u.level.code}


def person_ref(p) -> dict | None:
    return None if p is None else {"id": p.pk, "name_hi": p.name_hi, "name_en": p.name_en}


def difficulty_out(d, person, history=None) -> dict:
    out = {
        "id": d.pk, "status": d.status, "category": d.category.code, "text": d.text, "link": d.link,
        "unit": unit_ref(d.unit), "handling_unit": unit_ref(d.handling_unit), "level": d.handling_unit.level.code,
        "due_at": d.due_at, "escalations": d.escalations, "raised_by": person_ref(d.raised_by),
        "assigned_to": d.assigned_to_id, "merged_into": d.merged_into_id, "answer": d.answer, "rating": d.rating,
        "created_at": d.created_at, "can_act": can_act(person, d),
    }
    if history is not None:
        out["history"] = [{
            "at": e.at, "kind": e.kind, "actor": person_ref(e.actor), "from_unit": unit_ref(e.from_unit),
            "to_unit": unit_ref(e.to_unit), "person": person_ref(e.person), "text": e.text, "rating": e.rating,
        } for e in history]
    return out
