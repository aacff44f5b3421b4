"""Erasure (DPDP Act): a member asks to be erased or withdraws consent; their coordinator is told;
after the grace period (policy people.erasure_grace_days) or the coordinator's confirmation, the
erasure runs. People idle past people.inactive_erase_days are erased by the timed work.

Erasing is one transaction: the person's posts end (history kept), the name becomes a pseudonym
("सदस्य 7F3K2Q" / "Member 7F3K2Q"), the phone a placeholder no gateway routes, and every app's
eraser (sampark.core.erasure) replaces the free texts they wrote and deletes what identifies them.
Reports, counts and roll-ups stay, attributed to the same id. Audit rows name only ids."""

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.channels import sms_channel
from sampark.core.erasure import register_eraser, run_erasers
from sampark.core.models import OutboxMessage
from sampark.people import policies
from sampark.people.consent import withdraw_consent
from sampark.people.models import (
    LEADING_ROLES,
    ApiToken,
    ErasureReason,
    ErasureRequest,
    LoginCode,
    Passkey,
    Person,
    PersonSession,
    Post,
    RecoveryCode,
    TOTPDevice,
    TransferRequest,
    TransferStatus,
)
from sampark.people.services import (
    PeopleError,
    _write_tokens,
    active_paths,
    end_post,
    may_manage,
    search_name,
)
from sampark.people.visibility import forget

BATCH = 50  # erasures per tick, each of them one transaction
ASKED = (ErasureReason.ERASURE, ErasureReason.WITHDRAW_CONSENT)
# Letters and digits that cannot be misread for one another (no 0/O, 1/I).
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def pseudonym_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(6))


def pseudonym_names(code: str) -> tuple[str, str]:
    return f"सदस्य {code}", f"Member {code}"


def placeholder_phone(person_id: int) -> str:
    """Unique (Person.phone is), 16 characters, and no number: country code 0 does not exist, so no
    gateway routes it and normalize_phone refuses it at log-in."""
    return f"+0{person_id:014d}"


def pending_request(person) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(person=person, done_at__isnull=True).first()


def page_context(person) -> dict:
    """What the "my data" page says about erasure: the waiting request, or the grace period."""
    return {"pending": pending_request(person), "grace_days": policies.erasure_grace_days()}


def is_erased(person) -> bool:
    return ErasureRequest.objects.filter(person=person, done_at__isnull=False).exists()


# --- asking -------------------------------------------------------------------------------------

def request_erasure(person: Person, reason: str, *, now: datetime | None = None) -> tuple[ErasureRequest, bool]:
    """The person asks (``erasure``) or withdraws consent (``withdraw_consent``); their coordinators
    are told. A retry, or a second ask while one waits, returns the waiting request (False)."""
    if reason not in ASKED:
        raise PeopleError(_("Choose erasure or the withdrawal of consent."))
    try:
        return _request(person, reason, now or timezone.now())
    except IntegrityError:  # a concurrent retry made it first
        return pending_request(person), False


@transaction.atomic
def _request(person: Person, reason: str, now: datetime) -> tuple[ErasureRequest, bool]:
    Person.objects.select_for_update().filter(pk=person.pk).first()  # retries wait for each other here
    waiting = pending_request(person)
    if waiting is not None:
        return waiting, False
    with transaction.atomic():
        req = ErasureRequest.objects.create(person=person, reason=reason, requested_at=now,
                                            due_at=now + timedelta(days=policies.erasure_grace_days()))
    audit.record(person, "erasure.request", req, after={"person": person.pk, "reason": reason})
    if reason == ErasureReason.WITHDRAW_CONSENT:
        withdraw_consent(person, person)  # processing stops now; the erasure follows the same way
    for leader in coordinators(person):
        _tell(leader, req)
    return req, True


def coordinators(person: Person) -> list[Person]:
    """Those who lead the nearest unit above (or at) each of the person's active posts."""
    held = active_paths(person)
    unit_ids = {uid for p in held for uid in paths.ancestor_ids(p)}
    leading = list(Post.objects.filter(unit_id__in=unit_ids, active=True, role__in=LEADING_ROLES)
                   .exclude(person=person).values_list("person_id", "unit_path"))
    chosen: set[int] = set()
    for p in held:
        above = [(len(path), pid) for pid, path in leading if p.startswith(path)]
        if above:
            deepest = max(n for n, _pid in above)
            chosen |= {pid for n, pid in above if n == deepest}
    return list(Person.objects.filter(pk__in=chosen, is_active=True).order_by("pk"))


def _tell(leader: Person, req: ErasureRequest) -> None:
    """An SMS after the commit, in the leader's language; it names no one (the page does)."""
    def send():
        with translation.override(leader.lang or "hi"):
            when = formats.date_format(timezone.localtime(req.due_at), "DATE_FORMAT")
            body = _("Sampark: a member of your unit asked for their data to be erased. It takes effect on "
                     "{date} unless you erase it sooner: see People, erasure requests.").format(date=when)
        sms_channel().send(leader.phone, body)

    transaction.on_commit(send)


# --- erasing ------------------------------------------------------------------------------------

@transaction.atomic
def confirm_erasure(actor: Person, req: ErasureRequest) -> ErasureRequest:
    """A coordinator of the person erases at once, without waiting for the grace period."""
    req = ErasureRequest.objects.select_for_update().select_related("person").get(pk=req.pk)
    if not may_manage(actor, req.person):
        raise PeopleError(_("Unknown member, or outside the part of the organisation you lead."), status=404)
    if req.done_at is not None:
        raise PeopleError(_("This member's data was already erased."), status=409)
    return erase(actor, req, confirmed_by=actor)


@transaction.atomic
def erase(actor, req: ErasureRequest, *, now: datetime | None = None, confirmed_by: Person | None = None
          ) -> ErasureRequest:
    """Run the erasure (once: a request already done is returned as it is, ``erased_now`` False)."""
    req = ErasureRequest.objects.select_for_update().get(pk=req.pk)
    req.erased_now = False
    if req.done_at is not None:
        return req
    now = now or timezone.now()
    person = Person.objects.select_for_update().get(pk=req.person_id)
    old_phone = person.phone
    for post in Post.objects.filter(person=person, active=True):
        end_post(actor, post)
    code = req.pseudonym or pseudonym_code()
    person.name_hi, person.name_en = pseudonym_names(code)
    person.phone = placeholder_phone(person.pk)
    person.search_name = search_name(person.name_hi, person.name_en)
    person.is_active, person.inactive_since = False, None
    person.save(update_fields=["name_hi", "name_en", "phone", "search_name", "is_active", "inactive_since"])
    _write_tokens(person)
    LoginCode.objects.filter(phone=old_phone).delete()
    OutboxMessage.objects.filter(to=old_phone).delete()
    changed = run_erasers(person)
    req.pseudonym, req.done_at, req.confirmed_by = code, now, confirmed_by
    req.save(update_fields=["pseudonym", "done_at", "confirmed_by"])
    audit.record(actor, "person.erase", person, after={"request": req.pk, "reason": req.reason,
                                                       "rows": sum(changed.values())})
    forget(person)
    req.erased_now = True
    return req


def erase_people(person: Person, marker: str) -> int:  # noqa: ARG001 - no free text of theirs here
    """The people app's eraser: whatever lets one act as the person, and the transfers waiting."""
    n = sum(model.objects.filter(person=person).delete()[0]
            for model in (PersonSession, ApiToken, TOTPDevice, RecoveryCode, Passkey))
    n += TransferRequest.objects.filter(person=person, status=TransferStatus.PENDING).update(
        status=TransferStatus.REJECTED, decided_at=timezone.now())
    return n


def register() -> None:
    register_eraser("people", erase_people, covers=[
        "people.PersonSession.*", "people.ApiToken.*", "people.TOTPDevice.*", "people.RecoveryCode.*",
        "people.Passkey.*"])


# --- timed work ---------------------------------------------------------------------------------

def erase_due(now: datetime) -> int:
    """Requests past their grace period (a bounded batch per tick). Each is claimed by locking its row:
    a tick running at the same time waits, then finds it done and counts nothing for it."""
    due = list(ErasureRequest.objects.filter(done_at__isnull=True, due_at__lte=now)
               .order_by("due_at", "pk").values_list("pk", flat=True)[:BATCH])
    return sum(erase(None, ErasureRequest(pk=pk), now=now).erased_now for pk in due)


def erase_idle(now: datetime) -> int:
    """People without a post and without a log-in for people.inactive_erase_days (retention): read
    from the index on inactive_since, oldest first, a bounded batch per tick."""
    cutoff = now - timedelta(days=policies.inactive_erase_days())
    idle = list(Person.objects.filter(inactive_since__lt=cutoff).order_by("inactive_since")
                .values_list("pk", flat=True)[:BATCH])
    done = 0
    for pk in idle:
        with transaction.atomic():
            person = Person.objects.select_for_update().filter(pk=pk, inactive_since__lt=cutoff).first()
            if person is None:
                continue  # given a post or logged in meanwhile
            if Post.objects.filter(person=person, active=True).exists():
                # Posts written without the services (a bulk load): not idle; never read again.
                Person.objects.filter(pk=pk).update(inactive_since=None)
                continue
            req = pending_request(person) or ErasureRequest.objects.create(
                person=person, reason=ErasureReason.RETENTION, requested_at=now, due_at=now)
            done += erase(None, req, now=now).erased_now
    return done
