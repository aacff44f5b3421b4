"""The API over the web session checks CSRF like a form; a Bearer token needs no CSRF token."""

from django.test import Client

from sampark.people.middleware import SESSION_KEY


def session_client(person):
    from django.conf import settings

    client = Client(enforce_csrf_checks=True)
    session = client.session
    session[SESSION_KEY] = person.pk
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def test_session_post_without_csrf_token_is_refused(world):
    client = session_client(world.gaya_worker)
    assert client.get("/api/v1/me").status_code == 200
    r = client.post("/api/v1/difficulties", {"id": "6f1c1d2e-0000-4000-8000-000000000001", "unit": world.gaya_booth.pk,
                                             "category": "technical", "text": "x"}, content_type="application/json")
    assert r.status_code == 403


def test_bearer_post_needs_no_csrf_token(world, api_as):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/api/v1/difficulties", {"id": "6f1c1d2e-0000-4000-8000-000000000002", "unit": world.gaya_booth.pk,
                                             "category": "technical", "text": "इंटरनेट नहीं चल रहा"},
                    content_type="application/json", **api_as(world.gaya_worker))
    assert r.status_code in (200, 201), r.content
