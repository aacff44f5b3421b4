"""Told in time (issue 14): an urgent directive to a whole state, and the phone messages it makes.

Measures the publish call (it only writes the directive and its timers: the fan-out is the worker's),
the worker's queueing of one phone message per audience member (batched inserts), and how many
messages a second the deliver job sends through a local fake of the DLT SMS provider's HTTP API
(on 127.0.0.1, in this process). Everything it makes is deleted at the end.
"""

import time

from django.db import connection
from django.test import override_settings
from django.utils import timezone

BENCH_TAG = "[bench-notify]"
SENDS = {"small": 2_000, "bihar": 5_000, "india": 5_000}


def _state_and_author():
    from sampark.org.models import Unit
    from sampark.people.models import LEADING_ROLES, Post

    state = Unit.objects.filter(level__code="state").order_by("-member_count", "pk").first()
    post = Post.objects.filter(unit=state, role__in=LEADING_ROLES, active=True).select_related("person").first()
    if state is None or post is None:
        raise RuntimeError("bench_notify needs the demo organisation with a state leader")
    return state, post.person


def run(ctx) -> None:
    from sampark.directives import authoring, jobs
    from sampark.directives.models import Directive, Message
    from tests.fakes import FakeSmsProvider

    state, author = _state_and_author()
    Directive.objects.filter(title__startswith=BENCH_TAG).delete()
    now = timezone.now()
    with FakeSmsProvider() as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms", **gw.settings()):
        t0 = time.perf_counter()
        d = authoring.create_directive(author, target_unit=state, title=f"{BENCH_TAG} आज शाम 5 बजे बूथ बैठक",
                                       priority="urgent", now=now)
        t1 = time.perf_counter()
        authoring.publish_directive(author, d, now=now)
        t2 = time.perf_counter()
        ctx.record("notify.publish_urgent_call_ms", round((t2 - t1) * 1000, 2), "ms")
        ctx.record("notify.create_draft_ms", round((t1 - t0) * 1000, 2), "ms")

        t0 = time.perf_counter()
        queued = jobs.announce(d, now)
        seconds = time.perf_counter() - t0
        rows = Message.objects.filter(directive=d, kind=Message.Kind.URGENT).count()
        ctx.record("notify.urgent_audience_rows", rows, "rows")
        ctx.record("notify.urgent_queue_seconds", round(seconds, 2), "s")
        ctx.record("notify.urgent_queue_rows_per_s", round(queued / seconds), "rows/s")
        t0 = time.perf_counter()
        jobs.announce(d, now)  # a re-run after a crash: inserts nothing
        ctx.record("notify.urgent_requeue_seconds", round(time.perf_counter() - t0, 2), "s")

        # Only the first SENDS are made due: the rest wait (as they would behind a busy provider).
        keep = list(Message.objects.filter(directive=d).order_by("pk").values_list("pk", flat=True)[:SENDS[ctx.scale]])
        Message.objects.filter(directive=d).exclude(pk__in=keep).update(next_attempt_at=now + jobs.LEASE * 1000)
        t0 = time.perf_counter()
        sent = 0
        while sent < len(keep):
            n = jobs.deliver(now)
            if n == 0:
                break
            sent += n
        seconds = time.perf_counter() - t0
        ctx.record("notify.sms_sent_per_s_fake_gateway", round(sent / seconds), "msg/s")
        parts = list(Message.objects.filter(pk__in=keep[:1]).values_list("parts", flat=True))
        ctx.record("notify.parts_hindi_urgent_sms", parts[0] if parts else 0, "parts")
        ctx.record("notify.fake_gateway_requests", len(gw.requests), "requests")
    t0 = time.perf_counter()
    Directive.objects.filter(title__startswith=BENCH_TAG).delete()
    ctx.record("notify.cleanup_seconds", round(time.perf_counter() - t0, 2), "s")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
