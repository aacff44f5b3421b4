"""Pluggable outgoing channels. The laptop default writes to the console and the outbox table."""

import logging

from django.conf import settings
from django.utils import timezone

from sampark.core.models import OutboxMessage

log = logging.getLogger("sampark.sms")


class ConsoleSMS:
    name = "console"

    def send(self, to: str, body: str) -> OutboxMessage:
        msg = OutboxMessage.objects.create(channel="sms", to=to, body=body,
                                           status=OutboxMessage.Status.SENT, attempts=1,
                                           sent_at=timezone.now())
        log.info("SMS to %s: %s", to, body)
        print(f"[sampark sms] to {to}: {body}", flush=True)
        return msg


def sms_channel() -> ConsoleSMS:
    channels = {"console": ConsoleSMS}
    return channels[settings.SAMPARK_SMS_CHANNEL]()
