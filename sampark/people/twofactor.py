"""The second factor, for those who can read member lists.

Who: a person holding an active post (any role) at district level or above, that is at a unit
whose level ranks at or above the level coded ``district``. Such posts reach every booth of a
district, so their holders can read thousands of names and phone numbers; below that, booth and
mandal workers keep phone + code. Anyone may enrol; whoever has enrolled is asked at log-in.

What: an authenticator app (TOTP, RFC 6238) is the factor one enrols; confirming it gives ten
recovery codes, shown once. Passkeys (WebAuthn) can then be added and used instead of a code.

* The TOTP secret is stored encrypted (AES-GCM under a key derived from SECRET_KEY, so a copy of
  the database alone does not give it away); the last 30-second step a code was taken for is kept,
  so a code seen over someone's shoulder cannot be used again.
* Recovery codes are stored as keyed hashes; each works once (a conditional UPDATE).
* Wrong answers count on the person's authenticator row, like a login code's tries: after
  MAX_ATTEMPTS the half-done log-in ends and a new SMS code is needed (which resets the count).

The half-logged-in state (phone code right, factor not yet given) lives in the session under its
own key, never the logged-in person's key, and expires after PENDING_TTL. A session that has
passed the factor carries the time it did; revealing phone numbers in bulk asks again when that
is older than SAMPARK_STEP_UP_MINUTES (``needs_step_up``).
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import webauthn
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from sampark.core import audit
from sampark.core.text import ascii_digits
from sampark.org.models import Level
from sampark.people.auth import MAX_ATTEMPTS
from sampark.people.models import Passkey, Person, Post, RecoveryCode, TOTPDevice

REQUIRED_FROM_LEVEL = "district"
REQUIRED_FROM_RANK = 20  # the district's rank in the default ladder, if the level was renamed away
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1 to misread
PENDING_TTL = timedelta(minutes=5)
STATUS_MAX_AGE = 60.0
STATUS_KEPT = 10_000
ISSUER = "Sampark"

PENDING_KEY = "sampark_2fa_pending"
PASSED_KEY = "sampark_2fa_at"
CHALLENGE_KEY = "sampark_2fa_challenge"


class SecondFactorError(ValueError):
    """The message is for the user. ``locked``: too many wrong answers, start the log-in again."""

    def __init__(self, message, *, locked: bool = False):
        super().__init__(message)
        self.locked = locked


# --- who must have one --------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    required: bool  # holds an active post at district level or above
    enrolled: bool  # has a confirmed authenticator

    @property
    def asked(self) -> bool:
        return self.required or self.enrolled


_status: dict[int, tuple[float, Status]] = {}


def status(person: Person, *, fresh: bool = False) -> Status:
    """Read in one query, then kept in the process for STATUS_MAX_AGE seconds so that an API call
    pays nothing for it; enrolling clears it at once (a new post is seen within the minute)."""
    now = time.monotonic()
    kept = None if fresh else _status.get(person.pk)
    if kept is not None and now - kept[0] < STATUS_MAX_AGE:
        return kept[1]
    district = Level.objects.filter(code=REQUIRED_FROM_LEVEL).values("rank")[:1]
    high_posts = Post.objects.filter(person=OuterRef("pk"), active=True,
                                     unit__level__rank__lte=Coalesce(Subquery(district), Value(REQUIRED_FROM_RANK)))
    row = (Person.objects.filter(pk=person.pk)
           .annotate(required=Exists(high_posts),
                     enrolled=Exists(TOTPDevice.objects.filter(person=OuterRef("pk"), confirmed_at__isnull=False)))
           .values_list("required", "enrolled").first())
    result = Status(*row) if row else Status(False, False)
    if len(_status) >= STATUS_KEPT:  # a process sees many booth workers in a day: stay small
        _status.clear()
    _status[person.pk] = (now, result)
    return result


def forget_status(person: Person | None = None) -> None:
    if person is None:
        _status.clear()
    else:
        _status.pop(person.pk, None)


def token_refusal(person: Person) -> str | None:
    """Why an API token of this person is refused, or None: a person who must have a second factor
    and has not enrolled one uses no token until they do."""
    s = status(person)
    if s.required and not s.enrolled:
        return _("Enrol a second factor (authenticator app) in Sampark before using the API.")
    return None


# --- keys ---------------------------------------------------------------------------------------

def _subkeys(purpose: str) -> list[bytes]:
    """Keys for one purpose, derived from SAMPARK_HASH_KEY like the login codes' and tokens' (never
    from the session key, so rotating SECRET_KEY keeps every authenticator readable). A list, so a
    later rotation of the hash key can keep reading with the old one."""
    return [hmac.new(settings.SAMPARK_HASH_KEY.encode(), b"sampark.twofactor." + purpose.encode(),
                     hashlib.sha256).digest()]


def _encrypt(secret: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(_subkeys("totp")[0]).encrypt(nonce, secret.encode(), b"totp")).decode()


def _decrypt(blob: str) -> str:
    raw = base64.b64decode(blob)
    for key in _subkeys("totp"):
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], b"totp").decode()
        except InvalidTag:
            continue
    raise SecondFactorError(_("Your authenticator can no longer be read. Use a recovery code."))


def _recovery_hashes(person_pk: int, code: str) -> list[str]:
    return [hmac.new(key, f"{person_pk}:{code}".encode(), hashlib.sha256).hexdigest()
            for key in _subkeys("recovery")]


# --- TOTP ---------------------------------------------------------------------------------------

def _digits(code: str) -> str:
    return "".join(ch for ch in ascii_digits(code or "") if ch in "0123456789")


def _matching_step(secret: str, code: str, now, after: int) -> int | None:
    """The 30-second step (this one or either neighbour, for a phone clock a little off) whose code
    this is, if it is later than ``after``."""
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def start_totp(person: Person) -> str:
    """A new secret for the person's authenticator, not yet confirmed (replacing an unconfirmed one)."""
    if TOTPDevice.objects.filter(person=person, confirmed_at__isnull=False).exists():
        raise SecondFactorError(_("An authenticator is already set up."))
    secret = pyotp.random_base32()
    TOTPDevice.objects.update_or_create(person=person, defaults={
        "secret_encrypted": _encrypt(secret), "confirmed_at": None, "last_used_step": 0, "failed_tries": 0,
        "created_at": timezone.now()})
    return secret


def unconfirmed_secret(person: Person) -> str | None:
    device = TOTPDevice.objects.filter(person=person, confirmed_at__isnull=True).first()
    return _decrypt(device.secret_encrypted) if device else None


def provisioning_uri(person: Person, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=person.phone, issuer_name=ISSUER)


def _new_recovery_codes(person: Person, now) -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8)) for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(person=person).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(person=person, code_hash=_recovery_hashes(person.pk, c)[0],
                                                   created_at=now) for c in codes])
    return [f"{c[:4]}-{c[4:]}" for c in codes]


def confirm_totp(person: Person, code: str, *, now=None) -> list[str]:
    """Confirm the new authenticator with a code from it; returns the ten recovery codes (the only
    time they are seen)."""
    now = now or timezone.now()
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(person=person, confirmed_at__isnull=True).first()
        if device is None:
            raise SecondFactorError(_("Start again: open the page to set up the authenticator."))
        step = _matching_step(_decrypt(device.secret_encrypted), _digits(code), now, 0)
        if step is None:
            raise SecondFactorError(_("That code is not right. Type the 6 digits the app shows now."))
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=now, last_used_step=step, failed_tries=0)
        codes = _new_recovery_codes(person, now)
        audit.record(person, "2fa.enrol", device, after={"kind": "totp"})
    forget_status(person)
    return codes


def enrol_totp(actor, person: Person, secret: str, *, now=None) -> list[str]:
    """Enrol an authenticator whose secret is already known (the demo's published ones); returns
    recovery codes. Replaces an earlier authenticator of the person."""
    now = now or timezone.now()
    with transaction.atomic():
        device, _created = TOTPDevice.objects.update_or_create(person=person, defaults={
            "secret_encrypted": _encrypt(secret), "confirmed_at": now, "last_used_step": 0, "failed_tries": 0,
            "created_at": now})
        codes = _new_recovery_codes(person, now)
        audit.record(actor, "2fa.enrol", device, after={"kind": "totp", "person": person.pk})
    forget_status(person)
    return codes


def replace_recovery_codes(person: Person, *, now=None) -> list[str]:
    """Ten new recovery codes for an enrolled person (the old ones stop working); shown once."""
    now = now or timezone.now()
    with transaction.atomic():
        if not TOTPDevice.objects.filter(person=person, confirmed_at__isnull=False).exists():
            raise SecondFactorError(_("Set up the authenticator app first."))
        codes = _new_recovery_codes(person, now)
        audit.record(person, "second_factor.recovery_codes", person)
    return codes


def remove_passkey(person: Person, passkey_id: int) -> bool:
    """Remove one of the person's own passkeys (a phone given away); the authenticator app stays."""
    with transaction.atomic():
        removed = Passkey.objects.filter(person=person, pk=passkey_id).delete()[0]
        if removed:
            audit.record(person, "second_factor.passkey_remove", person, after={"passkey": passkey_id})
    return bool(removed)


def recovery_codes_left(person: Person) -> int:
    return RecoveryCode.objects.filter(person=person, used_at__isnull=True).count()


def verify(person: Person, answer: str, *, now=None, ip: str | None = None) -> str:
    """Check a code from the authenticator ("totp") or a recovery code ("recovery"); returns which.
    A code is taken once (its step is remembered); wrong answers are counted, and at MAX_ATTEMPTS
    every answer is refused (``locked``) until the next SMS code (``begin_pending``)."""
    now = now or timezone.now()
    answer = (answer or "").strip()
    digits = _digits(answer)
    recovery = "".join(ch for ch in answer.lower() if ch.isascii() and ch.isalnum())
    used = None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(person=person, confirmed_at__isnull=False).first()
        if device is None:
            raise SecondFactorError(_("No authenticator is set up."))
        if device.failed_tries >= MAX_ATTEMPTS:
            raise SecondFactorError(_("Too many wrong tries. Log in again with a new SMS code."), locked=True)
        if len(recovery) == 8:
            if RecoveryCode.objects.filter(person=person, code_hash__in=_recovery_hashes(person.pk, recovery),
                                           used_at__isnull=True).update(used_at=now):
                TOTPDevice.objects.filter(pk=device.pk).update(failed_tries=0)
                used = "recovery"
        elif len(digits) == 6:
            step = _matching_step(_decrypt(device.secret_encrypted), digits, now, device.last_used_step)
            # Conditional, so two requests with one code cannot both pass.
            if step is not None and TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                    last_used_step=step, failed_tries=0):
                used = "totp"
        if used:
            audit.record(person, "2fa.verify", device, after={"kind": used}, ip=ip)
        else:
            # Counted in this transaction, which commits: the error is raised after the block.
            TOTPDevice.objects.filter(pk=device.pk).update(failed_tries=F("failed_tries") + 1)
    if used is None:
        raise SecondFactorError(_("That code is wrong or was already used."))
    return used


# --- passkeys (WebAuthn) -----------------------------------------------------------------------

def _rp_id() -> str:
    return settings.SAMPARK_WEBAUTHN_RP_ID


def _origins(request_origin: str) -> list[str]:
    """The configured origins; without any, the page's own (its host is checked by ALLOWED_HOSTS,
    and the browser signs the origin it really is on)."""
    return settings.SAMPARK_WEBAUTHN_ORIGIN or [request_origin]


def _challenge_in(session, purpose: str) -> bytes:
    saved = session.pop(CHALLENGE_KEY, None) or {}
    if saved.get("purpose") != purpose or saved.get("until", 0) < time.time():
        raise SecondFactorError(_("The passkey request has expired. Try again."))
    return base64.b64decode(saved["challenge"])


def _keep_challenge(session, purpose: str, challenge: bytes) -> None:
    session[CHALLENGE_KEY] = {"purpose": purpose, "challenge": base64.b64encode(challenge).decode(),
                              "until": time.time() + 300}


def passkey_registration_options(session, person: Person) -> str:
    """Options for navigator.credentials.create, as JSON; the challenge waits in the session."""
    if not status(person, fresh=True).enrolled:
        raise SecondFactorError(_("Set up the authenticator app first; then add a passkey."))
    options = webauthn.generate_registration_options(
        rp_id=_rp_id(), rp_name=ISSUER, user_name=person.phone, user_id=str(person.pk).encode(),
        user_display_name=person.name or person.phone,
        exclude_credentials=[PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c))
                             for c in person.passkeys.values_list("credential_id", flat=True)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED))
    _keep_challenge(session, "register", options.challenge)
    return webauthn.options_to_json(options)


def register_passkey(session, person: Person, credential: dict, origin: str, label: str = "") -> Passkey:
    challenge = _challenge_in(session, "register")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=_rp_id(),
            expected_origin=_origins(origin))
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as exc:
        raise SecondFactorError(_("The passkey could not be added.")) from exc
    with transaction.atomic():
        key = Passkey.objects.create(person=person, credential_id=bytes_to_base64url(verified.credential_id),
                                     public_key=verified.credential_public_key, sign_count=verified.sign_count,
                                     label=label[:100])
        audit.record(person, "2fa.enrol", key, after={"kind": "passkey"})
    return key


def passkey_authentication_options(session, person: Person) -> str:
    ids = list(person.passkeys.values_list("credential_id", flat=True))
    if not ids:
        raise SecondFactorError(_("No passkey is set up."))
    options = webauthn.generate_authentication_options(
        rp_id=_rp_id(), allow_credentials=[PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c))
                                           for c in ids],
        user_verification=UserVerificationRequirement.PREFERRED)
    _keep_challenge(session, "authenticate", options.challenge)
    return webauthn.options_to_json(options)


def verify_passkey(session, person: Person, credential: dict, origin: str, *, now=None,
                   ip: str | None = None) -> Passkey:
    now = now or timezone.now()
    challenge = _challenge_in(session, "authenticate")
    key = Passkey.objects.filter(person=person, credential_id=str(credential.get("id", ""))[:400]).first()
    if key is None:
        raise SecondFactorError(_("This passkey is not one of yours."))
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=_rp_id(),
            expected_origin=_origins(origin), credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count)
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as exc:
        raise SecondFactorError(_("The passkey could not be checked.")) from exc
    with transaction.atomic():
        Passkey.objects.filter(pk=key.pk).update(sign_count=verified.new_sign_count, last_used_at=now)
        audit.record(person, "2fa.verify", key, after={"kind": "passkey"}, ip=ip)
    return key


def parse_credential(body: bytes) -> dict:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SecondFactorError(_("The passkey answer could not be read.")) from exc
    if not isinstance(data, dict):
        raise SecondFactorError(_("The passkey answer could not be read."))
    return data


# --- the session ---------------------------------------------------------------------------------

def begin_pending(session, person: Person, next_url: str | None, *, now=None) -> None:
    """Phone code right, factor still to give: kept apart from the logged-in key, briefly. A new SMS
    code gives a fresh count of tries, as it does for the code itself."""
    now = now or timezone.now()
    TOTPDevice.objects.filter(person=person).update(failed_tries=0)
    session.pop(PASSED_KEY, None)
    session[PENDING_KEY] = {"person": person.pk, "until": (now + PENDING_TTL).timestamp(), "next": next_url or ""}


def pending_person(session, *, now=None) -> Person | None:
    now = now or timezone.now()
    pending = session.get(PENDING_KEY)
    if not pending or pending.get("until", 0) < now.timestamp():
        session.pop(PENDING_KEY, None)
        return None
    return Person.objects.filter(pk=pending.get("person"), is_active=True).first()


def end_pending(session) -> str:
    """Forget the half-done log-in; returns where it was going."""
    return (session.pop(PENDING_KEY, None) or {}).get("next", "")


def mark_passed(session, *, now=None) -> None:
    session[PASSED_KEY] = (now or timezone.now()).timestamp()


def passed_at(session) -> float | None:
    return session.get(PASSED_KEY)


def is_fresh(session, *, now=None) -> bool:
    at = passed_at(session)
    now = now or timezone.now()
    return at is not None and now.timestamp() - at < settings.SAMPARK_STEP_UP_MINUTES * 60


def reset(actor: Person, person: Person) -> None:
    """A lost phone with lost recovery codes: a leader above the person removes their authenticator,
    recovery codes and passkeys, and ends their sessions. At the next log-in (phone and SMS code)
    a leader is held at enrolment again. Audited; the caller checks that the actor leads above."""
    from sampark.people import sessions

    with transaction.atomic():
        removed = {"authenticator": TOTPDevice.objects.filter(person=person).delete()[0],
                   "recovery_codes": RecoveryCode.objects.filter(person=person).delete()[0],
                   "passkeys": Passkey.objects.filter(person=person).delete()[0]}
        audit.record(actor, "second_factor.reset", person, after=removed)
        sessions.end_sessions(actor, person)
    forget_status(person)
