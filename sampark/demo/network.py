"""The demo's network on social media: handles for about a quarter of the social-media workers (one to
three platforms each; the Patna booth worker of the demo log-ins has two), each with twelve monthly
counts that grow plausibly, some districts faster than others; a few counts that jumped wait for a
coordinator's confirmation, a few handles are unverified, a few stale (no count for three months), a
few new. Written in bulk (the services take one handle at a time), with the roll-up changes queued
per handle exactly as the services compute them (rollups.contributions), then folded."""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from sampark.core import paths
from sampark.network import imports, rollups
from sampark.network.models import (
    BoothCover,
    Handle,
    NetworkDaily,
    NetworkPending,
    NetworkTotal,
    Platform,
    Snapshot,
)
from sampark.people.models import Person, Post, Role, Team

SHARE = 4  # one social-media worker in SHARE gets handles
MAX_PEOPLE = 4_000  # keeps the load short at every scale
MONTHS = 12
BOOTH_WORKER = "+919900000004"  # the demo log-in "Booth worker in Patna": two handles
# The platforms most workers use, weighted; the rest appear now and then.
WEIGHTS = {"facebook": 10, "x": 8, "instagram": 6, "whatsapp_channel": 5, "youtube": 3, "telegram": 2,
           "sharechat": 2, "threads": 1}
CHUNK = 2_000


def _district_rates(district_paths: list[str], rng: random.Random) -> dict[str, float]:
    """Monthly growth per district: most 1-4 %, a few 6-9 % (a small district can lead)."""
    return {p: (rng.uniform(0.06, 0.09) if rng.random() < 0.2 else rng.uniform(0.01, 0.04)) for p in district_paths}


def add_network(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(16)
    platforms = {p.code: p for p in Platform.objects.filter(active=True)}
    if not platforms:
        return {}
    if not Handle.objects.exists():  # a reset removed the handles; the derived tables go with them
        for model in (NetworkPending, NetworkDaily, NetworkTotal, BoothCover):
            model.objects.all().delete()
    codes = [c for c in WEIGHTS if c in platforms]
    weights = [WEIGHTS[c] for c in codes]

    # The workers: one post each (the deepest), one in SHARE of them, the booth worker log-in always.
    posts = (Post.objects.filter(active=True, team=Team.SOCIAL_MEDIA, role=Role.WORKER)
             .order_by("person_id", "-unit_path").values_list("person_id", "unit_id", "unit_path"))
    chosen: dict[int, tuple[int, str]] = {}
    for person_id, unit_id, unit_path in posts:
        if person_id not in chosen:
            chosen[person_id] = (unit_id, unit_path)
    booth_worker = Person.objects.filter(phone=BOOTH_WORKER).values_list("pk", flat=True).first()
    people = [pid for i, pid in enumerate(sorted(chosen)) if i % SHARE == 0][:MAX_PEOPLE]
    if booth_worker in chosen and booth_worker not in people:
        people.append(booth_worker)
    width = paths.SEGMENT * 3  # centre, state, district
    rates = _district_rates(sorted({chosen[p][1][:width] for p in people}), rng)

    months = [today - timedelta(days=30 * k) for k in range(MONTHS - 1, -1, -1)]
    handles, plans = [], []
    for pid in people:
        unit_id, unit_path = chosen[pid]
        if pid == booth_worker:
            picked = ["x", "facebook"]
        else:
            n = 1 + (rng.random() < 0.4) + (rng.random() < 0.15)
            picked = []
            while len(picked) < n:
                c = rng.choices(codes, weights)[0]
                if c not in picked:
                    picked.append(c)
        for code in picked:
            p = platforms[code]
            name = f"sampark_demo_{pid}_{code}"
            new = rng.random() < 0.06  # registered in the last two months
            first = MONTHS - 2 if new else 0
            created = now - timedelta(days=30 * (MONTHS - first) + rng.randint(0, 20))
            verified = None if (new or rng.random() < 0.15) else created + timedelta(days=rng.randint(2, 20))
            handles.append(Handle(person_id=pid, platform=p, handle=name, url=f"https://{p.host_list()[0]}/{name}",
                                  unit_id=unit_id, unit_path=unit_path, created_at=created, verified_at=verified))
            stale = not new and rng.random() < 0.05  # no count for the last three months
            jump = not stale and rng.random() < 0.02  # the latest count jumped: waits for a coordinator
            rate = rates[unit_path[:width]] * rng.uniform(0.5, 1.5)
            count = int(rng.lognormvariate(6.0, 1.1)) + 20
            series = []
            for k, day in enumerate(months):
                if k < first or (stale and k >= MONTHS - 3):
                    continue
                if k > first:
                    count = max(0, int(count * (1 + rate + rng.uniform(-0.01, 0.01))))
                value, status = count, Snapshot.Status.COUNTED
                if jump and k == MONTHS - 1:
                    value, status = count * 6 + 500, Snapshot.Status.FLAGGED
                series.append((day, value, status))
            plans.append(series)
    for h, series in zip(handles, plans, strict=True):
        counted = [(d, c) for d, c, s in series if s == Snapshot.Status.COUNTED]
        h.latest_date, h.latest_count = max(counted) if counted else (None, None)
    made = Handle.objects.bulk_create(handles, batch_size=CHUNK)
    pending = defaultdict(lambda: [0, 0, 0, 0])

    entered = {day: timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=20)
               for day in months}

    def snapshots():
        for h, series in zip(made, plans, strict=True):
            for day, value, status in series:
                yield h.pk, day, value, status, Snapshot.Source.MEMBER, h.person_id, entered[day]
            for (platform_id, day), vals in rollups.contributions(h, series).items():
                acc = pending[(h.unit_path, platform_id, day)]
                for i, v in enumerate(vals):
                    acc[i] += v

    counts = imports.insert_snapshots(snapshots())
    imports.queue_pending(pending)
    folded = rollups.fold_all()
    return {"handles": len(made), "counts": counts,
            "flagged": sum(1 for series in plans for _d, _c, s in series if s == Snapshot.Status.FLAGGED),
            "folded": folded}
