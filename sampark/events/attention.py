"""What events ask of a person now (core.attention): invitations to answer. An event counts when it
is published, starts within rsvp.UPCOMING, invites the person, and they have not answered it."""

from datetime import datetime

from django.urls import reverse

from sampark.core.attention import ITEMS_PER_KIND, Item, Part, register_attention
from sampark.events import rsvp

KIND = "events_to_answer"


def source(person, now: datetime, with_items: bool) -> Part:
    qs = rsvp.unanswered(person, now)
    if not with_items:
        return Part(counts={KIND: qs.count()})
    rows = list(qs.values("pk", "title", "starts_at")[:ITEMS_PER_KIND + 1])
    n = len(rows) if len(rows) <= ITEMS_PER_KIND else qs.count()
    return Part(counts={KIND: n}, items=[Item(KIND, 1, r["title"], reverse("events:detail", args=[r["pk"]]),
                                              r["starts_at"]) for r in rows[:ITEMS_PER_KIND]])


def register() -> None:
    register_attention("events", source)
