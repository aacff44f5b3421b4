"""Finding 11: a server error is logged, with the request's id and without personal data."""

import io
import logging

import pytest
from django.test import Client
from django.urls import include, path

from tests.personas import log_in


def boom(request):
    # An error whose text quotes personal data, as a database error naming a value would.
    raise RuntimeError(f"could not save {request.person.phone}")


urlpatterns = [path("boom/", boom), path("", include("sampark.urls"))]


@pytest.fixture
def log_output():
    handlers = [h for h in logging.getLogger("django.request").handlers
                if isinstance(h, logging.StreamHandler) and type(h).__module__ == "logging"]
    assert handlers, "django.request has no handler: server errors would leave nothing in the log"
    out = io.StringIO()
    old = [h.setStream(out) for h in handlers]
    yield out
    for h, stream in zip(handlers, old, strict=True):
        h.setStream(stream)


@pytest.mark.urls("tests.test_request_log")
def test_a_server_error_is_logged_with_the_request_id_and_no_phone(world, log_output):
    client = log_in(Client(raise_request_exception=False), world.patna_worker)
    r = client.post("/boom/", {"secret": "the-post-body-secret"}, HTTP_X_REQUEST_ID="req-abc-12345")
    assert r.status_code == 500 and r["X-Request-ID"] == "req-abc-12345"
    lines = [line for line in log_output.getvalue().splitlines() if "ERROR" in line]
    assert len(lines) == 1 and "[req-abc-12345]" in lines[0] and "/boom/" in lines[0]
    text = log_output.getvalue()
    assert "RuntimeError" in text  # the traceback is there, for the developer
    phone = world.patna_worker.phone
    assert phone not in text and phone[3:] not in text and "the-post-body-secret" not in text


def test_every_response_carries_a_request_id(client, db):
    a, b = client.get("/about/"), client.get("/about/")
    assert len(a["X-Request-ID"]) == 32 and a["X-Request-ID"] != b["X-Request-ID"]
    assert client.get("/about/", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"] != "bad id with spaces"
