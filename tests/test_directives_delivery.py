"""Phone delivery of directive messages through the real channels' HTTP APIs: local fakes of the DLT SMS
provider and of the WhatsApp Cloud API run on 127.0.0.1 (tests/fakes.py)."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from sampark.core.models import OutboxMessage
from sampark.directives import authoring, channels, jobs, receipts
from sampark.directives.models import Message
from sampark.people.models import Notify, Person
from tests.fakes import FakeSmsProvider, FakeWhatsApp


def first_try_fails(seen: set):
    """500 to the first request for each phone, then the provider's success."""

    def fail(request):
        to = request.get("form", {}).get("To") or request.get("json", {}).get("to")
        first = to not in seen
        seen.add(to)
        return 500 if first else None

    return fail


def publish_with_due(world, now):
    # Only the reminders are looked at here: no daily digest joins them whatever the hour.
    Person.objects.update(notify=Notify.APP)
    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="बूथ बैठक",
                                  due_at=now + timedelta(hours=4), now=now)
    return authoring.publish_directive(world.state_admin, d, now=now)


def test_sms_gateway_gets_the_reminder_and_retries_after_500(world):
    now = timezone.now()
    with FakeSmsProvider(first_try_fails(set())) as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms",
                                                                        **gw.settings()):
        d = publish_with_due(world, now)
        receipts.acknowledge(world.patna_worker, d, now=now)
        t = now + timedelta(hours=3)
        jobs.tick(t)
        sms = Message.objects.filter(directive=d, channel="sms", kind="reminder", recipient=world.gaya_worker).get()
        assert (sms.status, sms.attempts, sms.last_error) == ("queued", 1, "gateway answered 500")
        assert sms.next_attempt_at == t + timedelta(seconds=30)
        jobs.tick(t + timedelta(seconds=10))  # before the backoff: nothing is resent
        n = len(gw.requests)
        sms.refresh_from_db()
        assert sms.attempts == 1
        jobs.tick(t + timedelta(seconds=31))
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == ("sent", 2) and sms.external_id.startswith("sms-")
        assert sms.parts == 2  # a Hindi reminder with the title and the time: more than 70 characters
        to_gaya = [f for f in gw.to(world.gaya_worker.phone) if f["DltTemplateId"] == "1007000000000000007"]
        assert len(to_gaya) == 2 and "बूथ बैठक" in to_gaya[0]["Body"] and to_gaya[0]["EncodingType"] == "unicode"
        assert len(gw.requests) > n
        # The worker who acknowledged is not reminded; the in-app copy was delivered at once.
        assert not any(f["DltTemplateId"] == "1007000000000000007" for f in gw.to(world.patna_worker.phone))
        assert Message.objects.get(directive=d, channel="app", recipient=world.gaya_worker).status == "sent"


def test_gateway_down_gives_up_after_max_attempts(world):
    now = timezone.now()
    with FakeSmsProvider(lambda r: 503) as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms", **gw.settings()):
        d = publish_with_due(world, now)
        t = now + timedelta(hours=3)
        for _ in range(jobs.MAX_ATTEMPTS + 2):
            jobs.tick(t)
            t += timedelta(hours=1)
        sms = Message.objects.get(directive=d, channel="sms", kind="reminder", recipient=world.gaya_worker)
        assert (sms.status, sms.attempts) == ("failed", jobs.MAX_ATTEMPTS) and sms.failed_at is not None


def test_a_refusal_is_not_retried(world):
    now = timezone.now()
    with FakeSmsProvider(lambda r: 400) as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms", **gw.settings()):
        d = publish_with_due(world, now)
        jobs.tick(now + timedelta(hours=3))
        jobs.tick(now + timedelta(hours=5))
        sms = Message.objects.get(directive=d, channel="sms", kind="reminder", recipient=world.gaya_worker)
        assert (sms.status, sms.attempts) == ("failed", 1) and "400" in sms.last_error
        assert len(gw.to(world.gaya_worker.phone)) == 1


def test_whatsapp_sends_text_inside_24_hours_and_a_template_outside(world):
    now = timezone.now()
    with FakeWhatsApp() as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="whatsapp", **gw.settings()):
        d = publish_with_due(world, now)
        t = now + timedelta(hours=3)
        channels.note_whatsapp_inbound(world.gaya_worker, t - timedelta(hours=2))
        channels.note_whatsapp_inbound(world.patna_worker, t - timedelta(hours=30))
        jobs.tick(t)
        assert all(r["path"] == "/10987654321/messages" for r in gw.requests)
        assert all(r["headers"]["Authorization"] == "Bearer wa-token" for r in gw.requests)
        [inside] = gw.to(world.gaya_worker.phone)
        [outside] = gw.to(world.patna_worker.phone)
        assert inside["type"] == "text" and "बूथ बैठक" in inside["text"]["body"]
        assert outside["type"] == "template" and outside["template"]["name"] == "sampark_directive_reminder"
        assert outside["template"]["language"] == {"code": "hi"}
        assert outside["template"]["components"][0]["parameters"][0] == {"type": "text", "text": d.title}
        assert "text" not in outside
        sent = Message.objects.get(directive=d, channel="whatsapp", recipient=world.patna_worker)
        assert sent.status == "sent" and sent.external_id.startswith("wamid.fake")


def test_console_channel_writes_the_operator_outbox(world):
    now = timezone.now()
    d = publish_with_due(world, now)
    jobs.tick(now + timedelta(hours=3))
    sent = Message.objects.filter(directive=d, channel="console")
    assert sent.exists() and set(sent.values_list("status", flat=True)) == {"sent"}
    assert OutboxMessage.objects.filter(to=world.gaya_worker.phone, body__contains="बूथ बैठक").exists()
