from datetime import datetime
from typing import Literal

from ninja import Field, Schema

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
    phone: str  # masked (+91 90XXX XX004) unless it is the viewer's own; POST /people/{id}/phone reveals it
    lang: str


class MeOut(PersonOut):
    posts: list[PostOut]
    # When a normal directive reaches the phone: "now", "digest" (once a day) or "app" (only in the app).
    notify: Literal["now", "digest", "app"]


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


class MemberIn(Schema):
    """A new member: a phone, a name (Hindi or Roman), and the post at a unit the caller leads."""

    model_config = {"extra": "forbid"}

    phone: str
    name_hi: str = ""
    name_en: str = ""
    lang: str = "hi"
    unit: int
    role: str
    team: str = "organisation"


class PersonPatchIn(Schema):
    model_config = {"extra": "forbid"}

    name_hi: str | None = None
    name_en: str | None = None
    lang: str | None = None


# A name as the person writes it: Devanagari or Roman letters, spaces, dots, apostrophes and hyphens,
# with at least one letter (what people.services stores after cleaning).
_LETTERS = "A-Za-z\u0900-\u097f"
NAME_PATTERN = f"^[ .'\\-]*[{_LETTERS}][{_LETTERS} .'\\-]*$"


class MeIn(Schema):
    """What a person corrects themselves: their names and language (the rest, through a coordinator)."""

    model_config = {"extra": "forbid"}

    name_hi: str | None = Field(None, max_length=200, pattern=NAME_PATTERN)
    name_en: str | None = Field(None, max_length=200, pattern=NAME_PATTERN)
    lang: Literal["hi", "en"] | None = None
    notify: Literal["now", "digest", "app"] | None = None


class PostIn(Schema):
    model_config = {"extra": "forbid"}

    unit: int
    role: str
    team: str = "organisation"


class CreatedOut(Schema):
    """The new member's id; or, for the phone of a member elsewhere, no id and the transfer asked
    for instead (a leader above both places decides)."""

    id: int | None
    transfer: int | None = None


AttentionKind = Literal["directives_to_ack", "difficulties_waiting", "action_items", "reports_missing",
                        "silent_units", "transfers_to_decide", "erasures_to_approve",
                        "events_to_answer",
                        "network_counts_to_confirm"]


class AttentionCounts(Schema):
    directives_to_ack: int
    difficulties_waiting: int
    action_items: int
    silent_units: int
    reports_missing: int
    transfers_to_decide: int
    erasures_to_approve: int
    events_to_answer: int = 0
    network_counts_to_confirm: int = 0


class AttentionItemOut(Schema):
    kind: AttentionKind
    count: int = Field(description="1 for one directive, difficulty or action item; units or requests otherwise")
    title: str
    url: str = Field(description="the page that deals with it")
    due_at: datetime | None
    overdue: bool


class AttentionOut(Schema):
    counts: AttentionCounts
    items: list[AttentionItemOut] = Field(description="most urgent first: overdue, then due soonest")


class PulseOut(Schema):
    counts: AttentionCounts
    tag: str = Field(description="changes whenever the counts or the person's inbox change; also the ETag")
