"""Phone channels for directive messages, behind one small interface: send(message, now) returns
(the provider's id, SMS parts) or raises. The outbox (models.Message) keeps status and retries.

- "console": the laptop default; prints and writes the core SMS outbox an operator can read.
- "sms": the DLT SMS provider (core.gateways.DltSms), each message as its registered template.
- "whatsapp": the WhatsApp Business Cloud API; free text only within 24 hours of the person's last
  message to us, an approved template otherwise. Its status callbacks (record_status) move a message
  on to delivered and read.

queue_messages writes the outbox rows (one in the app, one for the phone) that deliver() in
jobs.py sends; note_whatsapp_inbound opens a person's WhatsApp window.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from sampark.core import gateways
from sampark.core.channels import notice_params, sms_channel
from sampark.core.gateways import PermanentError, TransientError
from sampark.directives.models import Directive, Message, WhatsAppWindow
from sampark.people.models import Person

WHATSAPP_WINDOW = timedelta(hours=24)
BATCH = 2000

__all__ = ["PermanentError", "TransientError"]


class ConsoleChannel:
    name = "console"

    def send(self, message: Message, now: datetime) -> tuple[str, int]:
        out = sms_channel().send(message.recipient.phone, message.body)
        return f"outbox:{out.pk}", gateways.sms_parts(message.body)


def _template_and_params(message: Message) -> tuple[str, list]:
    if message.template:
        return message.template, list(message.params or [])
    return "sampark_notice", notice_params(message.body)


class SmsChannel:
    name = "sms"

    def send(self, message: Message, now: datetime) -> tuple[str, int]:
        key, params = _template_and_params(message)
        return gateways.DltSms().send(message.recipient.phone, key, message.recipient.lang, params)


class WhatsAppChannel:
    name = "whatsapp"

    def send(self, message: Message, now: datetime) -> tuple[str, int]:
        api = gateways.WhatsAppCloud()
        # deliver() looks up the windows of a whole batch at once (and sends from threads).
        inside = getattr(message, "in_window", None)
        if inside is None:
            inside = in_whatsapp_window(message.recipient_id, now)
        if inside:
            return api.send_text(message.recipient.phone, message.body)
        key, params = _template_and_params(message)
        return api.send_template(message.recipient.phone, key, message.recipient.lang, params)


def in_whatsapp_window(person_id: int, now: datetime) -> bool:
    return WhatsAppWindow.objects.filter(person_id=person_id, last_inbound_at__gt=now - WHATSAPP_WINDOW).exists()


def phone_channel_name() -> str:
    """The phone channel messages go out on besides the app: console, sms, whatsapp or none."""
    return settings.SAMPARK_DIRECTIVE_CHANNEL


def channel_for(name: str):
    channels = {"console": ConsoleChannel, "sms": SmsChannel, "whatsapp": WhatsAppChannel}
    if name not in channels:
        raise PermanentError(f"unknown channel {name}")
    return channels[name]()


def queue_messages(directive: Directive | None, kind: str, items: list[tuple[Person, str, str, list]], *,
                   now: datetime, phone_channel: str, ref: str = "", link: str = "") -> int:
    """One in-app message (delivered at once) and, unless the phone channel is
    "none", one queued phone message per recipient. items: (recipient, body, template, its
    parameters). With a ref, a person gets at most one message per channel for it: a re-run inserts
    nothing twice."""
    rows = []
    for person, body, template, params in items:
        rows.append(Message(recipient=person, directive=directive, kind=kind, channel="app", body=body,
                            template=template, params=params, ref=ref, link=link,
                            status=Message.Status.SENT, created_at=now, sent_at=now))
        if phone_channel != "none":
            rows.append(Message(recipient=person, directive=directive, kind=kind, channel=phone_channel,
                                body=body, template=template, params=params, ref=ref, link=link,
                                created_at=now, next_attempt_at=now))
    Message.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=bool(ref))
    return len(items)


# What a provider's status callback may move a message on from: never back (a "delivered" that
# arrives after "read" changes nothing), and a failure only before delivery.
_MOVES_FROM = {
    Message.Status.DELIVERED: (Message.Status.SENDING, Message.Status.SENT),
    Message.Status.READ: (Message.Status.SENDING, Message.Status.SENT, Message.Status.DELIVERED),
    Message.Status.FAILED: (Message.Status.SENDING, Message.Status.SENT),
}


def record_status(channel: str, external_id: str, status: str, at: datetime, error: str = "") -> int:
    """A provider says what became of a message it accepted. Returns the rows moved (0 for an unknown
    id, a status we do not track, or a late one)."""
    if not external_id or status not in _MOVES_FROM:
        return 0
    found = Message.objects.filter(channel=channel, external_id=external_id, status__in=_MOVES_FROM[status])
    if status == Message.Status.DELIVERED:
        return found.update(status=status, delivered_at=at)
    if status == Message.Status.READ:
        return found.update(status=status, read_at=at, delivered_at=Coalesce("delivered_at", at))
    return found.update(status=status, failed_at=at, next_attempt_at=None, last_error=error[:300])


def delivery_counts(directive: Directive) -> list[dict]:
    """Per phone channel, how many of this directive's messages are at each status."""
    counts: dict[str, dict[str, int]] = {}
    rows = (Message.objects.filter(directive=directive).filter(~Q(channel="app")).order_by()
            .values_list("channel", "status").annotate(n=Count("pk")))
    for channel, status, n in rows:
        counts.setdefault(channel, {})[status] = n
    return [{"channel": c, **{s: by.get(s, 0) for s in Message.Status.values},
             "total": sum(by.values())} for c, by in sorted(counts.items())]


def note_whatsapp_inbound(person: Person, at: datetime) -> None:
    """Called by the WhatsApp webhook when a person writes to us: opens the 24-hour window."""
    WhatsAppWindow.objects.update_or_create(person=person, defaults={"last_inbound_at": at})


def signature_ok(body: bytes, header: str) -> bool:
    """Meta signs each callback: X-Hub-Signature-256 is "sha256=" and the HMAC-SHA256 of the raw body
    with the app secret."""
    secret = settings.SAMPARK_WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def _at(timestamp) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def whatsapp_callback(payload: dict) -> dict:
    """A webhook's statuses (sent, delivered, read, failed: recorded per message) and inbound
    messages (each opens the sender's 24-hour window). Returns what it counted."""
    moved = inbound = 0
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            for st in value.get("statuses") or []:
                if not isinstance(st, dict):
                    continue
                errors = st.get("errors") or [{}]
                error = str(errors[0].get("title", "") if isinstance(errors[0], dict) else "")
                moved += record_status("whatsapp", str(st.get("id", "")), str(st.get("status", "")),
                                       _at(st.get("timestamp")), error)
            for msg in value.get("messages") or []:
                if not isinstance(msg, dict):
                    continue
                person = Person.objects.filter(phone="+" + gateways.digits(str(msg.get("from", "")))).first()
                if person is not None:
                    note_whatsapp_inbound(person, _at(msg.get("timestamp")))
                    inbound += 1
    return {"statuses": moved, "inbound": inbound}
