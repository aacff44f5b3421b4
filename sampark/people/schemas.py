from ninja import Schema

from sampark.org.schemas import UnitOut


class PostOut(Schema):
    id: int
    role: str
    role_label: str
    team: str
    team_label: str
    unit: UnitOut


class PersonOut(Schema):
    id: int
    name_hi: str
    name_en: str
    phone: str  # masked (+9190XXXXXX04) unless the viewer leads a unit above the person, or is them
    lang: str


class MeOut(PersonOut):
    posts: list[PostOut]


class RoleOut(Schema):
    role: str
    role_label: str
    team: str
    team_label: str


class UnitPersonOut(PersonOut):
    """A person at a unit, with the posts they hold there."""

    roles: list[RoleOut]


class SearchOut(Schema):
    people: list[PersonOut]
    units: list[UnitOut]


class HealthOut(Schema):
    status: str
    database: str
