"""Phone + one-time code login, and personal API tokens.

Codes: 6 random digits, stored hashed, valid 10 minutes, single use, locked after 5 wrong tries.
Sends are capped per phone and per IP. The answer to "send me a code" is the same whether or not
the phone belongs to a member, so the form cannot be used to find out who is one.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.channels import sms_channel
from sampark.people.models import ApiToken, LoginCode, Person
from sampark.people.services import PeopleError, normalize_phone

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5


class LoginError(ValueError):
    """The message is for the user."""


def _hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def request_code(phone_raw: str, ip: str | None = None, *, now=None) -> str:
    """Send a code if the phone is a member's. Returns the normalised phone; raises LoginError for
    malformed input or too many sends (the same for known and unknown phones)."""
    now = now or timezone.now()
    try:
        phone = normalize_phone(phone_raw)
    except PeopleError as exc:
        raise LoginError(str(exc)) from exc
    hour_ago = now - timedelta(hours=1)
    if LoginCode.objects.filter(phone=phone, created_at__gte=hour_ago).count() >= settings.SAMPARK_OTP_PER_PHONE_HOUR:
        raise LoginError(_("Too many codes were asked for this number. Try again in an hour."))
    if ip and LoginCode.objects.filter(ip=ip, created_at__gte=hour_ago).count() >= settings.SAMPARK_OTP_PER_IP_HOUR:
        raise LoginError(_("Too many codes were asked from this network. Try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # A row for unknown phones too: the caps then count them the same way.
        LoginCode.objects.create(phone=phone, ip=ip, code_hash=_hash(phone + ":" + code),
                                 expires_at=now + CODE_TTL)
        person = Person.objects.filter(phone=phone, is_active=True).first()
        if person is not None:
            text = _("Your Sampark login code is {code}. It is valid for 10 minutes.").format(code=code)
            transaction.on_commit(lambda: sms_channel().send(phone, text))
    return phone


def verify_code(phone_raw: str, code: str, ip: str | None = None, *, now=None) -> Person:
    now = now or timezone.now()
    try:
        phone = normalize_phone(phone_raw)
    except PeopleError as exc:
        raise LoginError(str(exc)) from exc
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    wrong = LoginError(_("That code is wrong or has expired. Ask for a new one."))
    with transaction.atomic():
        login = (LoginCode.objects.select_for_update()
                 .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
                 .order_by("-created_at").first())
        if login is None:
            raise wrong
        if login.attempts >= MAX_ATTEMPTS:
            raise LoginError(_("Too many wrong tries. Ask for a new code."))
        if not hmac.compare_digest(login.code_hash, _hash(phone + ":" + code)):
            LoginCode.objects.filter(pk=login.pk).update(attempts=F("attempts") + 1)
            raise_after = wrong  # raised after the block commits, so the failed try sticks
        else:
            raise_after = None
            LoginCode.objects.filter(pk=login.pk).update(used_at=now)
            person = Person.objects.filter(phone=phone, is_active=True).first()
            if person is None:
                raise_after = wrong
            else:
                audit.record(person, "login", person, ip=ip)
    if raise_after is not None:
        raise raise_after
    return person


def issue_token(actor, person: Person, label: str = "") -> str:
    """Create a personal API token; the plain key is shown once and only its hash is stored."""
    key = "smp_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(person=person, prefix=key[:12], key_hash=_hash(key), label=label[:100])
        audit.record(actor, "token.issue", token, after={"person": person.pk, "prefix": token.prefix})
    return key


def revoke_token(actor, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(actor, "token.revoke", token)


def person_for_token(key: str) -> Person | None:
    if not key or not key.startswith("smp_"):
        return None
    token = (ApiToken.objects.select_related("person")
             .filter(key_hash=_hash(key), revoked_at__isnull=True, person__is_active=True).first())
    if token is None:
        return None
    return token.person
