"""Timed work for directives, run by `sampark tick` and the worker (STYLE rule 7).

Each tick: fold pending receipts into the roll-up counters; run due timers (count the audience
after publishing, queue the phone messages announcing it, remind before the due time, escalate
silent units after it); once a day queue the digests (digest.py); send queued phone messages with
retries and backoff.

Escalation climbs one level per interval. At step depth k it finds the units at depth k (inside
the target) below the silence threshold and tells the leaders of each one's parent, one message
per leader listing all their silent units; then it moves to depth k-1 one interval later, until
it has reported the target's own children. The reminder lead time, the interval and the silence
threshold are policies (directives/policies.py), read afresh at each tick.
"""

import json
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.core import paths, policies
from sampark.core.bulk import insert_rows
from sampark.core.names import pick
from sampark.directives import counters, digest
from sampark.directives.audience import matching_posts_q
from sampark.directives.channels import (
    BATCH,
    WHATSAPP_WINDOW,
    PermanentError,
    TransientError,
    channel_for,
    phone_channel_name,
    queue_messages,
)
from sampark.directives.models import Directive, Message, Receipt, Timer, WhatsAppWindow
from sampark.directives.policies import escalation_interval, silent_below_percent
from sampark.directives.selectors import silent_counts
from sampark.people.models import LEADING_ROLES, Notify, Person, Post

log = logging.getLogger("sampark.directives")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
SEND_THREADS = 8
ANNOUNCE_BATCH = 10_000  # rows per transaction: the write lock is held for a moment, not the whole fan-out
ON_CONFLICT_SKIP = "ON CONFLICT DO NOTHING"  # the person has it already (message_once_per_ref)
FOLD_ROUNDS = 40  # at most 40 batches (fold_pending's limit each) per tick, so the other work still runs


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at an hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def tick(now: datetime) -> dict:
    policies.refresh()  # an administrator's change applies from the next tick
    folded = fold_all()
    timers = run_timers(now)
    digests = digest.tick(now)["digests"]
    sent = deliver(now)
    return {"folded": folded, "timers": timers, "digests": digests, "messages": sent}


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
    if timer.kind == Timer.Kind.ANNOUNCE:
        # Batches of their own transactions, so a state-wide audience never holds the write lock
        # for long; a re-run after a crash skips whoever already has the message (its ref).
        if d.status == Directive.Status.PUBLISHED:
            announce(d, now)
        Timer.objects.filter(pk=timer.pk).update(done=True)
        return
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


def announce(d: Directive, now: datetime) -> int:
    """The phone message that a directive was published: an urgent one to its whole audience, a
    normal one to those who asked to hear at once (people.Notify). Never to its author. Queued in
    batches; deliver() sends them. Returns the messages queued (a re-run counts them again)."""
    channel = phone_channel_name()
    if channel == "none":
        return 0
    urgent = d.is_urgent
    kind, key = (Message.Kind.URGENT, "directive_urgent") if urgent else (Message.Kind.NEW, "directive_new")
    bodies = {}
    for lang in ("hi", "en"):
        with translation.override(lang):
            text = (_("Urgent directive: “{title}”. Open Sampark to read and acknowledge it.") if urgent
                    else _("New directive: “{title}”. Open Sampark to read it."))
            bodies[lang] = text.format(title=d.title)
    posts = (Post.objects.filter(matching_posts_q(d), person__is_active=True).exclude(person_id=d.author_id)
             .values_list("person_id", "person__lang"))
    if not urgent:
        posts = posts.filter(person__notify=Notify.IMMEDIATELY)
    ref, params = f"{kind}:{d.pk}", json.dumps([d.title], ensure_ascii=False)
    at = connection.ops.adapt_datetimefield_value(now)
    # Plain rows (core.bulk: COPY on PostgreSQL), not model instances: a state's audience is ~10^6.
    columns = ("recipient_id", "directive_id", "kind", "channel", "body", "template", "params", "ref", "link",
               "status", "attempts", "parts", "last_error", "external_id", "created_at", "next_attempt_at")
    queued, rows = 0, []
    for person_id, lang in posts.iterator(chunk_size=BATCH):
        rows.append((person_id, d.pk, kind, channel, bodies.get(lang, bodies["hi"]), key, params, ref, "",
                     Message.Status.QUEUED.value, 0, 0, "", "", at, at))
        if len(rows) >= ANNOUNCE_BATCH:
            queued += insert_rows(Message._meta.db_table, columns, rows, on_conflict=ON_CONFLICT_SKIP)
            rows = []
    if rows:
        queued += insert_rows(Message._meta.db_table, columns, rows, on_conflict=ON_CONFLICT_SKIP)
    return queued


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


def deliver(now: datetime, limit: int = 500, rounds: int = 20) -> int:
    """Send due phone messages: claim each with a conditional UPDATE, send, record the outcome;
    a transient failure is retried with backoff, up to MAX_ATTEMPTS. Up to ``rounds`` batches of
    ``limit`` per tick; a provider's HTTP calls go SEND_THREADS at a time (they wait on the network)."""
    sent = 0
    for _round in range(rounds):
        n, claimed = _deliver_batch(now, limit)
        sent += n
        if claimed < limit:
            break
    return sent


def _claim_due(now: datetime, limit: int) -> list[Message]:
    """Take up to ``limit`` due messages in one short transaction: their lease moves on, so no other
    worker takes them (PostgreSQL skips rows another worker has locked; SQLite's write lock, taken at
    the transaction's start, lets one worker in at a time)."""
    with transaction.atomic():
        due = (Message.objects.filter(status__in=[Message.Status.QUEUED, Message.Status.SENDING],
                                      next_attempt_at__lte=now).exclude(channel="app")
               .order_by("next_attempt_at", "pk"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        mine = list(due.select_related("recipient")[:limit])
        Message.objects.filter(pk__in=[m.pk for m in mine]).update(
            status=Message.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    for m in mine:
        m.attempts += 1
    return mine


def _send_one(m: Message, now: datetime):
    try:
        return channel_for(m.channel).send(m, now)
    except (TransientError, PermanentError) as exc:
        return exc


def _deliver_batch(now: datetime, limit: int) -> tuple[int, int]:
    mine = _claim_due(now, limit)
    if not mine:
        return 0, 0
    windows = set(WhatsAppWindow.objects.filter(
        person_id__in=[m.recipient_id for m in mine if m.channel == "whatsapp"],
        last_inbound_at__gt=now - WHATSAPP_WINDOW).values_list("person_id", flat=True))
    for m in mine:
        m.in_window = m.recipient_id in windows
    remote = [m for m in mine if m.channel != "console"]
    outcomes = {m.pk: _send_one(m, now) for m in mine if m.channel == "console"}  # writes our own tables
    if remote:
        with ThreadPoolExecutor(max_workers=min(SEND_THREADS, len(remote))) as pool:
            outcomes.update(zip([m.pk for m in remote], pool.map(lambda m: _send_one(m, now), remote), strict=True))
    sent = 0
    for m in mine:
        outcome = outcomes[m.pk]
        if isinstance(outcome, TransientError):
            failed = m.attempts >= MAX_ATTEMPTS
            m.status = Message.Status.FAILED if failed else Message.Status.QUEUED
            m.next_attempt_at = None if failed else now + backoff(m.attempts)
            m.last_error, m.failed_at = str(outcome)[:300], now if failed else None
        elif isinstance(outcome, PermanentError):
            m.status, m.next_attempt_at, m.last_error, m.failed_at = (Message.Status.FAILED, None,
                                                                      str(outcome)[:300], now)
        else:
            m.status, m.sent_at, m.next_attempt_at = Message.Status.SENT, now, None
            m.external_id, m.parts = outcome
            sent += 1
    with transaction.atomic():  # one commit for the batch's outcomes
        Message.objects.bulk_update(mine, ["status", "sent_at", "next_attempt_at", "last_error", "failed_at",
                                           "external_id", "parts"], batch_size=250)
    return sent, len(mine)
