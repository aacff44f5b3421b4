"""Phone + one-time code login, and personal API tokens.

Codes: 6 random digits, stored hashed, valid 10 minutes, single use, locked after 5 wrong tries.
Sends are capped per phone and per IP, atomically: the cap is counted and the code written under a
lock on the phone and on the address. The answer to "send me a code" is the same whether or not
the phone belongs to a member, so the form cannot be used to find out who is one.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.channels import sms_channel
from sampark.core.locks import named_lock
from sampark.core.text import ascii_digits, clean
from sampark.people.models import ApiToken, LoginCode, Person
from sampark.people.services import PeopleError, normalize_phone

CODE_TTL = timedelta(minutes=10)
CAP_WINDOW = timedelta(hours=1)
MAX_ATTEMPTS = 5


class LoginError(ValueError):
    """The message is for the user."""


# Codes and tokens are hashed with keys of their own, derived from SAMPARK_HASH_KEY (never from the
# session key, which is rotated on its own): a leaked code table cannot be searched for the six
# digits without that key, and a code hash is no token hash.
CODE_PURPOSE = "sampark login code v1"
TOKEN_PURPOSE = "sampark api token v1"


def _key(purpose: str) -> bytes:
    return hmac.new(settings.SAMPARK_HASH_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


def _hash(purpose: str, value: str) -> str:
    return hmac.new(_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def code_hash(phone: str, code: str) -> str:
    return _hash(CODE_PURPOSE, phone + ":" + code)


def token_hash(key: str) -> str:
    return _hash(TOKEN_PURPOSE, key)


def _sent_last_hour(now, **where) -> int:
    return LoginCode.objects.filter(created_at__gt=now - CAP_WINDOW, created_at__lte=now, **where).count()


def request_code(phone_raw: str, ip: str | None = None, *, now=None) -> str:
    """Send a code if the phone is a member's. Returns the normalised phone; raises LoginError for
    malformed input or too many sends. Known and unknown phones get the same answer: a code row is
    written for both (so the caps count both alike); only a member's phone gets an SMS."""
    try:
        phone = normalize_phone(phone_raw)
    except PeopleError as exc:
        raise LoginError(str(exc)) from exc
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # Counted and written under the locks, so concurrent asks cannot all see room under the
        # cap. The phone's lock is always taken before the address's, so no two asks wait for
        # each other; the time is read once both are held, so the codes of those before count.
        named_lock("login-code:phone:" + phone)
        if ip:
            named_lock("login-code:ip:" + ip)
        now = now or timezone.now()
        if _sent_last_hour(now, phone=phone) >= settings.SAMPARK_OTP_PER_PHONE_HOUR:
            raise LoginError(_("Too many codes were asked for this number. Try again in an hour."))
        if ip and _sent_last_hour(now, ip=ip) >= settings.SAMPARK_OTP_PER_IP_HOUR:
            raise LoginError(_("Too many codes were asked from this network. Try again in an hour."))
        LoginCode.objects.create(phone=phone, ip=ip, code_hash=code_hash(phone, code),
                                 created_at=now, expires_at=now + CODE_TTL)
        person = Person.objects.filter(phone=phone, is_active=True).first()
        if person is not None:
            with translation.override(person.lang):
                text = _("Your Sampark login code is {code}. It is valid for 10 minutes.").format(code=code)
            lang = person.lang
            transaction.on_commit(lambda: sms_channel().send(phone, text, secret=code, template="login_code",
                                                             params=[code], lang=lang))
    return phone


def verify_code(phone_raw: str, code: str, ip: str | None = None, *, now=None) -> Person:
    """The person whose latest live code this is; LoginError otherwise. Only the newest unused,
    unexpired code counts; each wrong try is kept, and after MAX_ATTEMPTS the code is dead."""
    now = now or timezone.now()
    try:
        phone = normalize_phone(phone_raw)
    except PeopleError as exc:
        raise LoginError(str(exc)) from exc
    code = "".join(ch for ch in ascii_digits(code or "") if ch in "0123456789")
    wrong = LoginError(_("That code is wrong or has expired. Ask for a new one."))
    person = None
    with transaction.atomic():
        login = (LoginCode.objects.select_for_update()
                 .filter(phone=phone, used_at__isnull=True, expires_at__gt=now, created_at__lte=now)
                 .order_by("-created_at", "-pk").first())
        if login is None:
            raise wrong
        if login.attempts >= MAX_ATTEMPTS:
            raise LoginError(_("Too many wrong tries. Ask for a new code."))
        if not hmac.compare_digest(login.code_hash, code_hash(phone, code)):
            # Counted in this transaction, which commits: the error is raised after the block.
            LoginCode.objects.filter(pk=login.pk).update(attempts=F("attempts") + 1)
        else:
            LoginCode.objects.filter(pk=login.pk).update(used_at=now)
            person = Person.objects.filter(phone=phone, is_active=True).first()
            if person is not None:
                audit.record(person, "login", person, ip=ip)
                # A log-in restarts the retention clock of someone without a post (people.erasure).
                Person.objects.filter(pk=person.pk, inactive_since__isnull=False).update(inactive_since=now)
    if person is None:
        raise wrong
    return person


TOKEN_TOUCH = timedelta(minutes=15)


def issue_token(actor, person: Person, label: str = "") -> str:
    """Create a personal API token; the plain key is shown once and only its hash is stored."""
    key = "smp_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(person=person, prefix=key[:12], key_hash=token_hash(key), label=clean(label)[:100])
        audit.record(actor, "token.issue", token, after={"person": person.pk, "prefix": token.prefix,
                                                         "label_len": audit.length(token.label)})
    return key


def revoke_token(actor, token: ApiToken) -> bool:
    """Revoke a token; False if it was already revoked (nothing written then)."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if changed:
            audit.record(actor, "token.revoke", token, before={"revoked": False}, after={"revoked": True})
    return bool(changed)


def person_for_token(key: str) -> Person | None:
    if not key or not key.startswith("smp_") or len(key) > 100:
        return None
    token = (ApiToken.objects.select_related("person")
             .filter(key_hash=token_hash(key), revoked_at__isnull=True, person__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - TOKEN_TOUCH:
        # At most one write per token per quarter hour, so an API read stays a read.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
