"""Server-side sessions: the session engine (``SESSION_ENGINE = "sampark.people.sessions"``) and
the services to list and end them.

A session that carries a person keeps, in its data, when it began and was last seen, and the
device and network it was last seen from (``SEEN_KEY``); the store copies these into columns of
``PersonSession`` on each save. The middleware refreshes "last seen" at most once a minute (a
write per request would make every read a write), and each refresh moves the row's expiry to
whichever comes first: the idle limit from now, or the absolute limit from the log-in. An
expired row is never loaded, so an idle or old session is over even before it is cleared.
"""

import hashlib
import ipaddress
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone

from sampark.core import audit

SESSION_KEY = "sampark_person"
SEEN_KEY = "sampark_seen"
TOUCH_SECONDS = 60
# A session without a person (a language picked, a phone typed before its code) lasts an hour.
ANONYMOUS_SECONDS = 60 * 60


class SessionStore(DBStore):
    person = None  # the session's person, read in the same query as the session

    @classmethod
    def get_model_class(cls):
        from sampark.people.models import PersonSession

        return PersonSession

    def _get_session_from_db(self):
        try:
            row = (self.model.objects.select_related("person")
                   .get(session_key=self.session_key, expire_date__gt=timezone.now()))
        except (self.model.DoesNotExist, SuspiciousOperation):
            self._session_key = None
            return None
        self.person = row.person
        return row

    def get_session_cookie_age(self):
        return settings.SESSION_COOKIE_AGE if self._session.get(SESSION_KEY) else ANONYMOUS_SECONDS

    def create_model_instance(self, data):
        person_id = data.get(SESSION_KEY)
        seen = data.get(SEEN_KEY)
        if person_id and not seen:  # a session made without a request (a test's, a script's)
            now = int(time.time())
            seen = data[SEEN_KEY] = {"since": now, "at": now, "ua": "", "ip": ""}
        obj = super().create_model_instance(data)
        obj.person_id = person_id
        if seen:
            obj.created_at, obj.last_seen_at = _when(seen["since"]), _when(seen["at"])
            obj.user_agent, obj.ip_prefix = seen["ua"][:200], seen["ip"][:50]
        return obj


def _when(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def ip_prefix(ip: str | None) -> str:
    """The network, not the address: enough to tell "home" from "somewhere else"."""
    try:
        addr = ipaddress.ip_address(ip or "")
    except ValueError:
        return ""
    return str(ipaddress.ip_network(f"{addr}/{24 if addr.version == 4 else 48}", strict=False))


def _deadline(seen: dict) -> datetime:
    return min(_when(seen["at"]) + timedelta(minutes=settings.SAMPARK_SESSION_IDLE_MINUTES),
               _when(seen["since"]) + timedelta(days=settings.SAMPARK_SESSION_MAX_DAYS))


def _mark(session, request, seen: dict) -> None:
    seen.update(at=int(time.time()), ua=request.headers.get("User-Agent", "")[:200],
                ip=ip_prefix(request.META.get("REMOTE_ADDR")))
    session[SEEN_KEY] = seen
    session.set_expiry(_deadline(seen))


def begin(session, request, person) -> None:
    """Start a person's session on this request (the key is new: see middleware.login)."""
    from sampark.people.models import PersonSession

    session[SESSION_KEY] = person.pk
    _mark(session, request, {"since": int(time.time())})
    PersonSession.objects.filter(expire_date__lt=timezone.now()).delete()  # the old ones, now and then


def person_of(session, person_id: int):
    """The session's person if the session is still alive and they are active, else None."""
    from sampark.people.models import Person

    person = getattr(session, "person", None)
    if person is None or person.pk != person_id:
        person = Person.objects.filter(pk=person_id).first()
    seen = session.get(SEEN_KEY)
    if person is None or not person.is_active or (seen and _deadline(seen) <= timezone.now()):
        return None
    return person


def touch(session, request) -> None:
    """Refresh "last seen" and the expiry, at most once a minute."""
    seen = session.get(SEEN_KEY)
    if seen and time.time() - seen["at"] >= TOUCH_SECONDS:
        _mark(session, request, dict(seen))


def ref(session_key: str) -> str:
    """How a page names a session: a hash of its key (the key itself is the credential)."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


def active_sessions(person) -> list:
    return list(person.sessions.filter(expire_date__gt=timezone.now()).order_by("-last_seen_at", "-created_at"))


def end_sessions(actor, person, *, only: str | None = None, keep: str | None = None) -> int:
    """End the person's sessions: the one named ``only`` (a ref), or all but ``keep`` (a key).
    Returns how many ended; an audit row names the actor."""
    with transaction.atomic():
        keys = [s.session_key for s in active_sessions(person)
                if (only is None or ref(s.session_key) == only) and s.session_key != keep]
        ended, _ = person.sessions.filter(session_key__in=keys).delete()
        if ended:
            audit.record(actor, "sessions.end", person, after={"ended": ended})
    return ended
