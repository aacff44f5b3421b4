"""Pluggable outgoing channels. The laptop default writes to the console and the outbox table."""

import logging

from django.conf import settings
from django.utils import timezone

from sampark.core.models import OutboxMessage

log = logging.getLogger("sampark.sms")
MASK = "••••••"


class ConsoleSMS:
    """The outbox row keeps the message with its secret (a login code) masked: only the channel
    sees the code. The console shows it in the demo, where it stands in for the phone."""

    name = "console"

    def send(self, to: str, body: str, *, secret: str = "") -> OutboxMessage:
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


def sms_channel() -> ConsoleSMS:
    channels = {"console": ConsoleSMS, "memory": MemorySMS}
    return channels[settings.SAMPARK_SMS_CHANNEL]()
