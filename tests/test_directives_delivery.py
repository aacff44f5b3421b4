"""Phone delivery of directive messages through an HTTP gateway: a fake gateway runs on 127.0.0.1."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import override_settings
from django.utils import timezone

from sampark.core.models import OutboxMessage
from sampark.directives import authoring, channels, jobs, receipts
from sampark.directives.models import Message


class FakeGateway:
    """Answers 500 to the first request for each phone (or always, with fail_always), then 200."""

    def __init__(self, fail_always: bool = False):
        self.requests: list[dict] = []
        self.fail_always = fail_always
        seen: set[str] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(data)
                fail = outer.fail_always or data["to"] not in seen
                seen.add(data["to"])
                payload = b'{"error": "busy"}' if fail else json.dumps({"id": f"gw-{len(outer.requests)}"}).encode()
                self.send_response(500 if fail else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def publish_with_due(world, now):
    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="बूथ बैठक",
                                  due_at=now + timedelta(hours=4), now=now)
    return authoring.publish_directive(world.state_admin, d, now=now)


def test_sms_gateway_gets_the_reminder_and_retries_after_500(world):
    now = timezone.now()
    with FakeGateway() as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms", SAMPARK_GATEWAY_URL=gw.url):
        d = publish_with_due(world, now)
        receipts.acknowledge(world.patna_worker, d, now=now)
        t = now + timedelta(hours=3)
        jobs.tick(t)
        sms = Message.objects.filter(directive=d, channel="sms", recipient=world.gaya_worker).get()
        assert (sms.status, sms.attempts, sms.last_error) == ("queued", 1, "gateway answered 500")
        assert sms.next_attempt_at == t + timedelta(seconds=30)
        jobs.tick(t + timedelta(seconds=10))  # before the backoff: nothing is resent
        n = len(gw.requests)
        sms.refresh_from_db()
        assert sms.attempts == 1
        jobs.tick(t + timedelta(seconds=31))
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == ("sent", 2) and sms.external_id.startswith("gw-")
        to_gaya = [r for r in gw.requests if r["to"] == world.gaya_worker.phone]
        assert len(to_gaya) == 2 and to_gaya[0]["type"] == "text" and "बूथ बैठक" in to_gaya[0]["text"]
        assert len(gw.requests) > n
        # The worker who acknowledged is not reminded; the in-app copy was delivered at once.
        assert not any(r["to"] == world.patna_worker.phone for r in gw.requests)
        assert Message.objects.get(directive=d, channel="app", recipient=world.gaya_worker).status == "sent"


def test_gateway_down_gives_up_after_max_attempts(world):
    now = timezone.now()
    with FakeGateway(fail_always=True) as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms",
                                                                 SAMPARK_GATEWAY_URL=gw.url):
        d = publish_with_due(world, now)
        t = now + timedelta(hours=3)
        for _ in range(jobs.MAX_ATTEMPTS + 2):
            jobs.tick(t)
            t += timedelta(hours=1)
        sms = Message.objects.get(directive=d, channel="sms", recipient=world.gaya_worker)
        assert (sms.status, sms.attempts) == ("failed", jobs.MAX_ATTEMPTS)


def test_whatsapp_sends_text_inside_24_hours_and_a_template_outside(world):
    now = timezone.now()
    with FakeGateway() as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="whatsapp", SAMPARK_GATEWAY_URL=gw.url):
        d = publish_with_due(world, now)
        t = now + timedelta(hours=3)
        channels.note_whatsapp_inbound(world.gaya_worker, t - timedelta(hours=2))
        channels.note_whatsapp_inbound(world.patna_worker, t - timedelta(hours=30))
        jobs.tick(t)
        by_phone = {r["to"]: r for r in gw.requests}
        inside, outside = by_phone[world.gaya_worker.phone], by_phone[world.patna_worker.phone]
        assert inside["type"] == "text" and inside["channel"] == "whatsapp"
        assert outside["type"] == "template" and outside["template"] == "directive_reminder"
        assert outside["params"][0] == d.title and "text" not in outside


def test_console_channel_writes_the_operator_outbox(world):
    now = timezone.now()
    d = publish_with_due(world, now)
    jobs.tick(now + timedelta(hours=3))
    sent = Message.objects.filter(directive=d, channel="console")
    assert sent.exists() and set(sent.values_list("status", flat=True)) == {"sent"}
    assert OutboxMessage.objects.filter(to=world.gaya_worker.phone, body__contains="बूथ बैठक").exists()
