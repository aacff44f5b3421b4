"""People's periodic work: clear the sessions that are over, and delete what is past its use (the DPDP
Act's retention): login codes after ``SAMPARK_RETAIN_LOGIN_CODES_HOURS`` and the outbox's copies of
sent messages after ``SAMPARK_RETAIN_OUTBOX_DAYS``. Core has no tick of its own (core names no app), so
its outbox is purged here. An expired session is never loaded (sessions.SessionStore), so this only
keeps the table to the live ones. Every deletion is bounded per tick."""

from datetime import datetime, timedelta

from django.conf import settings

from sampark.core.models import OutboxMessage
from sampark.people import erasure
from sampark.people.models import LoginCode, PersonSession

BATCH = 5000


def tick(now: datetime) -> dict:
    expired = list(PersonSession.objects.filter(expire_date__lte=now).values_list("session_key", flat=True)[:BATCH])
    cleared = PersonSession.objects.filter(session_key__in=expired, expire_date__lte=now).delete()[0] if expired else 0
    result = {"sessions_cleared": cleared}
    # Purges are named only when they deleted something, so a quiet tick reports as before.
    purged = {"login_codes_purged": purge_login_codes(now), "outbox_purged": purge_outbox(now),
              "erasures_done": erasure.erase_due(now), "idle_erased": erasure.erase_idle(now)}
    result.update({key: count for key, count in purged.items() if count})
    return result


def _purge(queryset) -> int:
    old = list(queryset.values_list("pk", flat=True)[:BATCH])
    return queryset.model.objects.filter(pk__in=old).delete()[0] if old else 0


def purge_login_codes(now: datetime) -> int:
    before = now - timedelta(hours=settings.SAMPARK_RETAIN_LOGIN_CODES_HOURS)
    return _purge(LoginCode.objects.filter(created_at__lt=before))


def purge_outbox(now: datetime) -> int:
    before = now - timedelta(days=settings.SAMPARK_RETAIN_OUTBOX_DAYS)
    return _purge(OutboxMessage.objects.filter(created_at__lt=before))
