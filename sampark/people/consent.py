"""Consent to the privacy notice (people.notice): giving it, withdrawing it, and asking whether a person
has consented to the current version.

Every page and API call asks that question (people.consent_middleware, api.auth), so a yes is kept in
the process for KEPT_SECONDS: a person who has consented pays no query. Only a yes is kept: one who has
not consented is read afresh each time, so consenting through another process is seen at once. A
withdrawal forgets the person here at once, and in other processes within KEPT_SECONDS (withdrawal
also ends their sessions: the erasure it starts does)."""

import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.people import notice
from sampark.people.models import Consent, Person

KEPT_SECONDS = 60.0
KEPT_MAX = 10_000

_consented: dict[int, tuple[float, str]] = {}  # person id -> (when read, version consented to)


class ConsentError(ValueError):
    """The message is for the person. status: the HTTP code."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def standing(person: Person, version: str | None = None) -> Consent | None:
    """The person's consent to this version (the current one unless told), if given and not withdrawn."""
    return (Consent.objects.filter(person=person, notice_version=version or notice.NOTICE_VERSION,
                                   withdrawn_at__isnull=True).first())


def _remember(person_id: int, version: str) -> None:
    if len(_consented) >= KEPT_MAX:
        _consented.clear()
    _consented[person_id] = (time.monotonic(), version)


def forget(person: Person | None = None) -> None:
    if person is None:
        _consented.clear()
    else:
        _consented.pop(person.pk, None)


def has_consented(person: Person) -> bool:
    """Whether the person has consented to the current notice (no query when a yes was read lately)."""
    version = notice.NOTICE_VERSION
    kept = _consented.get(person.pk)
    if kept is not None and kept[1] == version and time.monotonic() - kept[0] < KEPT_SECONDS:
        return True
    if standing(person, version) is None:
        return False
    _remember(person.pk, version)
    return True


def wrong_version(version: str) -> str:
    return _("This is not the current privacy notice (version {current}). Read the current notice and agree "
             "to it.").format(current=notice.NOTICE_VERSION)


def give_consent(person: Person, version: str) -> Consent:
    """The person consents to the notice of this version, which must be the current one. Giving it again
    returns the consent already given (a retried "I agree" adds nothing)."""
    if version != notice.NOTICE_VERSION:
        raise ConsentError(wrong_version(version))
    given = standing(person, version)
    if given is None:
        try:
            with transaction.atomic():
                given = Consent.objects.create(person=person, notice_version=version, given_at=timezone.now())
                audit.record(person, "consent.give", given, after={"notice_version": version})
        except IntegrityError:  # the same "I agree" sent twice at once: the other one wrote it
            given = standing(person, version)
            if given is None:
                raise
    _remember(person.pk, version)
    return given


def withdraw_consent(actor, person: Person) -> int:
    """Withdraw the person's standing consents (any version); returns how many. What withdrawal sets
    going (erasure, ending sessions) is the caller's."""
    with transaction.atomic():
        ids = list(Consent.objects.filter(person=person, withdrawn_at__isnull=True).values_list("pk", flat=True))
        if ids:
            Consent.objects.filter(pk__in=ids).update(withdrawn_at=timezone.now())
            audit.record(actor, "consent.withdraw", person, after={"consents": len(ids)})
    forget(person)
    return len(ids)
