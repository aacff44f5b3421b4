"""The event's report by API (issue 15). GET answers the text a person may read: for the organisers the
saved draft or published text, else one generated on the fly from the record (state "generated",
nothing saved); for the rest of the event's viewers only a published report (404 before). PUT saves the
organisers' edited text as the draft (or, after publishing, as a visible revision of the report's
directive); POST .../regenerate replaces it with a fresh one; POST .../publish sends it down the tree
as a directive without acknowledgement to the event's audience. Every lookup starts from visibility."""

from datetime import datetime

from django.utils import timezone
from ninja import Field, Router, Schema

from sampark.core.errors import READ, WRITE, error_responses
from sampark.events import report, selectors

router = Router(tags=["events"])
ERRORS = error_responses(WRITE, 409)


class EventReportOut(Schema):
    lang: str
    text: str
    state: str = Field(description="generated (not saved), draft or published")
    edited: bool = False
    directive: int | None = Field(None, description="The directive that published it")
    updated_at: datetime | None = None
    published_at: datetime | None = None


class EventReportIn(Schema):
    text: str


def _out(lang: str, text: str, state: str, row) -> dict:
    return {"lang": lang, "text": text, "state": state, "edited": bool(row and row.edited),
            "directive": row.directive_id if row else None, "updated_at": row.updated_at if row else None,
            "published_at": row.published_at if row else None}


def _read(request, event_id: int, lang: str) -> dict:
    event = selectors.get_event(request.person, event_id)
    text, state, row = report.readable(request.person, event, lang)
    return _out(lang, text, state, row)


@router.get("/events/{event_id}/report", response={200: EventReportOut, **error_responses(READ)})
def get_report(request, event_id: int, lang: str = "hi"):
    """The report in Hindi (`hi`) or English (`en`), in the style of the press note."""
    return _read(request, event_id, lang)


@router.put("/events/{event_id}/report", response={200: EventReportOut, **ERRORS})
def save_report(request, event_id: int, payload: EventReportIn, lang: str = "hi"):
    """Save the organisers' edited text (the same text again changes nothing)."""
    event = selectors.get_event(request.person, event_id)
    report.save_report(request.person, event, lang, payload.text, now=timezone.now())
    return _read(request, event_id, lang)


@router.post("/events/{event_id}/report/regenerate", response={200: EventReportOut, **ERRORS})
def regenerate_report(request, event_id: int, lang: str = "hi"):
    """Generate the text afresh from the record; edits made by hand are replaced."""
    event = selectors.get_event(request.person, event_id)
    report.save_report(request.person, event, lang, None, now=timezone.now())
    return _read(request, event_id, lang)


@router.post("/events/{event_id}/report/publish", response={200: EventReportOut, **ERRORS})
def publish_report(request, event_id: int, lang: str = "hi"):
    """Publish: a directive without acknowledgement to the event's audience; again is a no-op."""
    event = selectors.get_event(request.person, event_id)
    report.publish_report(request.person, event, lang, now=timezone.now())
    return _read(request, event_id, lang)
