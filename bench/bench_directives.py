"""Directives bench (issue 3): publish, inbox, acknowledgements with fold lag, roll-ups.

Run by the harness (`make bench`) as run(ctx). Everything it creates is a directive whose title
starts with BENCH_TAG, deleted at the end (receipts, counters, timers and messages cascade); the
audit rows of the bench's publishes stay, as audit rows are append-only.
"""

import multiprocessing
import random
import time
from datetime import timedelta

from django.db import connection, connections
from django.utils import timezone

BENCH_TAG = "[bench-directives]"
SIZES = {  # background directives, publishes timed, inbox samples, acks (cap), acks per process
    "small": (200, 50, 300, 20_000, 500),
    "bihar": (2_000, 200, 1_000, 900_000, 2_000),
    "india": (10_000, 200, 2_000, 900_000, 2_000),
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _state_and_author():
    """The state with most members (Bihar in the demo) and a person who leads it."""
    from sampark.org.models import Unit
    from sampark.people.models import LEADING_ROLES, Post

    state = Unit.objects.filter(level__code="state").order_by("-member_count", "pk").first()
    post = Post.objects.filter(unit=state, role__in=LEADING_ROLES, active=True).select_related("person").first()
    if state is None or post is None:
        raise RuntimeError("bench_directives needs the demo organisation with a state leader")
    return state, post.person


def _background(author, state, n: int) -> None:
    """n published directives spread over the state's districts and the state itself, inserted in
    bulk (they only give the inbox query realistic company)."""
    from sampark.directives.models import Directive
    from sampark.org.models import Unit

    units = list(Unit.objects.filter(parent=state).values_list("pk", "path")) + [(state.pk, state.path)]
    if Unit.objects.filter(level__code="state").count() > 1:  # india: every state gets its share
        units += list(Unit.objects.filter(level__code="state").values_list("pk", "path"))
    now = timezone.now()
    rows = []
    for i in range(n):
        uid, path = random.choice(units)
        rows.append(Directive(author=author, target_unit_id=uid, target_path=path, title=f"{BENCH_TAG} {i}",
                              status=Directive.Status.PUBLISHED, published_at=now - timedelta(minutes=n - i),
                              priority="urgent" if i % 10 == 0 else "normal"))
    Directive.objects.bulk_create(rows, batch_size=2000)


def _publish(ctx, author, state, n: int):
    from sampark.directives import authoring

    times = []
    for i in range(n):
        d = authoring.create_directive(author, target_unit=state, title=f"{BENCH_TAG} publish {i}",
                                      priority="urgent", due_at=timezone.now() + timedelta(days=1))
        t0 = time.perf_counter()
        authoring.publish_directive(author, d)
        times.append(time.perf_counter() - t0)
    ctx.record("directives.publish_state_p50", _ms(pct(times, 50)), "ms")
    ctx.record("directives.publish_state_p99", _ms(pct(times, 99)), "ms", target=50)
    return d


def _audience_people(state, author, limit: int) -> list[int]:
    """People with a post in the state, but not the bench's author (never in their own audience)."""
    from sampark.people.models import Post

    return list(Post.objects.in_subtree(state.path).filter(active=True).exclude(person_id=author.pk)
                .order_by("person_id")
                .values_list("person_id", flat=True).distinct()[:limit])


def _inbox(ctx, last, people: list[int], samples: int) -> None:
    from sampark.directives import selectors
    from sampark.people.models import Person

    picks = random.sample(people, min(samples, len(people)))
    times, seen = [], 0
    for pid in picks:
        person = Person.objects.get(pk=pid)  # a fresh object: no cached posts
        t0 = time.perf_counter()
        items = selectors.inbox(person)
        times.append(time.perf_counter() - t0)
        seen += any(d.pk == last.pk for d in items)
    ctx.record("directives.inbox_p50", _ms(pct(times, 50)), "ms", target=5)
    ctx.record("directives.inbox_p99", _ms(pct(times, 99)), "ms", target=20)
    # Fan-out on read: the newest directive is in every sampled inbox right after publishing.
    ctx.record("directives.inbox_sees_new_directive_share", round(100 * seen / max(1, len(picks)), 1), "%",
               target=100)


def _inbox_http(ctx, people: list[int], requests: int) -> None:
    """GET /api/v1/inbox through the real server (granian, one worker, as `make run` starts it),
    authenticated with personal API tokens of sampled audience members, over kept-alive
    connections, asking for gzip as a phone's browser does; the time is the client's, from request
    sent to the whole (compressed) body read."""
    import http.client
    import socket
    import subprocess
    import sys
    from pathlib import Path

    from sampark.people.auth import issue_token
    from sampark.people.consent import give_consent, has_consented
    from sampark.people.models import ApiToken, Person
    from sampark.people.notice import NOTICE_VERSION

    picks = Person.objects.filter(pk__in=random.sample(people, min(200, len(people))))
    for p in picks:  # the API answers 403 to whoever has not agreed to the privacy notice
        if not has_consented(p):
            give_consent(p, NOTICE_VERSION)
    keys = [issue_token(None, p, label=BENCH_TAG) for p in picks]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--blocking-threads", "4", "--no-access-log",
         "sampark.wsgi:application"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(key: str) -> tuple[float, int, int]:
            t0 = time.perf_counter()
            conn.request("GET", "/api/v1/inbox", headers={"Authorization": f"Bearer {key}",
                                                          "Accept-Encoding": "gzip"})
            resp = conn.getresponse()
            body = resp.read()
            return time.perf_counter() - t0, resp.status, len(body)

        deadline = time.monotonic() + 60
        while True:
            try:
                conn.request("GET", "/api/v1/healthz")
                conn.getresponse().read()
                break
            except OSError:
                conn.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for key in keys:  # warm up: each token's first use may note when it was used
            get(key)
        times, sizes, bad = [], [], 0
        for _ in range(requests):
            t, status, size = get(random.choice(keys))
            times.append(t)
            sizes.append(size)
            bad += status != 200
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        ApiToken.objects.filter(label=BENCH_TAG).delete()
    ctx.record("directives.inbox_http_p50", _ms(pct(times, 50)), "ms")
    ctx.record("directives.inbox_http_p95", _ms(pct(times, 95)), "ms", target=50)
    ctx.record("directives.inbox_http_body_gzip_median", round(pct(sizes, 50) / 1024, 1), "KiB")
    ctx.record("directives.inbox_http_errors", bad, "requests", target=0)


WORKER_INTERVAL_S = 1.0  # `sampark worker`'s default


def _folder(stop, out) -> None:
    """The worker's fold, in its own process and connection as in production (`sampark worker`:
    each tick folds full batches until the queue is short, then it sleeps its interval),
    measuring for each batch how old its oldest row was when the batch was folded; the ages go
    back through `out`."""
    from sampark.directives.counters import fold_pending
    from sampark.directives.models import PendingCount

    lags = []
    limit = 20_000
    try:
        while True:
            oldest = PendingCount.objects.order_by("pk").values_list("created_at", flat=True).first()
            if oldest is None:
                if stop.is_set():
                    return
                time.sleep(WORKER_INTERVAL_S)
                continue
            n = fold_pending(limit)
            lags.append((timezone.now() - oldest).total_seconds())
            if n < limit:
                time.sleep(WORKER_INTERVAL_S)
    finally:
        out.put(lags)
        connection.close()


def _acks(ctx, author, state, people: list[int]) -> None:
    from sampark.directives import authoring, counters, receipts
    from sampark.directives.models import UnitCount

    d = authoring.publish_directive(author, authoring.create_directive(
        author, target_unit=state, title=f"{BENCH_TAG} acks"))
    t0 = time.perf_counter()
    counters.compute_expected(d)
    ctx.record("directives.expected_counts_state", round(time.perf_counter() - t0, 2), "s")

    # Batches of random people, as an SMS gateway or many phones' syncs deliver them (people in
    # id order would share booths and flatter the pending rows, which are grouped per unit).
    people = random.sample(people, len(people))
    connections.close_all()
    mp = multiprocessing.get_context("fork")
    stop, out = mp.Event(), mp.Queue()
    folder = mp.Process(target=_folder, args=(stop, out))
    folder.start()
    t0 = time.perf_counter()
    for i in range(0, len(people), 500):
        receipts.acknowledge_many(d, people[i:i + 500])
    elapsed = time.perf_counter() - t0
    stop.set()
    lags = out.get()
    folder.join()
    ctx.record("directives.acks_per_s_batched", round(len(people) / elapsed), "acks/s", target=10_000)
    ctx.record("directives.acks_total", len(people), "acks")
    ctx.record("directives.fold_lag_p95", round(pct(lags, 95), 3), "s", target=3)
    top = UnitCount.objects.get(directive=d, unit=state)
    # The folded counter must equal a recount of the acknowledging people's posts in the audience
    # (this directive has no filters, so every active post in the state's subtree matches).
    from sampark.core import paths
    from sampark.directives.models import Receipt
    from sampark.people.models import Post

    lo, hi = paths.subtree_range(state.path)
    acked = Receipt.objects.filter(directive=d, kind=Receipt.Kind.ACK).values("person_id")
    recount = Post.objects.filter(active=True, unit_path__gte=lo, unit_path__lt=hi, person_id__in=acked).count()
    ctx.record("directives.acks_counted", top.acks, "posts")
    ctx.record("directives.acks_recounted", recount, "posts")
    ctx.record("directives.counters_match_recount", int(top.acks == recount), "bool", target=1)
    return d


def _ack_one_by_one(directive_id: int, person_ids: list[int], out) -> None:
    from sampark.directives import receipts
    from sampark.directives.models import Directive
    from sampark.people.models import Person

    d = Directive.objects.get(pk=directive_id)
    t0 = time.perf_counter()
    for pid in person_ids:
        receipts.acknowledge(Person(pk=pid), d)  # one request: its posts query and one transaction
    out.put((len(person_ids), time.perf_counter() - t0))
    connection.close()


def _acks_per_request(ctx, author, state, people: list[int], per_proc: int) -> None:
    """Four worker processes, one transaction per acknowledgement (PostgreSQL: SQLite has one writer)."""
    from sampark.directives import authoring

    d = authoring.publish_directive(author, authoring.create_directive(
        author, target_unit=state, title=f"{BENCH_TAG} acks one by one"))
    sample = random.sample(people, min(len(people), 4 * per_proc))
    slices = [sample[i::4] for i in range(4)]
    connections.close_all()
    mp = multiprocessing.get_context("fork")
    out = mp.Queue()
    procs = [mp.Process(target=_ack_one_by_one, args=(d.pk, s, out)) for s in slices]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - t0
    ctx.record("directives.acks_per_s_one_per_request_4proc", round(sum(n for n, _t in results) / wall),
               "acks/s", target=2_000)


def _rollups(ctx, d, state) -> None:
    from sampark.directives import selectors
    from sampark.org.models import Unit

    district = Unit.objects.filter(parent=state).order_by("-child_count", "pk").first()
    for name, unit in (("state_districts", state), ("district_constituencies", district)):
        times = []
        for _ in range(200):
            t0 = time.perf_counter()
            selectors.rollup(d, unit)
            times.append(time.perf_counter() - t0)
        ctx.record(f"directives.rollup_{name}_p50", _ms(pct(times, 50)), "ms")
        ctx.record(f"directives.rollup_{name}_p99", _ms(pct(times, 99)), "ms", target=10)


def _cleanup() -> None:
    from sampark.directives.models import Directive

    Directive.objects.filter(title__startswith=BENCH_TAG).delete()


def run(ctx) -> None:
    background, publishes, samples, ack_cap, per_proc = SIZES.get(ctx.scale, SIZES["small"])
    random.seed(3)
    _cleanup()
    state, author = _state_and_author()
    try:
        _background(author, state, background)
        last = _publish(ctx, author, state, publishes)
        people = _audience_people(state, author, ack_cap)
        _inbox_http(ctx, people, samples)
        _inbox(ctx, last, people, samples)
        d = _acks(ctx, author, state, people)
        _rollups(ctx, d, state)
        if ctx.vendor == "postgresql":
            _acks_per_request(ctx, author, state, people, per_proc)
    finally:
        _cleanup()
    ctx.record("directives.audience_sampled_people", len(people), "people")
