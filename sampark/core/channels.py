"""Pluggable outgoing channels for messages sent at once (login codes, a difficulty's news). The
laptop default writes to the console and the outbox table; "sms" and "whatsapp" send through the real
providers (core.gateways), each message made from its template (DLT's rule for SMS, an approved
template for WhatsApp), and the outbox row records the provider's id, the parts and the outcome."""

import logging

from django.conf import settings
from django.utils import timezone

from sampark.core import gateways
from sampark.core.models import OutboxMessage

log = logging.getLogger("sampark.sms")
MASK = "••••••"


class ConsoleSMS:
    """The outbox row keeps the message with its secret (a login code) masked: only the channel
    sees the code. The console shows it in the demo, where it stands in for the phone."""

    name = "console"

    def send(self, to: str, body: str, *, secret: str = "", template: str = "", params=None,
             lang: str = "hi") -> OutboxMessage:
        """template and params: the message as its template (login_code with [code]); without them
        a provider gets the body in the generic notice template."""
        kept = body.replace(secret, MASK) if secret else body
        msg = OutboxMessage.objects.create(channel="sms", to=to, body=kept,
                                           status=OutboxMessage.Status.SENT, attempts=1,
                                           sent_at=timezone.now())
        shown = body if settings.SAMPARK_DEMO else kept
        print(f"[sampark sms] to {to}: {shown}", flush=True)
        self.deliver(to, body)
        return msg

    def deliver(self, to: str, body: str) -> None:
        """Where a real gateway would hand the message over; the console has nothing more to do."""


class MemorySMS(ConsoleSMS):
    """For tests: also keeps each delivered message, code included, in this process (the live
    server's threads share it). Settings refuse it from the environment."""

    name = "memory"
    delivered: list[tuple[str, str]] = []

    def deliver(self, to: str, body: str) -> None:
        MemorySMS.delivered.append((to, body))

    @classmethod
    def last_to(cls, to: str) -> str | None:
        return next((body for phone, body in reversed(cls.delivered) if phone == to), None)


def notice_params(body: str) -> list[str]:
    """A free text as the generic notice template's four 30-character variables."""
    text = " ".join(body.split())
    return [text[i:i + gateways.DLT_VAR_MAX] for i in range(0, 4 * gateways.DLT_VAR_MAX, gateways.DLT_VAR_MAX)]


class ProviderSMS:
    """Through the DLT SMS provider ("sms") or WhatsApp's templates ("whatsapp"), at once: a login
    code cannot wait for the worker. A busy provider is tried once more; then the person asks again."""

    def __init__(self, name: str):
        self.name = name

    def _sender(self):
        if self.name == "sms":
            return gateways.DltSms().send
        return gateways.WhatsAppCloud().send_template

    def send(self, to: str, body: str, *, secret: str = "", template: str = "", params=None,
             lang: str = "hi") -> OutboxMessage:
        kept = body.replace(secret, MASK) if secret else body
        msg = OutboxMessage.objects.create(channel=self.name, to=to, body=kept)
        if not template:
            template, params = "sampark_notice", notice_params(body)
        error = ""
        for attempt in (1, 2):
            try:
                external_id, parts = self._sender()(to, template, lang, params or [])
            except gateways.TransientError as exc:
                error = str(exc)
                continue
            except gateways.PermanentError as exc:
                error = str(exc)
                break
            OutboxMessage.objects.filter(pk=msg.pk).update(status=OutboxMessage.Status.SENT, attempts=attempt,
                                                           sent_at=timezone.now(), external_id=external_id,
                                                           parts=parts)
            return msg
        log.warning("%s message to %s failed: %s", self.name, MASK, error)
        OutboxMessage.objects.filter(pk=msg.pk).update(status=OutboxMessage.Status.FAILED, attempts=attempt,
                                                       error=error[:300])
        return msg


def sms_channel():
    if settings.SAMPARK_SMS_CHANNEL in ("sms", "whatsapp"):
        return ProviderSMS(settings.SAMPARK_SMS_CHANNEL)
    channels = {"console": ConsoleSMS, "memory": MemorySMS}
    return channels[settings.SAMPARK_SMS_CHANNEL]()
