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
    phone: str
    lang: str


class MeOut(PersonOut):
    posts: list[PostOut]


class SearchOut(Schema):
    people: list[PersonOut]
    units: list[UnitOut]
