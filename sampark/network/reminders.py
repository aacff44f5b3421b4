"""Once a month, remind members to enter their counts (run by jobs.tick).

On the day of the month set by the policy network.reminder_day, each active member with at least one active handle and no count
dated this month gets one message in the app and on their phone channel. The message's ref names
the month, and the table of messages keeps one per person, channel and ref
(directives.channels.queue_messages): a tick that runs twice, or one retried after a crash half-way,
sends nobody a second one; those already reminded are left out of the query. The members' page
also reads this month's counts from here (month_rows)."""

import logging
from datetime import date, datetime

from django.db.models import Exists, OuterRef
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.core.names import pick
from sampark.directives.channels import phone_channel_name, queue_messages
from sampark.directives.models import Message
from sampark.network import policies
from sampark.network.models import Handle, Snapshot
from sampark.people.models import Person

log = logging.getLogger("sampark.network")

TEMPLATE = "network_reminder"
LINK = "/network/"
BATCH = 2000


def month_start(today: date) -> date:
    return today.replace(day=1)


def month_ref(today: date) -> str:
    return f"network-reminder:{today:%Y-%m}"


def month_rows(handles: list[Handle], today: date) -> list[dict]:
    """For the member's page: each handle with its count dated this month (the latest, whatever its
    status), whether a count of it waits for a coordinator, and what its platform counts."""
    ids = [h.pk for h in handles]
    this_month: dict[int, Snapshot] = {}
    awaiting: set[int] = set()
    for s in Snapshot.objects.filter(handle_id__in=ids).filter(date__gte=month_start(today)).order_by("date"):
        this_month[s.handle_id] = s
    awaiting.update(Snapshot.objects.filter(handle_id__in=ids, status=Snapshot.Status.FLAGGED)
                    .values_list("handle_id", flat=True))
    return [{"h": h, "month": this_month.get(h.pk), "awaiting": h.pk in awaiting,
             "counts": pick(h.platform.counts_hi, h.platform.counts_en)} for h in handles]


def due(today: date) -> bool:
    return today.day == policies.get(policies.REMINDER_DAY)


def to_remind(today: date):
    """Active members with an active handle, no count dated this month, and no reminder yet."""
    active = Handle.objects.filter(person=OuterRef("pk"), status=Handle.Status.ACTIVE)
    counted = Snapshot.objects.filter(handle__person=OuterRef("pk"), date__gte=month_start(today))
    reminded = Message.objects.filter(recipient=OuterRef("pk"), channel="app", ref=month_ref(today))
    return (Person.objects.filter(is_active=True).filter(Exists(active)).exclude(Exists(counted))
            .exclude(Exists(reminded)).only("pk", "lang", "phone").order_by("pk"))


def send_reminders(now: datetime) -> int:
    """Queue this month's reminder to those who need it; returns how many people were reminded."""
    today = timezone.localdate(now)
    ref = month_ref(today)
    if not due(today):
        return 0
    channel, sent, batch = phone_channel_name(), 0, []
    for person in to_remind(today).iterator(chunk_size=BATCH):
        with translation.override(person.lang):
            month = formats.date_format(today, "F Y")
            body = _("Reminder: enter this month's counts of your social media handles ({month}) in Sampark.").format(
                month=month)
        batch.append((person, body, TEMPLATE, [month]))
        if len(batch) >= BATCH:
            sent += queue_messages(None, Message.Kind.REMINDER, batch, now=now, phone_channel=channel, ref=ref,
                                   link=LINK)
            batch = []
    if batch:
        sent += queue_messages(None, Message.Kind.REMINDER, batch, now=now, phone_channel=channel, ref=ref, link=LINK)
    return sent
