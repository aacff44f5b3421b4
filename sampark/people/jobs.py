"""People's periodic work: clear the sessions that are over. An expired session is never loaded
(sessions.SessionStore), so this only keeps the table to the live ones; bounded per tick."""

from datetime import datetime

from sampark.people.models import PersonSession

BATCH = 5000


def tick(now: datetime) -> dict:
    expired = list(PersonSession.objects.filter(expire_date__lte=now).values_list("session_key", flat=True)[:BATCH])
    cleared = PersonSession.objects.filter(session_key__in=expired, expire_date__lte=now).delete()[0] if expired else 0
    return {"sessions_cleared": cleared}
