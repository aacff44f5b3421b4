"""The second factor for those who can read member lists (sampark.people.twofactor): who must
enrol, the authenticator's codes (once each), recovery codes, the lock-out, the log-in that asks
for it, the enrolment that is forced, the step-up before a people export, the API, the demo."""

import io
import re
from datetime import timedelta

import pyotp
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from sampark.core.channels import MemorySMS
from sampark.people import twofactor
from sampark.people.auth import MAX_ATTEMPTS, issue_token
from sampark.people.middleware import SESSION_KEY
from sampark.people.models import Person, RecoveryCode, Role, TOTPDevice
from sampark.people.services import add_post
from sampark.people.twofactor import SecondFactorError
from tests.personas import enrol_authenticator, log_in


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def sms_code(client, phone: str, capture) -> str:
    """Ask for a login code on the page and read it as the phone received it (the outbox keeps it
    masked). The only place these tests read a code."""
    with capture(execute=True):
        assert client.post("/login/", {"phone": phone}).status_code == 302
    return re.search(r"\b(\d{6})\b", MemorySMS.last_to(phone)).group(1)


def save(client, session) -> None:
    """Keep a session changed by the test (the cookie carries it when sessions are signed cookies)."""
    from django.conf import settings

    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def code_for(secret: str, at=None) -> str:
    return pyotp.TOTP(secret).at(at or timezone.now())


# --- who ---------------------------------------------------------------------------------------------

def test_posts_at_district_level_and_above_must_have_one(world):
    assert twofactor.status(world.state_admin).required
    assert twofactor.status(world.patna_coord).required
    assert twofactor.status(world.up_coord).required
    assert not twofactor.status(world.patna_worker).required
    # A constituency coordinator sits below the district: phone + code, as a booth worker.
    ac = Person.objects.create(phone="+919000000077", name_en="AC coordinator")
    add_post(None, person=ac, unit=world.patna_ac, role=Role.COORDINATOR)
    assert not twofactor.status(ac).required
    # A promotion is seen once the kept answer is read afresh.
    add_post(None, person=world.patna_worker, unit=world.patna, role=Role.WORKER)
    assert twofactor.status(world.patna_worker, fresh=True).required


def test_the_kept_answers_stay_few(world, monkeypatch):
    monkeypatch.setattr(twofactor, "STATUS_KEPT", 2)
    for person in (world.patna_worker, world.gaya_worker, world.patna_coord):
        twofactor.status(person)
    assert len(twofactor._status) <= 2


# --- the authenticator ---------------------------------------------------------------------------------

def test_enrol_confirm_with_a_computed_code_gives_ten_recovery_codes(world):
    secret = twofactor.start_totp(world.patna_coord)
    with pytest.raises(SecondFactorError):
        twofactor.confirm_totp(world.patna_coord, "000000" if code_for(secret) != "000000" else "111111")
    assert not twofactor.status(world.patna_coord, fresh=True).enrolled
    codes = twofactor.confirm_totp(world.patna_coord, code_for(secret))
    assert len(codes) == len(set(codes)) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert twofactor.status(world.patna_coord).enrolled
    device = TOTPDevice.objects.get(person=world.patna_coord)
    for field in TOTPDevice._meta.concrete_fields:  # the secret is not kept as it is
        assert secret not in str(getattr(device, field.attname))
    stored = list(RecoveryCode.objects.filter(person=world.patna_coord).values_list("code_hash", flat=True))
    assert not {c.replace("-", "") for c in codes} & set(stored)
    from sampark.core.models import AuditEntry

    written = [str(e.after) for e in AuditEntry.objects.filter(action="2fa.enrol")]
    assert written and not any(secret in w or codes[0] in w for w in written)


def test_a_code_is_taken_once(world):
    secret = enrol_authenticator(world.patna_coord)
    code = code_for(secret)
    assert twofactor.verify(world.patna_coord, code) == "totp"
    with pytest.raises(SecondFactorError, match="already used"):
        twofactor.verify(world.patna_coord, code)
    # Nor an older one of the same minute once a newer step was taken.
    now = timezone.now()
    assert twofactor.verify(world.patna_coord, code_for(secret, now + timedelta(seconds=30)),
                            now=now + timedelta(seconds=30)) == "totp"
    with pytest.raises(SecondFactorError):
        twofactor.verify(world.patna_coord, code_for(secret, now), now=now + timedelta(seconds=30))


def test_codes_of_a_neighbouring_step_only(world):
    secret = enrol_authenticator(world.patna_coord)
    now = timezone.now()
    with pytest.raises(SecondFactorError):
        twofactor.verify(world.patna_coord, code_for(secret, now - timedelta(minutes=3)), now=now)
    assert twofactor.verify(world.patna_coord, code_for(secret, now - timedelta(seconds=30)), now=now) == "totp"


def test_a_recovery_code_works_once(world):
    codes = twofactor.enrol_totp(None, world.patna_coord, pyotp.random_base32())
    assert twofactor.verify(world.patna_coord, codes[0].upper().replace("-", " ")) == "recovery"
    with pytest.raises(SecondFactorError):
        twofactor.verify(world.patna_coord, codes[0])
    assert twofactor.recovery_codes_left(world.patna_coord) == 9
    # Another person's recovery code is nothing to this one.
    other = twofactor.enrol_totp(None, world.gaya_coord, pyotp.random_base32())
    with pytest.raises(SecondFactorError):
        twofactor.verify(world.patna_coord, other[0])


def test_wrong_answers_lock_like_a_login_code(world):
    secret = enrol_authenticator(world.patna_coord)
    right = code_for(secret)
    wrong = f"{(int(right) + 500) % 10**6:06d}"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(SecondFactorError) as caught:
            twofactor.verify(world.patna_coord, wrong)
        assert not caught.value.locked
    with pytest.raises(SecondFactorError) as caught:
        twofactor.verify(world.patna_coord, right)  # the right code no longer works
    assert caught.value.locked
    # A new SMS code (a fresh half-log-in) gives fresh tries, as a new code does.
    twofactor.begin_pending({}, world.patna_coord, None)
    assert twofactor.verify(world.patna_coord, right) == "totp"


def test_the_secret_survives_a_session_key_rotation(world, settings):
    secret = enrol_authenticator(world.patna_coord)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-key-" + "x" * 50, []
    assert twofactor.verify(world.patna_coord, code_for(secret)) == "totp"


# --- log-in ---------------------------------------------------------------------------------------------

def test_an_enrolled_leader_gives_the_factor_before_being_logged_in(client, world, django_capture_on_commit_callbacks):
    secret = enrol_authenticator(world.patna_coord)
    code = sms_code(client, "+919000000002", django_capture_on_commit_callbacks)
    r = client.post("/login/code/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/second-factor/"
    # Half logged in: kept apart from the logged-in key, and no page opens yet.
    assert SESSION_KEY not in client.session and twofactor.PENDING_KEY in client.session
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/me").status_code in (401, 403)
    page = client.get("/second-factor/")
    assert page.status_code == 200 and "ऑथेंटिकेटर ऐप खोलें" in page.content.decode()  # Hindi first
    bad = client.post("/second-factor/", {"code": "12345"})
    assert bad.status_code == 400
    r = client.post("/second-factor/", {"code": code_for(secret)})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.session[SESSION_KEY] == world.patna_coord.pk and twofactor.PENDING_KEY not in client.session
    assert client.get("/").status_code == 200


def test_the_half_log_in_expires(client, world, django_capture_on_commit_callbacks):
    secret = enrol_authenticator(world.patna_coord)
    client.post("/login/code/", {"code": sms_code(client, "+919000000002", django_capture_on_commit_callbacks)})
    session = client.session
    session[twofactor.PENDING_KEY]["until"] = (timezone.now() - timedelta(seconds=1)).timestamp()
    save(client, session)
    r = client.post("/second-factor/", {"code": code_for(secret)})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert SESSION_KEY not in client.session


def test_five_wrong_answers_end_the_half_log_in(client, world, django_capture_on_commit_callbacks):
    secret = enrol_authenticator(world.patna_coord)
    client.post("/login/code/", {"code": sms_code(client, "+919000000002", django_capture_on_commit_callbacks)})
    right = code_for(secret)
    for _ in range(MAX_ATTEMPTS):
        assert client.post("/second-factor/", {"code": f"{(int(right) + 7) % 10**6:06d}"}).status_code == 400
    r = client.post("/second-factor/", {"code": right})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert SESSION_KEY not in client.session and twofactor.PENDING_KEY not in client.session


def test_a_booth_worker_keeps_phone_and_code(client, world, django_capture_on_commit_callbacks):
    r = client.post("/login/code/", {"code": sms_code(client, "+919000000004", django_capture_on_commit_callbacks)})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_an_unenrolled_leader_is_held_at_enrolment(client, world, django_capture_on_commit_callbacks):
    r = client.post("/login/code/", {"code": sms_code(client, "+919000000002", django_capture_on_commit_callbacks)})
    assert r.status_code == 302
    for url in ("/", f"/units/{world.patna.pk}/", "/directives/", f"/org/units/{world.patna.pk}/export/people.csv"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/account/second-factor/?next="), url
    assert client.get("/api/v1/me").status_code == 403
    assert client.get("/about/").status_code == 200
    page = client.get("/account/second-factor/")
    assert page.status_code == 200
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page.content.decode()).group(1).replace(" ", "")
    assert f"secret={secret}" in page.content.decode() and "<svg" in page.content.decode()
    r = client.post("/account/second-factor/", {"code": code_for(secret), "next": "/directives/"})
    assert r.status_code == 200
    assert len(re.findall(r"<li>[a-z2-9]{4}-[a-z2-9]{4}</li>", r.content.decode())) == 10
    assert client.get("/").status_code == 200
    assert client.get(f"/org/units/{world.patna.pk}/export/people.csv").status_code == 200
    # The next log-in asks for the factor.
    client.post("/logout/")
    r = client.post("/login/code/", {"code": sms_code(client, "+919000000002", django_capture_on_commit_callbacks)})
    assert r["Location"] == "/second-factor/"


def test_an_enrolled_leaders_session_without_the_factor_is_asked_for_it(client, world):
    enrol_authenticator(world.patna_coord)
    session = client.session
    session[SESSION_KEY] = world.patna_coord.pk  # e.g. logged in before the factor was required
    save(client, session)
    r = client.get("/directives/")
    assert r.status_code == 302 and r["Location"] == "/second-factor/?next=%2Fdirectives%2F"
    # Nor can the enrolment page add a passkey without it.
    assert client.get("/account/second-factor/")["Location"].startswith("/second-factor/")
    assert client.post("/account/passkeys/options/")["Location"] == "/second-factor/"
    # Given long ago, the factor is asked again before a passkey is added.
    session = client.session
    session[twofactor.PASSED_KEY] = (timezone.now() - timedelta(hours=1)).timestamp()
    save(client, session)
    assert client.post("/account/passkeys/options/").status_code == 403
    assert twofactor.CHALLENGE_KEY not in client.session


# --- step-up ---------------------------------------------------------------------------------------------

def test_a_people_export_asks_the_factor_again_after_the_step_up_window(client, world, settings):
    settings.SAMPARK_STEP_UP_MINUTES = 10
    secret = enrol_authenticator(world.patna_coord)
    log_in(client, world.patna_coord)
    url = f"/org/units/{world.patna.pk}/export/people.csv"
    assert client.get(url).status_code == 200  # the factor was just given
    session = client.session
    session[twofactor.PASSED_KEY] = (timezone.now() - timedelta(minutes=11)).timestamp()
    save(client, session)
    r = client.get(url)
    assert r.status_code == 302 and r["Location"] == "/second-factor/?next=" + url.replace("/", "%2F")
    assert client.get(f"/org/units/{world.patna.pk}/export/units.csv").status_code == 200  # no phones there
    assert client.get(f"/units/{world.patna.pk}/").status_code == 200
    page = client.get(r["Location"])
    assert page.status_code == 200 and 'name="next" value="' + url + '"' in page.content.decode()
    r = client.post("/second-factor/", {"code": code_for(secret), "next": url})
    assert r.status_code == 302 and r["Location"] == url
    body = b"".join(client.get(url).streaming_content).decode()
    assert "+919000000004" in body  # the booth worker's phone, now shown


def test_step_up_wrong_answers_end_the_session(client, world):
    secret = enrol_authenticator(world.patna_coord)
    log_in(client, world.patna_coord)
    right = code_for(secret)
    for _ in range(MAX_ATTEMPTS):
        client.post("/second-factor/", {"code": f"{(int(right) + 9) % 10**6:06d}"})
    r = client.post("/second-factor/", {"code": right})
    assert r["Location"] == "/login/" and SESSION_KEY not in client.session


def test_a_booth_worker_exports_without_a_step_up(client, world):
    log_in(client, world.patna_worker)
    session = client.session
    session.pop(twofactor.PASSED_KEY)
    save(client, session)
    assert client.get(f"/org/units/{world.patna_booth.pk}/export/people.csv").status_code == 200


# --- the API ---------------------------------------------------------------------------------------------

def test_a_token_of_an_unenrolled_leader_is_refused_until_they_enrol(world):
    c = Client()
    headers = {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, world.patna_coord)}
    r = c.get("/api/v1/me", **headers)
    assert r.status_code == 403 and "दूसरा चरण (ऑथेंटिकेटर ऐप) सेट करें" in r.json()["detail"]
    worker = {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, world.patna_worker)}
    assert c.get("/api/v1/me", **worker).status_code == 200
    enrol_authenticator(world.patna_coord)
    assert c.get("/api/v1/me", **headers).status_code == 200


# --- the demo --------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_demo_leaders_are_enrolled_with_their_published_keys(settings):
    from sampark.demo import loader
    from sampark.demo.logins import DEMO_LOGINS, demo_totp_secret

    settings.SAMPARK_DEMO = True
    loader.load("small")
    leaders = [d.phone for d in DEMO_LOGINS if not d.where.startswith("booth:")]
    assert set(TOTPDevice.objects.filter(confirmed_at__isnull=False).values_list("person__phone", flat=True)) == set(
        leaders)
    secret = demo_totp_secret("+919900000002")
    assert secret == demo_totp_secret("+919900000002") and re.fullmatch(r"[A-Z2-7]{32}", secret)
    patna = Person.objects.get(phone="+919900000002")
    assert twofactor.verify(patna, code_for(secret)) == "totp"
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()
    for phone in leaders:
        assert demo_totp_secret(phone) in printed
    assert demo_totp_secret("+919900000004") not in printed
    # A demo database loaded before the second factor existed gets its leaders enrolled at the
    # next `make run` (its load is skipped, the database having units).
    TOTPDevice.objects.all().delete()
    assert loader.load("small", if_empty=True).skipped
    assert TOTPDevice.objects.count() == len(leaders)
    settings.SAMPARK_DEMO = False
    TOTPDevice.objects.all().delete()
    loader.load("small", if_empty=True)
    assert not TOTPDevice.objects.exists()


def test_readme_lists_the_demo_keys():
    from pathlib import Path

    from django.conf import settings

    from sampark.demo.logins import DEMO_LOGINS, demo_totp_secret

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for d in DEMO_LOGINS:
        if not d.where.startswith("booth:"):
            assert f"`{d.phone}` | `{demo_totp_secret(d.phone)}`" in readme


def test_a_leader_above_resets_a_members_lost_second_factor(world, login_as):
    from sampark.core.models import AuditEntry
    from sampark.people.models import PersonSession, TOTPDevice

    enrol_authenticator(world.patna_coord)
    login_as(world.patna_coord)  # a session of the member's, to be ended
    assert PersonSession.objects.filter(person=world.patna_coord).exists()
    # Not by the member themself, nor by a leader elsewhere (404, as for anyone missing).
    url = f"/people/{world.patna_coord.pk}/second-factor/reset/"
    login_as(world.patna_coord).post(url)
    assert TOTPDevice.objects.filter(person=world.patna_coord).exists()
    assert login_as(world.gaya_coord).post(url).status_code == 404
    assert TOTPDevice.objects.filter(person=world.patna_coord).exists()
    # The state in-charge above: gone, with the sessions; audited; enrolment asked again.
    r = login_as(world.state_admin).post(url)
    assert r.status_code == 302 and r["Location"] == f"/people/{world.patna_coord.pk}/sessions/"
    assert not TOTPDevice.objects.filter(person=world.patna_coord).exists()
    assert not PersonSession.objects.filter(person=world.patna_coord).exists()
    assert AuditEntry.objects.filter(action="second_factor.reset", actor_id=world.state_admin.pk).exists()
    assert twofactor.status(world.patna_coord) == twofactor.Status(required=True, enrolled=False)


def test_resetting_asks_the_leaders_own_factor_when_it_is_not_fresh(world, login_as, settings):
    from sampark.people.models import TOTPDevice

    enrol_authenticator(world.patna_coord)
    enrol_authenticator(world.state_admin)
    settings.SAMPARK_STEP_UP_MINUTES = 0
    url = f"/people/{world.patna_coord.pk}/second-factor/reset/"
    r = login_as(world.state_admin).post(url)
    assert r.status_code == 302 and r["Location"].startswith("/second-factor/?next=")
    assert f"%2Fpeople%2F{world.patna_coord.pk}%2Fsessions%2F" in r["Location"]
    assert TOTPDevice.objects.filter(person=world.patna_coord).exists()


def test_new_recovery_codes_replace_the_old_and_a_passkey_can_be_removed(world, login_as):
    from sampark.people.models import Passkey

    secret = enrol_authenticator(world.patna_coord)
    old = twofactor.replace_recovery_codes(world.patna_coord)
    c = login_as(world.patna_coord)
    r = c.post("/account/second-factor/recovery-codes/")
    assert r.status_code == 200 and "रिकवरी" in r.content.decode()
    with pytest.raises(twofactor.SecondFactorError):
        twofactor.verify(world.patna_coord, old[0])
    assert twofactor.recovery_codes_left(world.patna_coord) == 10
    mine = Passkey.objects.create(person=world.patna_coord, credential_id="mine", public_key=b"-")
    theirs = Passkey.objects.create(person=world.gaya_coord, credential_id="theirs", public_key=b"-")
    assert c.post(f"/account/passkeys/{theirs.pk}/remove/").status_code == 404
    assert c.post(f"/account/passkeys/{mine.pk}/remove/").status_code == 302
    assert list(Passkey.objects.values_list("credential_id", flat=True)) == ["theirs"]
    assert twofactor.verify(world.patna_coord, pyotp.TOTP(secret).now()) == "totp"
