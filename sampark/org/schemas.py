from ninja import Schema


class LevelOut(Schema):
    code: str
    name_hi: str
    name_en: str


class UnitOut(Schema):
    id: int
    parent: int | None
    level: LevelOut
    name_hi: str
    name_en: str
    code: str
    synthetic: bool
    child_count: int
    member_count: int


def unit_out(u) -> dict:
    return {"id": u.pk, "parent": u.parent_id,
            "level": {"code": u.level.code, "name_hi": u.level.name_hi, "name_en": u.level.name_en},
            "name_hi": u.name_hi, "name_en": u.name_en, "code": u.code, "synthetic": u.synthetic,
            "child_count": u.child_count, "member_count": u.member_count}
