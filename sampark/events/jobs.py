"""Timed work for events, run by `sampark tick` and the worker (STYLE rule 7): remind the invitees a
day and two hours before the start.

Each tick makes the reminder timers that have come due (one row per event and kind, unique), claims
each with a conditional UPDATE that moves its due time a lease ahead (0 rows: another worker has it),
queues one message per invitee who has not answered "no" (in the app and on the phone channel, as
directives' reminders; the message's ref makes it once per person even when a crashed run is
retried) and marks the timer done. A reminder whose moment passed unsent (the invitation went out
later, or the worker was down until the next one was due) is marked done without a message."""

import logging
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.directives.audience import matching_posts_q
from sampark.directives.channels import phone_channel_name, queue_messages
from sampark.directives.models import Directive, Message
from sampark.events.models import Event, ReminderTimer, Rsvp
from sampark.events.services import event_path
from sampark.people.models import Person, Post

log = logging.getLogger("sampark.events")

LEADS = {ReminderTimer.Kind.DAY: timedelta(hours=24), ReminderTimer.Kind.HOURS: timedelta(hours=2)}
LEASE = timedelta(minutes=5)
BATCH = 2000
TEMPLATE = "event_reminder"


def tick(now: datetime) -> dict:
    made = make_due_timers(now)
    return {"timers_made": made, "reminders": run_timers(now)}


def make_due_timers(now: datetime) -> int:
    """A timer for each published event whose reminder time has come and that has not started."""
    rows = []
    for kind, lead in LEADS.items():
        for pk, starts_at in (Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now,
                                                   starts_at__lte=now + lead)
                              .exclude(reminder_timers__kind=kind).values_list("pk", "starts_at")):
            rows.append(ReminderTimer(event_id=pk, kind=kind, due_at=starts_at - lead))
    ReminderTimer.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _claim(timer: ReminderTimer, now: datetime) -> bool:
    return ReminderTimer.objects.filter(pk=timer.pk, done=False, due_at=timer.due_at).update(
        due_at=now + LEASE, runs=F("runs") + 1) == 1


def run_timers(now: datetime) -> int:
    sent = 0
    for _round in range(100):
        due = list(ReminderTimer.objects.filter(done=False, due_at__lte=now)
                   .select_related("event", "event__invitation").order_by("due_at", "pk")[:50])
        if not due:
            break
        for timer in due:
            if not _claim(timer, now):
                continue
            try:
                n = run_timer(timer, now)
            except Exception:
                log.exception("event reminder %s failed; retried after the lease", timer.pk)
                continue
            sent += n
            ReminderTimer.objects.filter(pk=timer.pk).update(done=True, sent=n)
    return sent


def _stale(timer: ReminderTimer, now: datetime) -> bool:
    e = timer.event
    if e.status != Event.Status.PUBLISHED or e.invitation is None or e.starts_at <= now:
        return True
    if e.published_at and e.published_at > e.starts_at - LEADS[timer.kind]:  # the invitation came after it
        return True
    # The worker was away: the day's reminder is not sent once the two hours' one is due.
    return timer.kind == ReminderTimer.Kind.DAY and now >= e.starts_at - LEADS[ReminderTimer.Kind.HOURS]


def invitees(event: Event):
    """Active people with a post in the invitation's audience who have not answered "no"."""
    d: Directive = event.invitation
    said_no = Rsvp.objects.filter(event=event, answer=Rsvp.Answer.NO).values("person_id")
    return (Person.objects.filter(is_active=True, pk__in=Post.objects.filter(matching_posts_q(d)).values("person_id"))
            .exclude(pk__in=said_no).only("pk", "lang", "phone").order_by("pk"))


def run_timer(timer: ReminderTimer, now: datetime) -> int:
    """Queue the reminder to each invitee not saying "no"; returns how many were queued (0 when stale)."""
    if _stale(timer, now):
        return 0
    e = timer.event
    channel, ref, link = phone_channel_name(), f"event-reminder:{e.pk}:{timer.kind}", event_path(e)
    queued, batch = 0, []
    for person in invitees(e).iterator(chunk_size=BATCH):
        with translation.override(person.lang):
            when = formats.date_format(timezone.localtime(e.starts_at), "DATETIME_FORMAT")
            body = _("Reminder: “{title}” begins {when}. See the event in Sampark.").format(title=e.title, when=when)
        batch.append((person, body, TEMPLATE, [e.title, when]))
        if len(batch) >= BATCH:
            queued += queue_messages(e.invitation, Message.Kind.REMINDER, batch, now=now, phone_channel=channel,
                                     ref=ref, link=link)
            batch = []
    if batch:
        queued += queue_messages(e.invitation, Message.Kind.REMINDER, batch, now=now, phone_channel=channel,
                                 ref=ref, link=link)
    return queued
