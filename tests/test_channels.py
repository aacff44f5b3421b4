"""The real phone channels: DLT SMS (templates as data, parts counted), the WhatsApp Cloud API and its
status webhook, login codes through both, and settings that refuse a channel without its secrets.
Every provider is a local fake on 127.0.0.1 (tests/fakes.py)."""

import csv
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import timezone

from sampark.core import gateways
from sampark.core.channels import MASK
from sampark.core.models import OutboxMessage
from sampark.directives import channels
from sampark.directives.models import Message, WhatsAppWindow
from sampark.people.auth import request_code
from tests.fakes import WHATSAPP_SETTINGS, FakeSmsProvider, FakeWhatsApp

WEBHOOK = "/directives/whatsapp/webhook/"


# ---- parts and templates ---------------------------------------------------------------------------

def test_sms_parts_follow_the_gsm_and_unicode_sizes():
    assert gateways.sms_parts("a" * 160) == 1 and gateways.sms_parts("a" * 161) == 2
    assert gateways.sms_parts("a" * 306) == 2 and gateways.sms_parts("a" * 307) == 3
    assert gateways.sms_parts("€" * 80) == 1 and gateways.sms_parts("€" * 81) == 2  # two septets each
    assert gateways.sms_parts("क" * 70) == 1 and gateways.sms_parts("क" * 71) == 2
    assert gateways.sms_parts("क" * 134) == 2 and gateways.sms_parts("क" * 135) == 3
    # One Devanagari letter in an English text makes all of it Unicode.
    assert gateways.sms_encoding("Meeting at 5") == "gsm" and gateways.sms_encoding("Meeting at 5 बजे") == "unicode"
    assert gateways.sms_parts("a" * 69 + "😀") == 2  # an emoji is two UTF-16 units: 71


def test_a_typical_hindi_message_and_its_parts():
    urgent = gateways.template("directive_urgent", "hi").render(["कल सुबह 10 बजे बूथ बैठक"])
    assert urgent == "संपर्क: तुरंत निर्देश \"कल सुबह 10 बजे बूथ बैठक\"। ऐप खोलकर पढ़ें और स्वीकार करें।"
    assert gateways.sms_encoding(urgent) == "unicode" and len(urgent) == 80
    assert gateways.sms_parts(urgent) == 2  # over 70: two parts of at most 67
    english = gateways.template("directive_urgent", "en").render(["Booth meeting at 10 tomorrow"])
    assert gateways.sms_parts(english) == 1


def test_templates_are_data_in_both_languages_with_dlt_ids():
    path = os.path.join(django_settings.SAMPARK_DATA_DIR, gateways.TEMPLATES_FILE)
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    keys = {r["key"] for r in rows}
    used = {"login_code", "directive_urgent", "directive_new", "directive_reminder", "directive_silent_units",
            "directive_digest", "difficulty_waiting", "sampark_notice"}
    assert used <= keys
    for key in keys:
        hi, en = gateways.template(key, "hi"), gateways.template(key, "en")
        assert re.search("[\u0900-\u097f]", hi.text) and not re.search("[\u0900-\u097f]", en.text)
        assert hi.variables == en.variables >= 1
        assert re.fullmatch(r"\d{19}", hi.dlt_template_id) and hi.dlt_template_id != en.dlt_template_id
    with pytest.raises(gateways.PermanentError):
        gateways.template("no_such_kind", "hi")


def test_a_dlt_variable_holds_at_most_30_characters():
    long_title = "बूथ स्तर पर मतदाता सूची का पुनरीक्षण और नए मतदाताओं का नामांकन"
    rendered = gateways.template("directive_new", "hi").render([long_title])
    value = rendered.split('"')[1]
    assert len(value) == 30 and value.endswith("…") and long_title.startswith(value[:-1])


# ---- SMS through the DLT provider ------------------------------------------------------------------

def test_a_login_code_goes_through_the_dlt_sms_provider(world, django_capture_on_commit_callbacks):
    with FakeSmsProvider() as gw, override_settings(SAMPARK_SMS_CHANNEL="sms", **gw.settings()):
        with django_capture_on_commit_callbacks(execute=True):
            request_code(world.patna_worker.phone, "10.0.0.1")
    [req] = gw.requests
    assert req["path"] == "/v1/Accounts/sampark1/Sms/send.json"
    assert req["headers"]["Authorization"] == "Basic a2V5OnRvaw=="  # key:tok
    form = req["form"]
    code = re.search(r"\d{6}", form["Body"]).group(0)
    assert form["From"] == "SMPARK" and form["To"] == world.patna_worker.phone
    assert form["DltEntityId"] == "1101000000000000001"
    assert form["DltTemplateId"] == gateways.template("login_code", "hi").dlt_template_id
    assert form["Body"] == gateways.template("login_code", "hi").render([code])
    assert form["EncodingType"] == "unicode"
    kept = OutboxMessage.objects.get(to=world.patna_worker.phone)
    assert (kept.channel, kept.status, kept.external_id, kept.parts) == ("sms", "sent", "sms-1", 1)
    assert code not in kept.body and MASK in kept.body


def test_a_busy_provider_is_tried_again_and_a_refusal_is_recorded(world, django_capture_on_commit_callbacks):
    answers = iter([500, None])
    with FakeSmsProvider(lambda r: next(answers)) as gw, override_settings(SAMPARK_SMS_CHANNEL="sms", **gw.settings()):
        with django_capture_on_commit_callbacks(execute=True):
            request_code(world.patna_worker.phone, "10.0.0.1")
    kept = OutboxMessage.objects.get(to=world.patna_worker.phone)
    assert (kept.status, kept.attempts, len(gw.requests)) == ("sent", 2, 2)
    with FakeSmsProvider(lambda r: 400) as gw, override_settings(SAMPARK_SMS_CHANNEL="sms", **gw.settings()):
        with django_capture_on_commit_callbacks(execute=True):
            request_code(world.gaya_worker.phone, "10.0.0.2")
    kept = OutboxMessage.objects.get(to=world.gaya_worker.phone)
    assert (kept.status, kept.attempts, len(gw.requests)) == ("failed", 1, 1) and "400" in kept.error


def test_a_login_code_as_whatsapps_authentication_template(world, django_capture_on_commit_callbacks):
    with FakeWhatsApp() as gw, override_settings(SAMPARK_SMS_CHANNEL="whatsapp", **gw.settings()):
        with django_capture_on_commit_callbacks(execute=True):
            request_code(world.gaya_worker.phone, "10.0.0.1")
    [req] = gw.requests
    body = req["json"]
    assert body["messaging_product"] == "whatsapp" and body["to"] == "919000000005"
    assert body["template"]["name"] == "sampark_login_code" and body["template"]["language"] == {"code": "hi"}
    [param] = body["template"]["components"][0]["parameters"]
    assert re.fullmatch(r"\d{6}", param["text"])
    assert body["template"]["components"][1]["sub_type"] == "url"  # the copy-code button carries it too
    assert OutboxMessage.objects.get(to=world.gaya_worker.phone).external_id == "wamid.fake1"


# ---- the WhatsApp webhook --------------------------------------------------------------------------

def signed(payload: dict, secret: str = WHATSAPP_SETTINGS["SAMPARK_WHATSAPP_APP_SECRET"]) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def statuses(*items) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [
            {"id": wamid, "status": status, "timestamp": str(ts), "recipient_id": "919000000005", **extra}
            for wamid, status, ts, extra in items]}}]}]}


def whatsapp_message(world, wamid: str) -> Message:
    from sampark.directives import authoring

    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="बूथ बैठक")
    return Message.objects.create(recipient=world.gaya_worker, directive=d, kind="urgent", channel="whatsapp",
                                  body="x", status="sent", external_id=wamid, created_at=timezone.now(),
                                  sent_at=timezone.now())


@override_settings(**WHATSAPP_SETTINGS)
def test_the_verify_handshake(client, db):
    ok = client.get(WEBHOOK, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    assert client.get(WEBHOOK, {"hub.mode": "subscribe", "hub.verify_token": "wrong",
                                "hub.challenge": "1"}).status_code == 403


@override_settings(**WHATSAPP_SETTINGS)
def test_delivered_and_read_are_recorded_with_their_times(client, world):
    m = whatsapp_message(world, "wamid.A1")
    t1 = 1_764_300_000
    body, sig = signed(statuses(("wamid.A1", "delivered", t1, {}), ("wamid.unknown", "read", t1, {})))
    r = client.post(WEBHOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sig)
    assert r.status_code == 200 and r.json() == {"statuses": 1, "inbound": 0}
    m.refresh_from_db()
    assert m.status == "delivered" and m.delivered_at == datetime.fromtimestamp(t1, tz=UTC)
    body, sig = signed(statuses(("wamid.A1", "read", t1 + 60, {})))
    client.post(WEBHOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sig)
    # A late "delivered" (callbacks may come out of order) never moves it back.
    body, sig = signed(statuses(("wamid.A1", "delivered", t1 + 30, {})))
    client.post(WEBHOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sig)
    m.refresh_from_db()
    assert m.status == "read" and m.read_at == datetime.fromtimestamp(t1 + 60, tz=UTC)
    assert m.delivered_at == datetime.fromtimestamp(t1, tz=UTC)


@override_settings(**WHATSAPP_SETTINGS)
def test_a_failure_is_recorded_with_its_reason(client, world):
    m = whatsapp_message(world, "wamid.F1")
    body, sig = signed(statuses(("wamid.F1", "failed", 1_764_300_000,
                                 {"errors": [{"code": 131026, "title": "Message undeliverable"}]})))
    client.post(WEBHOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sig)
    m.refresh_from_db()
    assert (m.status, m.last_error) == ("failed", "Message undeliverable") and m.failed_at is not None


@override_settings(**WHATSAPP_SETTINGS)
def test_a_bad_signature_is_403_and_changes_nothing(client, world):
    m = whatsapp_message(world, "wamid.B1")
    body, _sig = signed(statuses(("wamid.B1", "read", 1_764_300_000, {})))
    _body, wrong = signed(statuses(("wamid.B1", "read", 1_764_300_000, {})), secret="another secret")
    assert client.post(WEBHOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=wrong).status_code == 403
    assert client.post(WEBHOOK, body, content_type="application/json").status_code == 403
    tampered = body.replace(b"read", b"sent")
    assert client.post(WEBHOOK, tampered, content_type="application/json",
                       HTTP_X_HUB_SIGNATURE_256=_sig).status_code == 403
    m.refresh_from_db()
    assert m.status == "sent" and m.read_at is None


@override_settings(**WHATSAPP_SETTINGS)
def test_a_message_from_a_person_opens_their_24_hour_window(client, world):
    payload = {"entry": [{"changes": [{"value": {"messages": [
        {"from": "919000000005", "id": "wamid.IN1", "timestamp": str(int(timezone.now().timestamp())),
         "type": "text", "text": {"body": "ठीक है"}}]}}]}]}
    body, sig = signed(payload)
    r = client.post(WEBHOOK, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sig)
    assert r.json() == {"statuses": 0, "inbound": 1}
    assert WhatsAppWindow.objects.filter(person=world.gaya_worker).exists()
    assert channels.in_whatsapp_window(world.gaya_worker.pk, timezone.now() + timedelta(hours=23))
    assert not channels.in_whatsapp_window(world.gaya_worker.pk, timezone.now() + timedelta(hours=25))


# ---- settings --------------------------------------------------------------------------------------

def start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SAMPARK_") and k != "DJANGO_SETTINGS_MODULE"}
    prod = {"SAMPARK_SECRET_KEY": "p" * 60, "SAMPARK_HASH_KEY": "h" * 40, "DJANGO_SETTINGS_MODULE": "sampark.settings"}
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"],
                          cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=60,
                          env={**base, **prod, **env})


def test_production_refuses_a_channel_without_its_secrets_and_names_the_missing_one():
    sms = {"SAMPARK_SMS_ACCOUNT_SID": "a", "SAMPARK_SMS_API_KEY": "k", "SAMPARK_SMS_API_TOKEN": "t",
           "SAMPARK_SMS_DLT_ENTITY_ID": "1101000000000000001"}
    run = start(SAMPARK_DIRECTIVE_CHANNEL="sms", **sms)
    assert run.returncode != 0 and "SAMPARK_SMS_SENDER is not set" in run.stderr
    assert "SAMPARK_DIRECTIVE_CHANNEL is sms" in run.stderr
    assert "started" in start(SAMPARK_DIRECTIVE_CHANNEL="sms", SAMPARK_SMS_SENDER="SMPARK", **sms).stdout
    wa = {k: v for k, v in WHATSAPP_SETTINGS.items() if k != "SAMPARK_WHATSAPP_APP_SECRET"}
    run = start(SAMPARK_SMS_CHANNEL="whatsapp", **wa)
    assert run.returncode != 0 and "SAMPARK_WHATSAPP_APP_SECRET is not set" in run.stderr
    assert "SAMPARK_SMS_CHANNEL is whatsapp" in run.stderr
    run = start(SAMPARK_DIRECTIVE_CHANNEL="sms", SAMPARK_SMS_SENDER="SAMPARK1", **sms)
    assert run.returncode != 0 and "6-letter sender header" in run.stderr
