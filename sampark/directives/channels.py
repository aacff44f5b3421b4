"""Phone channels for directive messages, behind one small interface: send(message, now) either
returns an external id or raises. The outbox (models.Message) keeps status and retries.

- "console": the laptop default; prints and writes the core SMS outbox an operator can read.
- "sms" / "whatsapp": an HTTP gateway (any provider that accepts a JSON POST); WhatsApp free text
  only within 24 hours of the person's last message to us, an approved template otherwise.

queue_messages writes the outbox rows (one in the app, one for the phone) that deliver() in
jobs.py sends; note_whatsapp_inbound opens a person's WhatsApp window.
"""

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings

from sampark.core.channels import sms_channel
from sampark.directives.models import Directive, Message, WhatsAppWindow
from sampark.people.models import Person

WHATSAPP_WINDOW = timedelta(hours=24)


class TransientError(Exception):
    """Try again later (gateway down, 5xx, timeout)."""


class PermanentError(Exception):
    """Do not retry (the gateway refused the message)."""


class ConsoleChannel:
    name = "console"

    def send(self, message: Message, now: datetime) -> str:
        out = sms_channel().send(message.recipient.phone, message.body)
        return f"outbox:{out.pk}"


class HttpGateway:
    """POSTs {"to", "channel", "type": "text"|"template", ...} as JSON; a 2xx answer with an
    optional {"id": ...} means accepted."""

    def __init__(self, name: str, url: str, token: str = "", timeout: float = 5.0):
        self.name, self.url, self.token, self.timeout = name, url, token, timeout

    def payload(self, message: Message, now: datetime) -> dict:
        data = {"to": message.recipient.phone, "channel": self.name}
        if self.name == "whatsapp" and not in_whatsapp_window(message.recipient_id, now):
            data.update(type="template", template=message.template, params=message.params)
        else:
            data.update(type="text", text=message.body)
        return data

    def send(self, message: Message, now: datetime) -> str:
        body = json.dumps(self.payload(message, now), ensure_ascii=False).encode()
        req = urllib.request.Request(self.url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                answer = resp.read(2000)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise TransientError(f"gateway answered {exc.code}") from exc
            raise PermanentError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientError(f"gateway unreachable: {exc}") from exc
        try:
            return str(json.loads(answer or b"{}").get("id", ""))[:100]
        except (ValueError, AttributeError):
            return ""


def in_whatsapp_window(person_id: int, now: datetime) -> bool:
    return WhatsAppWindow.objects.filter(person_id=person_id, last_inbound_at__gt=now - WHATSAPP_WINDOW).exists()


def phone_channel_name() -> str:
    """The phone channel messages go out on besides the app: console, sms, whatsapp or none."""
    return settings.SAMPARK_DIRECTIVE_CHANNEL


def channel_for(name: str):
    if name == "console":
        return ConsoleChannel()
    if name in ("sms", "whatsapp"):
        url = settings.SAMPARK_GATEWAY_URL
        if not url:
            raise PermanentError("SAMPARK_GATEWAY_URL is not set")
        return HttpGateway(name, url, settings.SAMPARK_GATEWAY_TOKEN)
    raise PermanentError(f"unknown channel {name}")


def queue_messages(directive: Directive, kind: str, items: list[tuple[Person, str, str, list]], *,
                   now: datetime, phone_channel: str) -> int:
    """One in-app message (delivered at once) and, unless the phone channel is "none", one queued
    phone message per recipient. items: (recipient, body, WhatsApp template, its parameters)."""
    rows = []
    for person, body, template, params in items:
        rows.append(Message(recipient=person, directive=directive, kind=kind, channel="app", body=body,
                            status=Message.Status.SENT, created_at=now, sent_at=now))
        if phone_channel != "none":
            rows.append(Message(recipient=person, directive=directive, kind=kind, channel=phone_channel,
                                body=body, template=template, params=params, created_at=now,
                                next_attempt_at=now))
    Message.objects.bulk_create(rows, batch_size=1000)
    return len(items)


def note_whatsapp_inbound(person: Person, at: datetime) -> None:
    """Called by the WhatsApp webhook when a person writes to us: opens the 24-hour window."""
    WhatsAppWindow.objects.update_or_create(person=person, defaults={"last_inbound_at": at})
