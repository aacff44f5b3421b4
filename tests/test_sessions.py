"""Finding 2 (server-side sessions) and the cookie half of finding 8."""

import base64
import binascii
import re
import time
import zlib

import pytest
from django.conf import settings
from django.test import Client

from sampark.core.models import AuditEntry
from sampark.people import sessions
from sampark.people.models import PersonSession
from tests.test_pages import ask_code, last_code

PHONE_UA = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Mobile Safari/537.36")


def log_in_by_code(world, phone_digits: str, e164: str, capture, ua: str = PHONE_UA, ip: str = "10.20.30.40"):
    c = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)
    ask_code(c, phone_digits, capture)
    r = c.post("/login/code/", {"code": last_code(e164)})
    assert r.status_code == 302 and r["Location"] == "/"
    return c


def test_a_copied_cookie_no_longer_works_after_logout(world, django_capture_on_commit_callbacks):
    c = log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
    copied = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert c.get("/").status_code == 200
    c.post("/logout/")
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = copied
    r = thief.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def _decoded(value: str) -> str:
    """What a cookie says to whoever reads it: its text, and any base64 (or zlib) payload in it."""
    out = [value]
    for part in re.split(r"[:.]", value):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        for attempt in (lambda b: b, zlib.decompress):
            try:
                out.append(attempt(raw).decode("utf-8", "replace"))
            except zlib.error:
                pass
    return "\n".join(out)


def test_no_phone_number_in_any_cookie(world, django_capture_on_commit_callbacks):
    c = Client()
    ask_code(c, "9000000004", django_capture_on_commit_callbacks)  # the phone waits in the session
    seen = [_decoded(m.value) for m in c.cookies.values()]
    c.post("/login/code/", {"code": last_code("+919000000004")})
    seen += [_decoded(m.value) for m in c.cookies.values()]
    assert seen and not any("9000000004" in s for s in seen), seen
    key = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert PersonSession.objects.filter(session_key=key, person=world.patna_worker).exists()


def test_my_sessions_lists_device_place_and_times_and_ends_any(world, django_capture_on_commit_callbacks):
    phone = log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
    laptop = log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks,
                            ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/121.0", ip="203.0.113.77")
    page = phone.get("/account/sessions/").content.decode()
    assert "Android पर Chrome" in page and "Windows पर Firefox" in page
    assert "10.20.30.0/24" in page and "203.0.113.0/24" in page and "203.0.113.77" not in page
    assert "यह उपकरण" in page and "आख़िरी बार" in page
    laptop_key = laptop.cookies[settings.SESSION_COOKIE_NAME].value
    assert laptop_key not in page  # the key is the credential: pages name sessions by a hash
    r = phone.post("/account/sessions/end/", {"ref": sessions.ref(laptop_key)})
    assert r.status_code == 302
    assert laptop.get("/").status_code == 302 and phone.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="sessions.end", actor_id=world.patna_worker.pk).exists()


def test_end_all_other_sessions_keeps_this_one(world, django_capture_on_commit_callbacks):
    others = [log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
              for _ in range(2)]
    me = log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
    me.post("/account/sessions/end/", {"others": "1"})
    assert me.get("/").status_code == 200
    assert all(o.get("/").status_code == 302 for o in others)
    # Ending this one is logging out.
    me.post("/account/sessions/end/", {"ref": sessions.ref(me.cookies[settings.SESSION_COOKIE_NAME].value)})
    assert me.get("/").status_code == 302


def test_a_person_cannot_end_someone_elses_session(world, login_as, django_capture_on_commit_callbacks):
    # A booth worker as the victim: a leader logged in by code alone would be held at enrolment.
    victim = log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
    ref = sessions.ref(victim.cookies[settings.SESSION_COOKIE_NAME].value)
    login_as(world.gaya_worker).post("/account/sessions/end/", {"ref": ref})
    assert victim.get("/").status_code == 200


def test_a_coordinator_ends_a_members_sessions_when_a_phone_is_lost(world, login_as, django_capture_on_commit_callbacks):
    lost = log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
    coord = login_as(world.patna_coord)
    page = coord.get(f"/people/{world.patna_worker.pk}/sessions/").content.decode()
    assert "1 उपकरण पर लॉग इन हैं" in page
    unit_page = coord.get(f"/units/{world.patna_booth.pk}/").content.decode()
    assert f'href="/people/{world.patna_worker.pk}/sessions/"' in unit_page
    assert coord.post(f"/people/{world.patna_worker.pk}/sessions/end/").status_code == 302
    assert lost.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="sessions.end", actor_id=world.patna_coord.pk,
                                     object_id=str(world.patna_worker.pk)).exists()


def test_only_a_leader_above_the_member_may(world, login_as):
    for viewer, member in ((world.gaya_coord, world.patna_worker), (world.patna_worker, world.patna_worker),
                           (world.patna_worker, world.patna_coord)):
        c = login_as(viewer)
        assert c.get(f"/people/{member.pk}/sessions/").status_code == 404
        assert c.post(f"/people/{member.pk}/sessions/end/").status_code == 404
    assert login_as(world.patna_coord).get("/people/99999999999999999999/sessions/").status_code == 404


def _age(client, seconds: float) -> None:
    """Move the session's clock back, as if it began and was last seen that long ago."""
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = sessions.SessionStore(key)
    seen = store[sessions.SEEN_KEY]
    seen["at"] -= seconds
    seen["since"] -= seconds
    store[sessions.SEEN_KEY] = seen
    store.save()


def test_idle_lifetime(world, login_as, settings):
    settings.SAMPARK_SESSION_IDLE_MINUTES = 30
    c = login_as(world.patna_worker)
    _age(c, 29 * 60)
    assert c.get("/").status_code == 200  # seen again: the idle time starts over
    _age(c, 29 * 60)
    assert c.get("/").status_code == 200
    _age(c, 31 * 60)
    assert c.get("/").status_code == 302


def test_absolute_lifetime(world, login_as, settings):
    settings.SAMPARK_SESSION_MAX_DAYS = 2
    c = login_as(world.patna_worker)
    for _ in range(3):
        _age(c, 23 * 3600)  # used daily, never idle for long
        c.get("/")
    assert c.get("/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(world, login_as, django_assert_max_num_queries):
    c = login_as(world.patna_worker)
    c.get("/")
    key = c.cookies[settings.SESSION_COOKIE_NAME].value
    seen = PersonSession.objects.get(pk=key).last_seen_at
    for _ in range(3):
        c.get("/")
    assert PersonSession.objects.get(pk=key).last_seen_at == seen
    _age(c, 61)
    c.get("/")
    assert PersonSession.objects.get(pk=key).last_seen_at.timestamp() > time.time() - 5


@pytest.mark.parametrize("ua,expected", [
    (PHONE_UA, "Chrome on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1", "Safari on iPhone"),
    ("curl/8.0", "Unknown device"),
])
def test_device_names(ua, expected):
    from django.utils import translation

    from sampark.web.account import device

    with translation.override("en"):
        assert device(ua) == expected


def test_ip_prefix():
    assert sessions.ip_prefix("10.1.2.3") == "10.1.2.0/24"
    assert sessions.ip_prefix("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert sessions.ip_prefix(None) == "" and sessions.ip_prefix("nonsense") == ""


def test_messages_wait_in_the_session_not_in_a_cookie(world, django_capture_on_commit_callbacks):
    c = Client()
    ask_code(c, "9000000004", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/login/resend/")
    assert r.status_code == 302 and "messages" not in r.cookies
    assert "नया कोड भेज दिया गया है" in c.get("/login/code/").content.decode()


def test_the_worker_clears_sessions_that_are_over(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from sampark.core.jobs import run_ticks
    from sampark.people.models import PersonSession

    log_in_by_code(world, "9000000004", "+919000000004", django_capture_on_commit_callbacks)
    live = log_in_by_code(world, "9000000005", "+919000000005", django_capture_on_commit_callbacks)
    PersonSession.objects.filter(person=world.patna_worker).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert run_ticks(timezone.now())["people"] == {"sessions_cleared": 1}
    assert not PersonSession.objects.filter(person=world.patna_worker).exists()
    assert live.get("/").status_code == 200
