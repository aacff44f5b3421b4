"""Notice and consent (the DPDP Act): at the first log-in a person reads the privacy notice and consents,
recorded with the notice's version; until then pages lead to the notice and the API refuses (403), except
/me, /me/data, /me/consent and the health probe; a new version asks again."""

import json
import re
import time
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from sampark.core import policies
from sampark.core.channels import MemorySMS
from sampark.core.models import AuditEntry
from sampark.people import consent, notice
from sampark.people.auth import issue_token
from sampark.people.middleware import SESSION_KEY
from sampark.people.models import Consent, Role
from sampark.people.services import add_post, create_person
from tests.personas import log_in

V = notice.NOTICE_VERSION


@pytest.fixture
def newcomer(world):
    """A booth worker just added: has not seen the notice."""
    p = create_person(None, phone="+919000000041", name_hi="सुनीता देवी", name_en="Sunita Devi")
    add_post(None, person=p, unit=world.patna_booth, role=Role.WORKER)
    return p


def page(r) -> str:
    return r.content.decode()


def api(client, method, url, headers, body=None):
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


# --- pages ----------------------------------------------------------------------------------------------

def test_every_page_leads_to_the_notice_until_the_person_consents(client, newcomer):
    log_in(client, newcomer, consent=False)
    for url in ("/", "/directives/", "/reports/", "/difficulties/", "/search/?q=x", "/account/sessions/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/consent/?next="), url
    assert client.get("/")["Location"] == "/consent/?next=%2F"
    r = client.post("/difficulties/new/", {"id": str(uuid.uuid4()), "unit": "1", "category": "content", "text": "x"})
    assert r.status_code == 302 and r["Location"] == "/consent/"
    # What stays open: the notice, one's own data, the public page, language and log-out.
    assert client.get("/consent/").status_code == 200
    assert client.get("/account/data/").status_code == 200
    assert client.get("/about/").status_code == 200
    assert client.post("/lang/", {"language": "hi", "next": "/"}).status_code == 302
    assert not Consent.objects.filter(person=newcomer).exists()
    r = client.post("/logout/")
    assert r.status_code == 302 and "consent" not in r["Location"]


def test_the_notice_is_in_hindi_with_the_real_durations_and_one_button(client, newcomer, settings):
    settings.SAMPARK_RETAIN_OUTBOX_DAYS = 45
    settings.SAMPARK_RETAIN_LOGIN_CODES_HOURS = 12
    policies.set_policy(None, "people.erasure_grace_days", "3")
    log_in(client, newcomer, consent=False)
    body = page(client.get("/consent/?next=/"))
    for words in ("निजता सूचना", "आपका नाम, हिन्दी में और रोमन", "आपका मोबाइल नंबर", "आपकी भाषा", "पद और इकाइयाँ",
                  "लॉग इन सत्र", "बूथ", "कठिनाइयाँ", "फ़ोटो", "यह क्यों रखा जाता है", "इसे कौन देखता है",
                  "+91 98XXX XX123", "शिकायत किससे करें", "डेटा संरक्षण बोर्ड", "Data Protection Board of India",
                  "मैं सहमत हूँ", "12 घंटे बाद मिटा दिए जाते हैं", "45 दिन बाद मिटा दी जाती है", "7 दिन तक इस्तेमाल न हो",
                  "लॉग इन को 30 दिन हो जाएँ", "मिटाना 3 दिन बाद लागू होता है", "730 दिन तक न कोई पद रहे",
                  "अपने ज़िला संयोजक से कहें", f"संस्करण {V}", 'href="/account/data/"'):
        assert words in body, words
    assert "{" not in re.sub(r"<[^>]+>", "", body.split("<main>")[1])  # every duration filled in
    assert body.count('type="submit"') == 1 and f'name="version" value="{V}"' in body
    # A light page: only the site's small script (the offline worker); no poll before agreeing.
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/web/app.js" defer>']


def test_the_notice_follows_the_persons_language_and_names_the_grievance_contact(client, newcomer, settings):
    settings.SAMPARK_GRIEVANCE_CONTACT = "Grievance officer: R. Singh, +91 612 000 0000, grievance@example.org."
    newcomer.lang = "en"
    newcomer.save()
    log_in(client, newcomer, "en", consent=False)
    body = page(client.get("/consent/"))
    for words in ("Privacy notice", "Your mobile number", "Deleted after 24 hours.", "Deleted after 30 days.",
                  "after 7 days unused, or 30 days after the log-in", "Grievance officer: R. Singh",
                  "Data Protection Board of India", "I agree"):
        assert words in body, words
    assert "ज़िला संयोजक" not in body


def test_consenting_records_the_version_once_and_goes_on_where_the_person_was_going(client, newcomer):
    log_in(client, newcomer, consent=False)
    r = client.post("/consent/", {"version": V, "next": "/reports/"})
    assert r.status_code == 302 and r["Location"] == "/reports/"
    again = client.post("/consent/", {"version": V, "next": "/reports/"})  # a double tap
    assert again.status_code == 302
    [row] = Consent.objects.filter(person=newcomer)
    assert (row.notice_version, row.withdrawn_at) == (V, None) and row.given_at <= timezone.now()
    assert AuditEntry.objects.filter(action="consent.give", actor_id=newcomer.pk).count() == 1
    assert client.get("/").status_code == 200
    body = page(client.get("/consent/"))
    assert "आपने इस सूचना पर" in body and 'name="version"' not in body


def test_an_outside_next_is_not_followed(client, newcomer):
    log_in(client, newcomer, consent=False)
    r = client.post("/consent/", {"version": V, "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"


def test_an_old_version_is_refused_with_a_message_and_nothing_is_written(client, newcomer):
    log_in(client, newcomer, consent=False)
    r = client.post("/consent/", {"version": "2020-01-01"})
    assert r.status_code == 200 and "यह निजता सूचना का मौजूदा संस्करण नहीं है" in page(r)
    assert not Consent.objects.exists() or not Consent.objects.filter(person=newcomer).exists()
    assert client.get("/")["Location"].startswith("/consent/")


def test_a_new_version_of_the_notice_asks_again(client, newcomer, monkeypatch):
    log_in(client, newcomer)  # consented to the current version
    assert client.get("/").status_code == 200
    monkeypatch.setattr(notice, "NOTICE_VERSION", "2099-01-01")
    assert client.get("/")["Location"] == "/consent/?next=%2F"
    assert client.post("/consent/", {"version": "2099-01-01", "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200
    assert sorted(Consent.objects.filter(person=newcomer).values_list("notice_version", flat=True)) == [
        V, "2099-01-01"]


def test_anyone_may_read_the_notice_but_only_a_person_consents(client, db):
    r = client.get("/consent/")
    assert r.status_code == 200 and "निजता सूचना" in page(r) and 'name="version"' not in page(r)
    r = client.post("/consent/", {"version": V})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert not Consent.objects.exists()


def test_the_second_factor_comes_first_then_the_notice(client, world):
    leader = create_person(None, phone="+919000000042", name_hi="नया संयोजक", name_en="New Coordinator")
    add_post(None, person=leader, unit=world.patna, role=Role.COORDINATOR)
    session = client.session
    session[SESSION_KEY] = leader.pk  # logged in, second factor not yet given
    session.save()
    from django.conf import settings

    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/account/second-factor/")
    assert client.get("/account/second-factor/").status_code == 200  # no loop between the two


def test_a_fresh_log_in_with_a_code_lands_on_the_notice(client, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/login/", {"phone": "9000000041"}).status_code == 302
    code = re.search(r"\b(\d{6})\b", MemorySMS.last_to(newcomer.phone)).group(1)
    r = client.post("/login/code/", {"code": code})
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 302 and r["Location"].startswith("/consent/")
    assert "मैं सहमत हूँ" in page(client.get(r["Location"]))


# --- API ------------------------------------------------------------------------------------------------

def test_the_api_refuses_a_person_without_consent_except_me_data_consent_and_health(client, newcomer, world):
    h = {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, newcomer)}
    for url in ("/api/v1/inbox", "/api/v1/difficulties", f"/api/v1/units/{world.patna_booth.pk}",
                "/api/v1/search?q=x"):
        r = client.get(url, **h)
        assert r.status_code == 403, url
        assert "privacy notice" in r.json()["detail"] or "निजता सूचना" in r.json()["detail"]
        assert set(r.json()) == {"detail"}
    r = api(client, "post", "/api/v1/difficulties", h, {"id": str(uuid.uuid4()), "unit": world.patna_booth.pk,
                                                        "category": "content", "text": "x"})
    assert r.status_code == 403
    assert client.get("/api/v1/me", **h).status_code == 200
    assert client.get("/api/v1/me/data", **h).status_code == 200
    assert client.get("/api/v1/healthz").status_code == 200
    got = client.get("/api/v1/me/consent", **h)
    assert got.status_code == 200 and got.json()["consented"] is False and got.json()["version"] == V
    assert not Consent.objects.filter(person=newcomer).exists()


def test_consenting_through_the_api_is_safe_to_retry_and_opens_the_api(client, newcomer):
    h = {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, newcomer)}
    got = client.get("/api/v1/me/consent", **h).json()
    assert [i["key"] for i in got["items"]][:4] == ["name", "phone", "language", "posts"]
    assert got["items"][1]["what"]["hi"].startswith("आपका मोबाइल नंबर")
    assert got["items"][1]["what"]["en"].startswith("Your mobile number")
    assert "24 घंटे" in next(i for i in got["items"] if i["key"] == "login_codes")["kept"]["hi"]
    assert {s["key"] for s in got["sections"]} == {"why", "who", "withdraw", "complain"}
    assert got["my_data_url"] == "/account/data/" and got["given_at"] is None

    first = api(client, "post", "/api/v1/me/consent", h, {"version": V})
    assert first.status_code == 201 and first.json()["consented"] is True
    second = api(client, "post", "/api/v1/me/consent", h, {"version": V})
    assert second.status_code == 201 and second.json() == first.json()
    assert Consent.objects.filter(person=newcomer).count() == 1
    assert client.get("/api/v1/inbox", **h).status_code == 200


def test_an_old_or_wrong_version_is_422_with_a_clear_message(client, newcomer):
    h = {"HTTP_AUTHORIZATION": "Bearer " + issue_token(None, newcomer)}
    for body in ({"version": "2020-01-01"}, {"version": ""}, {"version": "x" * 5000}):
        r = api(client, "post", "/api/v1/me/consent", h, body)
        assert r.status_code == 422
        assert V in r.json()["detail"] and "version" in r.json()["errors"]
    r = api(client, "post", "/api/v1/me/consent", h, {})
    assert r.status_code == 422 and "version" in r.json()["errors"]
    assert not Consent.objects.filter(person=newcomer).exists()


def test_the_api_through_the_session_is_held_too(client, newcomer):
    log_in(client, newcomer, consent=False)
    r = client.get("/api/v1/inbox")
    assert r.status_code == 403 and "निजता सूचना" in r.json()["detail"]  # in the person's language
    assert client.get("/api/v1/me/consent").json()["consented"] is False


def test_a_new_version_asks_again_in_the_api(client, world, api_as, monkeypatch):
    h = api_as(world.patna_worker)
    assert client.get("/api/v1/inbox", **h).status_code == 200
    monkeypatch.setattr(notice, "NOTICE_VERSION", "2099-01-01")
    assert client.get("/api/v1/inbox", **h).status_code == 403
    r = api(client, "post", "/api/v1/me/consent", h, {"version": "2099-01-01"})
    assert r.status_code == 201 and client.get("/api/v1/inbox", **h).status_code == 200


# --- the service ----------------------------------------------------------------------------------------

def test_a_consent_is_read_once_then_kept_and_a_withdrawal_is_seen_at_once(newcomer, django_assert_num_queries):
    assert not consent.has_consented(newcomer)
    consent.give_consent(newcomer, V)
    with django_assert_num_queries(0):
        assert consent.has_consented(newcomer)
    assert consent.withdraw_consent(newcomer, newcomer) == 1
    assert not consent.has_consented(newcomer)
    row = Consent.objects.get(person=newcomer)
    assert row.withdrawn_at is not None  # kept, stamped: the record of what was agreed stays
    consent.give_consent(newcomer, V)  # consenting again after a withdrawal is a new row
    assert Consent.objects.filter(person=newcomer).count() == 2 and consent.has_consented(newcomer)


def test_a_kept_yes_is_read_again_after_a_minute(newcomer, monkeypatch):
    consent.give_consent(newcomer, V)
    Consent.objects.filter(person=newcomer).update(withdrawn_at=timezone.now())  # as another process would
    assert consent.has_consented(newcomer)  # still kept here
    later = time.monotonic() + consent.KEPT_SECONDS + 1
    monkeypatch.setattr(consent.time, "monotonic", lambda: later)
    assert not consent.has_consented(newcomer)


def test_the_demo_does_not_consent_for_its_people(db):
    from sampark.demo import loader
    from sampark.demo.logins import DEMO_LOGINS
    from sampark.people.models import Person

    loader.load("small")
    assert not Consent.objects.exists()
    demo = Person.objects.get(phone=DEMO_LOGINS[-1].phone)  # a booth worker
    c = Client()
    log_in(c, demo, consent=False)
    assert c.get("/")["Location"].startswith("/consent/")


def test_two_agrees_at_once_leave_one_consent(newcomer, monkeypatch):
    from django.db import IntegrityError, transaction

    first = consent.give_consent(newcomer, V)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses a second one
        Consent.objects.create(person=newcomer, notice_version=V)
    # The second request looked before the first had written, then finds the row on writing.
    real, calls = consent.standing, []

    def late(person, version=None):
        calls.append(version)
        return None if len(calls) == 1 else real(person, version)

    monkeypatch.setattr(consent, "standing", late)
    assert consent.give_consent(newcomer, V) == first
    assert Consent.objects.filter(person=newcomer).count() == 1
    assert AuditEntry.objects.filter(action="consent.give", actor_id=newcomer.pk).count() == 1
