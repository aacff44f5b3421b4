"""The event's rsvp (issue 15): to be built."""


def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_rsvp.html)."""
    return {}
