"""Phone + one-time code login (sampark.people.auth)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from sampark.core.channels import MemorySMS
from sampark.core.models import OutboxMessage
from sampark.people.auth import (
    CODE_TTL,
    MAX_ATTEMPTS,
    LoginError,
    person_for_token,
    request_code,
    verify_code,
)
from sampark.people.models import LoginCode
from sampark.people.services import create_person

PHONE = "+919876543210"


@pytest.fixture(autouse=True)
def english():
    """Messages are matched by their English msgids; Hindi is checked in its own test."""
    with translation.override("en"):
        yield
UNKNOWN = "+919111111111"


@pytest.fixture
def member(db):
    return create_person(None, phone=PHONE, name_hi="राजेश वर्मा", name_en="Rajesh Verma")


def send(phone, ip="10.0.0.1", now=None, capture=None):
    with capture(execute=True):
        return request_code(phone, ip, now=now)


def last_code(phone=PHONE) -> str:
    """The code as the phone received it (the outbox keeps it masked)."""
    body = MemorySMS.last_to(phone)
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_code_goes_out_by_sms_into_the_outbox_and_logs_in(member, django_capture_on_commit_callbacks, capsys):
    assert send("98765 43210", capture=django_capture_on_commit_callbacks) == PHONE
    msg = OutboxMessage.objects.get()
    assert msg.channel == "sms" and msg.to == PHONE and msg.status == OutboxMessage.Status.SENT
    code = last_code()
    assert len(code) == 6 and code.isdigit()
    assert code in capsys.readouterr().out  # the console channel prints it for the laptop
    assert verify_code(PHONE, code) == member


def test_sms_is_in_the_members_language(db, django_capture_on_commit_callbacks):
    create_person(None, phone=PHONE, name_en="Rajesh", lang="en")
    send(PHONE, capture=django_capture_on_commit_callbacks)
    assert "login code" in OutboxMessage.objects.get().body


def test_code_is_stored_hashed_never_plain(member, django_capture_on_commit_callbacks):
    send(PHONE, capture=django_capture_on_commit_callbacks)
    code = last_code()
    row = LoginCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    for field in LoginCode._meta.concrete_fields:
        assert str(getattr(row, field.attname)) != code


def test_codes_are_random(member, django_capture_on_commit_callbacks, settings):
    settings.SAMPARK_OTP_PER_PHONE_HOUR = 100
    codes = set()
    for _ in range(20):
        send(PHONE, capture=django_capture_on_commit_callbacks)
        codes.add(last_code())
    assert len(codes) >= 15  # 20 draws from a million collide rarely


def test_code_valid_for_ten_minutes_only(member, django_capture_on_commit_callbacks):
    t0 = timezone.now()
    send(PHONE, now=t0, capture=django_capture_on_commit_callbacks)
    code = last_code()
    with pytest.raises(LoginError):
        verify_code(PHONE, code, now=t0 + CODE_TTL + timedelta(seconds=1))
    assert verify_code(PHONE, code, now=t0 + CODE_TTL - timedelta(seconds=1)) == member


def test_code_is_single_use(member, django_capture_on_commit_callbacks):
    send(PHONE, capture=django_capture_on_commit_callbacks)
    code = last_code()
    assert verify_code(PHONE, code) == member
    with pytest.raises(LoginError):
        verify_code(PHONE, code)


def test_five_wrong_tries_lock_the_code(member, django_capture_on_commit_callbacks):
    send(PHONE, capture=django_capture_on_commit_callbacks)
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(LoginError):
            verify_code(PHONE, wrong)
    assert LoginCode.objects.get().attempts == MAX_ATTEMPTS
    with pytest.raises(LoginError, match="Too many wrong tries"):
        verify_code(PHONE, code)  # the right code no longer works
    # A new code works again.
    send(PHONE, capture=django_capture_on_commit_callbacks)
    assert verify_code(PHONE, last_code()) == member


def test_four_wrong_tries_then_the_right_code_still_works(member, django_capture_on_commit_callbacks):
    send(PHONE, capture=django_capture_on_commit_callbacks)
    code = last_code()
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(LoginError):
            verify_code(PHONE, "000000" if code != "000000" else "111111")
    assert verify_code(PHONE, code) == member


def test_only_the_newest_code_counts(member, django_capture_on_commit_callbacks):
    send(PHONE, capture=django_capture_on_commit_callbacks)
    first = last_code()
    send(PHONE, capture=django_capture_on_commit_callbacks)
    second = last_code()
    if first != second:
        with pytest.raises(LoginError):
            verify_code(PHONE, first)
    assert verify_code(PHONE, second) == member


def test_devanagari_digits_and_spaces_in_the_code(member, django_capture_on_commit_callbacks):
    send(PHONE, capture=django_capture_on_commit_callbacks)
    code = last_code()
    typed = " ".join(code).translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    assert verify_code("०९८७६५४३२१०", typed) == member


def test_sends_capped_per_phone(member, django_capture_on_commit_callbacks, settings):
    settings.SAMPARK_OTP_PER_PHONE_HOUR = 3
    settings.SAMPARK_OTP_PER_IP_HOUR = 100
    t0 = timezone.now()
    for i in range(3):
        send(PHONE, ip=f"10.0.0.{i}", now=t0 + timedelta(minutes=i), capture=django_capture_on_commit_callbacks)
    with pytest.raises(LoginError, match="this number"):
        send(PHONE, ip="10.0.0.9", now=t0 + timedelta(minutes=5), capture=django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.count() == 3
    # An hour after the first send, one more is allowed.
    send(PHONE, now=t0 + timedelta(minutes=61), capture=django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.count() == 4


def test_sends_capped_per_ip(db, django_capture_on_commit_callbacks, settings):
    settings.SAMPARK_OTP_PER_PHONE_HOUR = 100
    settings.SAMPARK_OTP_PER_IP_HOUR = 4
    for i in range(4):
        send(f"+91900000001{i}", ip="10.9.9.9", capture=django_capture_on_commit_callbacks)
    with pytest.raises(LoginError, match="network"):
        send("+919000000019", ip="10.9.9.9", capture=django_capture_on_commit_callbacks)
    send("+919000000019", ip="10.9.9.10", capture=django_capture_on_commit_callbacks)  # another network may


def _outcome(fn):
    try:
        return ("ok", fn())
    except LoginError as exc:
        return ("error", str(exc))


def test_unknown_phone_gets_the_same_answer_but_no_sms(member, django_capture_on_commit_callbacks, settings):
    settings.SAMPARK_OTP_PER_PHONE_HOUR = 2
    known, unknown = [], []
    for _ in range(3):
        known.append(_outcome(lambda: send(PHONE, capture=django_capture_on_commit_callbacks)))
        unknown.append(_outcome(lambda: send(UNKNOWN, capture=django_capture_on_commit_callbacks)))
    assert [k[0] for k in known] == [u[0] for u in unknown] == ["ok", "ok", "error"]
    assert known[0][1] == PHONE and unknown[0][1] == UNKNOWN  # each gets its own normalised phone back
    assert known[2][1] == unknown[2][1]  # the same message when capped
    assert not OutboxMessage.objects.filter(to=UNKNOWN).exists()
    assert OutboxMessage.objects.filter(to=PHONE).count() == 2
    # Verifying: the same error for a wrong code, known or not.
    assert _outcome(lambda: verify_code(PHONE, "12345x")) == _outcome(lambda: verify_code(UNKNOWN, "12345x"))


def test_malformed_phone_is_refused_with_a_message(db):
    with pytest.raises(LoginError, match="valid mobile number"):
        request_code("12345")
    with pytest.raises(LoginError, match="valid mobile number"):
        verify_code("abc", "123456")
    assert not LoginCode.objects.exists()


def test_login_writes_an_audit_row(member, django_capture_on_commit_callbacks):
    from sampark.core.models import AuditEntry

    send(PHONE, ip="10.1.2.3", capture=django_capture_on_commit_callbacks)
    verify_code(PHONE, last_code(), ip="10.1.2.3")
    row = AuditEntry.objects.get(action="login")
    assert row.actor_id == member.pk and row.ip == "10.1.2.0"  # the network (a /24), not the address


def test_inactive_member_gets_no_code(member, django_capture_on_commit_callbacks):
    from sampark.people.models import Person

    Person.objects.filter(pk=member.pk).update(is_active=False)
    assert send(PHONE, capture=django_capture_on_commit_callbacks) == PHONE
    assert not OutboxMessage.objects.exists()


def test_token_marks_its_last_use(member):
    from sampark.people.auth import issue_token
    from sampark.people.models import ApiToken

    key = issue_token(None, member, "phone")
    assert ApiToken.objects.get().last_used_at is None
    assert person_for_token(key) == member
    assert ApiToken.objects.get().last_used_at is not None
    assert person_for_token(key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_messages_are_hindi_by_default(db):
    from pathlib import Path

    from django.conf import settings

    if not any((Path(p) / "hi/LC_MESSAGES/django.mo").exists() for p in settings.LOCALE_PATHS):
        pytest.skip("Hindi catalogue not compiled (make test compiles it)")
    with translation.override("hi"), pytest.raises(LoginError) as exc:
        request_code("12345")
    assert re.search(r"[\u0900-\u097F]", str(exc.value)), str(exc.value)


# `sampark token`: personal API tokens for operators and scripts.

def _token_cmd(*args) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue().strip()


def test_token_command_prints_a_working_token_and_revokes_it(member, client):
    from django.core.management import CommandError

    from sampark.core.models import AuditEntry
    from sampark.people.models import ApiToken

    key = _token_cmd("--phone", "98765 43210", "--label", "laptop")
    assert key.startswith("smp_") and len(key) > 30 and "\n" not in key
    token = ApiToken.objects.get()
    assert token.label == "laptop" and token.key_hash != key and key not in token.key_hash
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["phone"] == PHONE

    second = _token_cmd("--phone", PHONE)
    listing = _token_cmd("--phone", PHONE, "--list")
    assert key[:12] in listing and second[:12] in listing and "laptop" in listing and key not in listing

    # "--revoke=": a random prefix may start with "-", which argparse would read as an option.
    assert _token_cmd("--phone", PHONE, f"--revoke={key[4:10]}") == f"revoked {key[:12]}"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
    assert "revoked" in _token_cmd("--phone", PHONE, "--list").splitlines()[0]
    with pytest.raises(CommandError, match="no active token"):
        _token_cmd("--phone", PHONE, "--revoke", key[:12])
    assert list(AuditEntry.objects.filter(object_type="people.apitoken").order_by("pk")
                .values_list("action", flat=True)) == ["token.issue", "token.issue", "token.revoke"]


def test_token_command_refuses_unknown_and_bad_phones(member):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No person"):
        _token_cmd("--phone", UNKNOWN)
    with pytest.raises(CommandError, match="valid mobile number"):
        _token_cmd("--phone", "12345")
    with pytest.raises(CommandError):
        _token_cmd("--phone", PHONE, "--revoke", "smp_")  # matches nothing active
