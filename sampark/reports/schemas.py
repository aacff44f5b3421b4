from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictInt


class ReportIn(Schema):
    """A report as the phone sends it. `id` is a UUID made on the phone: resending the same report
    is safe (the first answer comes back), the same id with another body is refused with 409."""

    id: UUID
    # Strict: in a batch each item is answered on its own, so a coerced `false` would pass as unit 0.
    unit: StrictInt
    type: str = Field(description="the report type's code, e.g. meeting")
    date: str = Field(description="YYYY-MM-DD")
    values: dict[str, Any] = Field(default_factory=dict, description="field code -> value")


class ReportCorrectionIn(Schema):
    date: str | None = None
    values: dict[str, Any] | None = None
    reason: str = ""


class PhotoOut(Schema):
    id: str
    url: str
    width: int
    height: int


class ReportOut(Schema):
    id: str
    unit: int
    unit_name: str
    type: str
    date: date
    values: dict[str, Any]
    author: int
    version: int
    photos: list[PhotoOut]
    created_at: datetime
    updated_at: datetime


class BatchItemOut(Schema):
    id: str
    status: int
    report: ReportOut | None = None
    detail: str = ""
    errors: dict[str, str] = Field(default_factory=dict)


class RollupRow(Schema):
    unit: int
    name_hi: str
    name_en: str
    reports: int
    sums: dict[str, int]


class UnitRollupOut(Schema):
    unit: int
    type: str | None
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    reports: int
    sums: dict[str, int]
    children: list[RollupRow] | None = None
