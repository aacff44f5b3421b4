"""Network roll-ups (issue 16): after any sequence of handle writes, folding the queue gives per-unit
figures equal to counting the handles (raw_aggregates), booths covered included; a set-based rebuild
gives the same table; a subtree move keeps them equal; the check finds a corrupted row."""

import os
import random
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from sampark.core import paths
from sampark.network import rollups, selectors, services
from sampark.network.models import (
    ANY_PLATFORM,
    BoothCover,
    Handle,
    NetworkDaily,
    NetworkPending,
    NetworkTotal,
    Snapshot,
)
from sampark.org.models import Level, Unit
from sampark.org.services import create_unit, move_unit
from sampark.people.models import Role
from sampark.people.services import add_post, create_person
from sampark.reports.policies import fold_depth

PLATFORMS = [("x", "https://x.com/{}"), ("facebook", "https://facebook.com/{}"),
             ("youtube", "https://youtube.com/@{}"), ("telegram", "https://t.me/{}")]


def _members(world) -> list:
    """Members at booths (two in one booth, one in a second Patna booth, one in Gaya's) and at the
    district level (Patna's coordinator, a Gaya district worker)."""
    booth = Level.objects.get(code="booth")
    second = create_unit(None, parent=world.patna_booth.parent, level=booth, name_hi="बूथ 3", name_en="Booth 3")
    people = [world.patna_worker, world.gaya_worker, world.patna_coord]
    for i, unit in enumerate([world.patna_booth, second, world.gaya_booth, world.gaya]):
        p = create_person(None, phone=f"+91900000010{i}", name_hi=f"सदस्य {i}", name_en=f"Member {i}")
        add_post(None, person=p, unit=unit, role=Role.WORKER)
        people.append(p)
    return people


def _reviewer(world, h: Handle):
    return world.state_admin if h.person_id != world.state_admin.pk else world.centre_admin


def _random_writes(world, rng: random.Random, steps: int) -> None:
    today = timezone.localdate()
    people = _members(world)
    for _i in range(steps):
        op = rng.random()
        handles = list(Handle.objects.all())
        if op < 0.25 or not handles:
            person = rng.choice(people)
            code, url = rng.choice(PLATFORMS)
            if Handle.objects.filter(person=person, platform__code=code).exists():
                continue
            services.register_handle(person, platform=code, url=url.format(f"u{rng.randrange(10**6)}"),
                                     now=timezone.now() - timedelta(days=rng.randrange(0, 200)))
            continue
        h = rng.choice(handles)
        member = h.person
        if op < 0.6:
            # A count, often backdated; sometimes a correction of a day already entered, or a jump.
            days = list(h.snapshots.values_list("date", flat=True))
            day = rng.choice(days) if days and rng.random() < 0.3 else today - timedelta(days=rng.randrange(0, 150))
            count = rng.randrange(0, 2000) if rng.random() < 0.8 else rng.randrange(50_000, 90_000)
            services.add_snapshot(member, h, date=day, count=count)
        elif op < 0.7:
            flagged = Snapshot.objects.filter(handle=h, status=Snapshot.Status.FLAGGED).first()
            if flagged is not None:
                services.review_snapshot(_reviewer(world, h), flagged, accept=rng.random() < 0.5)
        elif op < 0.8:
            services.update_handle(member, h, status=rng.choice([Handle.Status.ACTIVE, Handle.Status.HIDDEN]))
        elif op < 0.9:
            services.verify_handle(_reviewer(world, h), h, verified=rng.random() < 0.7)
        else:
            services.remove_handle(member, h)
        if rng.random() < 0.1:
            rollups.fold_pending(batch=rng.randrange(1, 6))  # folds between writes, in small batches


def _folded_units() -> list[Unit]:
    depth = fold_depth()
    return [u for u in Unit.objects.order_by("pk") if paths.depth(u.path) <= depth]


def _assert_equal_to_raw(today) -> None:
    units = _folded_units()
    assert units
    rolled = selectors.aggregates(units, today)
    raw = selectors.raw_aggregates(units, today)
    for u in units:
        assert rolled[u.pk] == raw[u.pk], (u, rolled[u.pk], raw[u.pk])
    assert rollups.check() == []


def _expected_series(unit, today) -> list:
    changes = []
    for h in Handle.objects.in_subtree(unit.path).filter(status=Handle.Status.ACTIVE):
        changes += [(day, vals[rollups.REACH]) for (_p, day), vals in rollups.contributions(h).items()]
    return [(d, sum(v for day, v in changes if day <= d)) for d in selectors.month_ends(today, selectors.MONTHS)]


def test_the_fold_equals_a_count_of_the_handles(world):
    today = timezone.localdate()
    rng = random.Random(16)
    _random_writes(world, rng, 160)
    rollups.fold_all()
    assert not NetworkPending.objects.exists()
    _assert_equal_to_raw(today)
    # Something was counted: reach, booths covered on a platform and on any.
    total = selectors.aggregates([world.centre], today)[world.centre.pk][ANY_PLATFORM]
    assert total.handles > 0 and total.booths > 0
    assert BoothCover.objects.filter(platform_id=ANY_PLATFORM).count() == total.booths
    for unit in (world.centre, world.bihar, world.patna, world.patna_booth):
        assert selectors.reach_series(unit, today) == _expected_series(unit, today)
    # A page's children: platform 0 whole, the platforms' totals and booths.
    kids = list(Unit.objects.filter(parent=world.bihar))
    partial = selectors.aggregates(kids, today, totals_only=kids)
    raw = selectors.raw_aggregates(kids, today)
    for k in kids:
        assert partial[k.pk][ANY_PLATFORM] == raw[k.pk][ANY_PLATFORM]
        assert set(partial[k.pk]) == set(raw[k.pk])
        for p, a in raw[k.pk].items():
            assert (partial[k.pk][p].reach, partial[k.pk][p].handles, partial[k.pk][p].verified,
                    partial[k.pk][p].booths) == (a.reach, a.handles, a.verified, a.booths)


def test_rebuild_equals_the_incremental_table(world):
    today = timezone.localdate()
    _random_writes(world, random.Random(7), 120)
    rollups.fold_all()
    before = rollups.comparable(rollups.current())
    totals = rollups.current_totals()
    cover = set(BoothCover.objects.values_list("unit_id", "platform_id"))
    assert before[0] and totals
    # Platform 0 carries the sums over the platforms (not only booths), in the days and the totals.
    assert any(p == ANY_PLATFORM and vals[0] for (_u, p, _d), vals in rollups.current().items())
    assert totals == rollups.totals_of(rollups.current())
    rollups.rebuild()
    assert rollups.comparable(rollups.current()) == before
    assert rollups.current_totals() == totals
    assert set(BoothCover.objects.values_list("unit_id", "platform_id")) == cover
    _assert_equal_to_raw(today)
    # The table keeps folding after a rebuild.
    h = Handle.objects.filter(status=Handle.Status.ACTIVE).first()
    services.add_snapshot(h.person, h, date=today, count=7)
    rollups.fold_all()
    _assert_equal_to_raw(today)


def test_subtree_moves_keep_the_rollups_equal(world):
    today = timezone.localdate()
    _random_writes(world, random.Random(3), 120)
    rollups.fold_pending(batch=3)  # some changes still pending when the subtree moves
    # Booth totals are cached; a move invalidates them (Patna's constituency has two booths).
    assert selectors.booths_total([world.patna, world.gaya]) == {world.patna.pk: 2, world.gaya.pk: 1}
    move_unit(world.state_admin, world.patna_ac, world.gaya)
    rollups.fold_all()
    _assert_equal_to_raw(today)
    # A booth hung under a district sits above the fold depth now: it gets its own rows.
    move_unit(world.state_admin, world.gaya_booth, world.patna)
    rollups.fold_all()
    _assert_equal_to_raw(today)
    assert Handle.objects.filter(unit=world.gaya_booth).exclude(
        unit_path=Unit.objects.get(pk=world.gaya_booth.pk).path).count() == 0
    assert selectors.booths_total([world.patna, world.gaya]) == {world.patna.pk: 1, world.gaya.pk: 2}


def test_the_check_finds_a_corrupted_row(world):
    today = timezone.localdate()
    h, _ = services.register_handle(world.patna_worker, platform="x", url="https://x.com/vinod")
    services.add_snapshot(world.patna_worker, h, date=today, count=300)
    rollups.fold_all()
    assert rollups.check() == []
    NetworkDaily.objects.filter(unit_id=world.patna.pk, platform_id=h.platform_id, reach__gt=0).update(reach=F("reach") + 1)
    problems = rollups.check()
    assert len(problems) == 1 and "daily" in problems[0]
    rollups.rebuild()
    assert rollups.check() == []
    NetworkTotal.objects.filter(unit_id=world.bihar.pk, platform_id=ANY_PLATFORM).update(handles=F("handles") + 1)
    problems = rollups.check()
    assert len(problems) == 1 and "total" in problems[0]
    assert selectors.aggregates([world.bihar], today)[world.bihar.pk] != selectors.raw_aggregates(
        [world.bihar], today)[world.bihar.pk]
    rollups.rebuild()
    assert rollups.check() == []
    BoothCover.objects.filter(unit_id=world.patna_booth.pk, platform_id=ANY_PLATFORM).delete()
    assert any("cover" in p for p in rollups.check())


def test_a_hidden_handle_uncovers_its_booth(world):
    today = timezone.localdate()
    h, _ = services.register_handle(world.patna_worker, platform="youtube", url="https://youtube.com/@vinod")
    rollups.fold_all()
    agg = selectors.aggregates([world.bihar], today)[world.bihar.pk]
    assert agg[ANY_PLATFORM].booths == 1 and agg[h.platform_id].booths == 1
    services.update_handle(world.patna_worker, h, status=Handle.Status.HIDDEN)
    rollups.fold_all()
    agg = selectors.aggregates([world.bihar], today)[world.bihar.pk]
    assert agg[ANY_PLATFORM].booths == 0 and agg[ANY_PLATFORM].handles == 0
    assert not BoothCover.objects.exists()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite has one writer at a time: there are no two folders at once")
@pytest.mark.django_db(transaction=True)
def test_two_folders_at_once_while_members_write(world):
    """PostgreSQL: three folders take small batches at once while members hide and show handles at
    booths (the booth coverage race); the result is the same as counting."""
    import threading

    from django.db import connections

    today = timezone.localdate()
    _random_writes(world, random.Random(11), 120)
    errors = []
    done = threading.Event()

    def folder():
        try:
            while not done.is_set() or NetworkPending.objects.exists():
                rollups.fold_pending(batch=2)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def writer():
        try:
            rng = random.Random(5)
            for _i in range(60):
                h = rng.choice(list(Handle.objects.select_related("person")))
                services.update_handle(h.person, h, status=rng.choice([Handle.Status.ACTIVE, Handle.Status.HIDDEN]))
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=folder) for _i in range(3)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    rollups.fold_all()
    _assert_equal_to_raw(today)


def test_the_maintenance_command_rebuilds_and_checks(world):
    from io import StringIO

    from django.core.management import call_command

    h, _ = services.register_handle(world.gaya_worker, platform="telegram", url="https://t.me/amal")
    services.add_snapshot(world.gaya_worker, h, date=timezone.localdate(), count=40)
    out = StringIO()
    call_command("network_rollups", "--rebuild", "--check", stdout=out)
    assert "match" in out.getvalue()
    assert selectors.aggregates([world.gaya], timezone.localdate())[world.gaya.pk][ANY_PLATFORM].reach == 40
