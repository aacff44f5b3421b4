"""The daily digest (part of the directives' registered tick, jobs.tick): once a day, at the digest hour (a policy), each person who
chose the digest (people.Notify.DIGEST) gets one phone message listing the normal directives
published for them in the day before that they have not read. Urgent directives went out at once
and are not listed again; people who chose "immediately" or "app only" get no digest.

The day's run is a claimed row (DigestRun, STYLE rule 7); each message carries the ref
"digest:<day>", so a run taken over after a crash queues nobody twice."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sampark.directives.audience import matching_posts_q
from sampark.directives.channels import BATCH, phone_channel_name
from sampark.directives.models import DigestRun, Directive, Message, Receipt
from sampark.directives.policies import digest_hour
from sampark.people.models import Notify, Post

TITLES_SHOWN = 3
LEASE = timedelta(minutes=5)


def digest_time(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


def tick(now: datetime) -> dict:
    hour = digest_hour()
    local = timezone.localtime(now)
    day = local.date()
    cutoff = digest_time(day, hour)
    if now < cutoff or not _claim(day, now):
        return {"digests": 0}
    queued = send_digests(cutoff - timedelta(days=1), cutoff, day, now)
    DigestRun.objects.filter(day=day).update(done=True, queued=queued)
    return {"digests": queued}


def _claim(day, now: datetime) -> bool:
    """The day's run is ours: created now, or its lease ran out (a worker died in it)."""
    try:
        with transaction.atomic():
            DigestRun.objects.create(day=day, leased_until=now + LEASE)
        return True
    except IntegrityError:
        return DigestRun.objects.filter(day=day, done=False, leased_until__lte=now).update(
            leased_until=now + LEASE) == 1


def send_digests(since: datetime, until: datetime, day, now: datetime) -> int:
    """One message per digest person with unread normal directives published in [since, until)."""
    channel = phone_channel_name()
    if channel == "none":
        return 0
    directives = list(Directive.objects.filter(status=Directive.Status.PUBLISHED, priority=Directive.Priority.NORMAL,
                                               published_at__gte=since, published_at__lt=until)
                      .order_by("-published_at", "-pk"))
    unread: dict[int, list[Directive]] = defaultdict(list)
    langs: dict[int, str] = {}
    for d in directives:
        read = set(Receipt.objects.filter(directive=d).values_list("person_id", flat=True))
        posts = (Post.objects.filter(matching_posts_q(d), person__is_active=True, person__notify=Notify.DIGEST)
                 .exclude(person_id=d.author_id).values_list("person_id", "person__lang"))
        for person_id, lang in posts.iterator(chunk_size=BATCH):
            if person_id in read:
                continue
            mine = unread[person_id]
            if not (mine and mine[-1] is d):  # several posts, one directive
                mine.append(d)
            langs[person_id] = lang
    ref, rows, queued = f"digest:{day.isoformat()}", [], 0
    for person_id, ds in unread.items():
        names = [d.title for d in ds]
        shown = "; ".join(names[:TITLES_SHOWN])
        with translation.override(langs[person_id]):
            body = _("Sampark: {n} new directives you have not read: {titles}").format(n=len(names), titles=shown)
        rows.append(Message(recipient_id=person_id, kind=Message.Kind.DIGEST, channel=channel, body=body,
                            template="directive_digest", params=[len(names), shown], ref=ref,
                            link="/directives/", created_at=now, next_attempt_at=now))
        if len(rows) >= BATCH:
            queued += _insert(rows)
            rows = []
    return queued + _insert(rows)


def _insert(rows: list[Message]) -> int:
    with transaction.atomic():
        Message.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)
