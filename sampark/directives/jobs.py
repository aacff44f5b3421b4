"""Timed work for directives, run by `sampark tick` and the worker (STYLE rule 7).

Each tick: fold pending receipts into the roll-up counters; run due timers (count the audience
after publishing, remind before the due time, escalate silent units after it); send queued phone
messages with retries and backoff.

Escalation climbs one level per interval. At step depth k it finds the units at depth k (inside
the target) below the silence threshold and tells the leaders of each one's parent, one message
per leader listing all their silent units; then it moves to depth k-1 one interval later, until
it has reported the target's own children. The reminder lead time, the interval and the silence
threshold are policies (directives/policies.py), read afresh at each tick.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.core import paths, policies
from sampark.core.names import pick
from sampark.directives import counters
from sampark.directives.audience import matching_posts_q
from sampark.directives.channels import (
    PermanentError,
    TransientError,
    channel_for,
    phone_channel_name,
    queue_messages,
)
from sampark.directives.models import Directive, Message, Receipt, Timer
from sampark.directives.policies import escalation_interval, silent_below_percent
from sampark.directives.selectors import silent_counts
from sampark.people.models import LEADING_ROLES, Person, Post

log = logging.getLogger("sampark.directives")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
FOLD_ROUNDS = 40  # at most 40 batches (fold_pending's limit each) per tick, so the other work still runs


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at an hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def tick(now: datetime) -> dict:
    policies.refresh()  # an administrator's change applies from the next tick
    folded = fold_all()
    timers = run_timers(now)
    sent = deliver(now)
    return {"folded": folded, "timers": timers, "messages": sent}


def fold_all() -> int:
    total = 0
    for _round in range(FOLD_ROUNDS):
        n = counters.fold_pending()
        total += n
        if n == 0:
            break
    return total


def _claim(timer: Timer, now: datetime) -> bool:
    """Move the timer a lease ahead; 0 rows means another worker has it."""
    return Timer.objects.filter(pk=timer.pk, done=False, due_at=timer.due_at).update(
        due_at=now + LEASE, runs=F("runs") + 1) == 1


def run_timers(now: datetime) -> int:
    ran = 0
    for _round in range(100):
        due = list(Timer.objects.filter(done=False, due_at__lte=now).select_related("directive")
                   .order_by("due_at", "pk")[:50])
        if not due:
            break
        for timer in due:
            original_due = timer.due_at
            if not _claim(timer, now):
                continue
            ran += 1
            try:
                run_timer(timer, original_due, now)
            except Exception:
                log.exception("directive timer %s failed; retried after the lease", timer.pk)
    return ran


def run_timer(timer: Timer, original_due: datetime, now: datetime) -> None:
    d = timer.directive
    with transaction.atomic():
        if d.status != Directive.Status.PUBLISHED:
            Timer.objects.filter(pk=timer.pk).update(done=True)
            return
        if timer.kind == Timer.Kind.EXPECTED:
            counters.compute_expected(d)
            Timer.objects.filter(pk=timer.pk).update(done=True)
        elif timer.kind == Timer.Kind.REMIND:
            remind(d, now)
            Timer.objects.filter(pk=timer.pk).update(done=True)
        elif timer.kind == Timer.Kind.ESCALATE:
            escalate_step(d, timer.step_depth, now)
            next_depth = timer.step_depth - 1
            if next_depth <= paths.depth(d.target_path):
                Timer.objects.filter(pk=timer.pk).update(done=True)
            else:
                Timer.objects.filter(pk=timer.pk).update(
                    step_depth=next_depth, due_at=original_due + escalation_interval())


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def remind(d: Directive, now: datetime) -> int:
    """One reminder to each person in the audience who has not acknowledged."""
    acked = Receipt.objects.filter(directive=d, kind=Receipt.Kind.ACK).values("person_id")
    people = (Person.objects.filter(is_active=True, pk__in=Post.objects.filter(matching_posts_q(d)).values("person_id"))
              .exclude(pk__in=acked).only("pk", "lang", "phone").order_by("pk"))
    channel, sent, batch = phone_channel_name(), 0, []
    for person in people.iterator(chunk_size=2000):
        with translation.override(person.lang):
            due = _when(d.due_at)
            body = _("Reminder: please acknowledge the directive “{title}” by {due}.").format(title=d.title, due=due)
        batch.append((person, body, "directive_reminder", [d.title, due]))
        if len(batch) >= 2000:
            sent += queue_messages(d, Message.Kind.REMINDER, batch, now=now, phone_channel=channel)
            batch = []
    sent += queue_messages(d, Message.Kind.REMINDER, batch, now=now, phone_channel=channel)
    return sent


def _unit_name(unit, lang: str) -> str:
    return pick(unit.name_hi, unit.name_en, lang)


def escalate_step(d: Directive, depth: int, now: datetime) -> int:
    """Tell the leaders of each silent unit's parent, one message per leader. Returns messages."""
    silent = list(silent_counts(d, d.target_path).filter(depth=depth).select_related("unit")
                  .order_by("unit_path"))
    if not silent:
        return 0
    by_parent: dict[int, list] = defaultdict(list)
    for c in silent:
        by_parent[c.parent_id].append(c.unit)
    leaders = Post.objects.filter(unit_id__in=list(by_parent), role__in=LEADING_ROLES, active=True,
                                  person__is_active=True).select_related("person")
    if d.teams:
        leaders = leaders.filter(team__in=d.team_codes)
    units_for: dict[int, dict[int, object]] = defaultdict(dict)
    person_of: dict[int, Person] = {}
    for post in leaders:
        person_of[post.person_id] = post.person
        for unit in by_parent[post.unit_id]:
            units_for[post.person_id][unit.pk] = unit
    items = []
    pct = silent_below_percent()
    for pid, units in units_for.items():
        person = person_of[pid]
        names = ", ".join(_unit_name(u, person.lang) for u in units.values())
        with translation.override(person.lang):
            body = _("Directive “{title}”: these units have not acknowledged (below {pct}%): {units}.").format(
                title=d.title, pct=pct, units=names)
        items.append((person, body, "directive_silent_units", [d.title, names]))
    return queue_messages(d, Message.Kind.ESCALATION, items, now=now, phone_channel=phone_channel_name())


def deliver(now: datetime, limit: int = 200) -> int:
    """Send due phone messages: claim each with a conditional UPDATE, send, record the outcome;
    a transient failure is retried with backoff, up to MAX_ATTEMPTS."""
    due = list(Message.objects.filter(status__in=[Message.Status.QUEUED, Message.Status.SENDING],
                                      next_attempt_at__lte=now).exclude(channel="app")
               .select_related("recipient").order_by("next_attempt_at", "pk")[:limit])
    sent = 0
    for m in due:
        claimed = Message.objects.filter(pk=m.pk, status=m.status, next_attempt_at=m.next_attempt_at).update(
            status=Message.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
        if not claimed:
            continue
        attempts = m.attempts + 1
        try:
            external_id = channel_for(m.channel).send(m, now)
        except TransientError as exc:
            failed = attempts >= MAX_ATTEMPTS
            Message.objects.filter(pk=m.pk).update(
                status=Message.Status.FAILED if failed else Message.Status.QUEUED,
                next_attempt_at=None if failed else now + backoff(attempts), last_error=str(exc)[:300])
            continue
        except PermanentError as exc:
            Message.objects.filter(pk=m.pk).update(status=Message.Status.FAILED, next_attempt_at=None,
                                                   last_error=str(exc)[:300])
            continue
        Message.objects.filter(pk=m.pk).update(status=Message.Status.SENT, sent_at=now, next_attempt_at=None,
                                               external_id=external_id)
        sent += 1
    return sent
