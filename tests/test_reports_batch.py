"""The batch submit path (a phone's outbox, the bench's ingestion): each report stands alone, so a
bad one gets its own error and the others are accepted (not all-or-nothing); the batch costs a
fixed number of queries; the folded daily table equals a recount."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampark.core.models import AuditEntry
from sampark.org.models import Unit
from sampark.reports import rollups
from sampark.reports.models import Report, ReportDaily, RollupPending
from sampark.reports.services import Submission, correct_report, submit_report, submit_reports

pytestmark = pytest.mark.django_db


def sub(unit, attendance=10, days_ago=0, **extra):
    s = Submission(id=str(uuid.uuid4()), unit=unit.pk, type="meeting",
                   date=(timezone.localdate() - timedelta(days=days_ago)).isoformat(),
                   values={"attendance": attendance, "topic": "बूथ  बैठक"})
    for k, v in extra.items():
        setattr(s, k, v)
    return s


def test_one_bad_report_gets_its_error_and_the_others_are_accepted(world):
    w = world
    good1, good2 = sub(w.gaya_booth, 12), sub(w.patna_booth, 30, days_ago=2)
    bad_value = sub(w.gaya_booth, attendance="बारह")
    missing = sub(w.gaya_booth, values={"topic": "x"})
    future = sub(w.gaya_booth, date=(timezone.localdate() + timedelta(days=1)).isoformat())
    other_state = sub(w.lucknow)
    unknown_type = sub(w.gaya_booth, type="nope")
    not_uuid = sub(w.gaya_booth, id="123")
    batch = [good1, bad_value, missing, good2, future, other_state, unknown_type, not_uuid]
    audits_before = AuditEntry.objects.filter(action="report.submit").count()

    out = submit_reports(w.state_admin, batch)

    assert [o.created for o in out] == [True, False, False, True, False, False, False, False]
    assert [o.error.status if o.error else None for o in out] == [None, 422, 422, None, 422, 404, 404, 422]
    assert set(out[1].error.errors) == {"attendance"}
    assert set(out[2].error.errors) == {"attendance"}
    assert set(out[4].error.errors) == {"date"}
    assert set(out[5].error.errors) == {"unit"}
    assert set(out[6].error.errors) == {"type"}
    assert set(out[7].error.errors) == {"id"}
    # Only the two good ones were written, each with its audit row and its roll-up change.
    assert set(Report.objects.values_list("pk", flat=True)) == {uuid.UUID(good1.id), uuid.UUID(good2.id)}
    assert AuditEntry.objects.filter(action="report.submit").count() == audits_before + 2
    entry = AuditEntry.objects.get(action="report.submit", object_id=good1.id)
    assert entry.actor_id == w.state_admin.pk
    # No values: a text field may hold anything; the report keeps them.
    assert entry.after == {"unit": w.gaya_booth.pk, "type": Report.objects.get(pk=good1.id).type_id,
                           "date": good1.date, "version": 1}
    assert RollupPending.objects.count() == 2
    stored = Report.objects.get(pk=good1.id)
    assert stored.values == {"attendance": 12, "topic": "बूथ बैठक"}  # text cleaned
    assert stored.author_id == w.state_admin.pk and stored.unit_path == w.gaya_booth.path


def test_batch_visibility_per_report(world):
    """A Gaya worker's batch: the Gaya booth is accepted; Patna's booth and the Gaya district (above
    the worker, so not in their subtree) look missing (404). A district coordinator may report for
    a booth below."""
    w = world
    out = submit_reports(w.gaya_worker, [sub(w.gaya_booth), sub(w.patna_booth), sub(w.gaya)])
    assert [o.error.status if o.error else 201 for o in out] == [201, 404, 404]
    out = submit_reports(w.gaya_coord, [sub(w.gaya_booth), sub(w.patna_booth)])
    assert [o.error.status if o.error else 201 for o in out] == [201, 404]
    assert Report.objects.count() == 2


def test_resent_batch_gives_the_first_answers_and_a_changed_body_conflicts(world):
    w = world
    batch = [sub(w.gaya_booth, n) for n in range(5)]
    first = submit_reports(w.gaya_worker, batch)
    assert all(o.created for o in first)
    changed = Submission(id=batch[2].id, unit=w.gaya_booth.pk, type="meeting", date=batch[2].date,
                         values={"attendance": 99})
    again = submit_reports(w.gaya_worker, [*batch, changed, batch[0]])
    assert [o.created for o in again] == [False] * 7
    assert [o.error.status if o.error else 200 for o in again] == [200] * 5 + [409, 200]
    assert [o.id for o in again[:5]] == [o.id for o in first]
    # Another person resending the same ids with the same bodies does not take them over.
    assert all(o.error and o.error.status == 409 for o in submit_reports(w.state_admin, batch))
    assert Report.objects.count() == 5
    assert RollupPending.objects.count() == 5
    # The same id twice inside one new batch: written once, the second is the resend.
    twice = sub(w.gaya_booth, 7)
    out = submit_reports(w.gaya_worker, [twice, twice])
    assert [o.created for o in out] == [True, False] and out[1].error is None
    assert Report.objects.count() == 6


def test_single_submit_goes_through_the_batch_path(world):
    w = world
    s = sub(w.gaya_booth, 4)
    report, created = submit_report(w.gaya_worker, id=s.id, unit=w.gaya_booth, type="meeting", date=s.date,
                                     values=s.values)
    assert created and report.values["attendance"] == 4
    report2, created2 = submit_report(w.gaya_worker, id=s.id, unit=w.gaya_booth.pk, type="meeting", date=s.date,
                                      values=s.values)
    assert not created2 and report2.pk == report.pk


def test_batch_query_count_does_not_grow_with_its_size(world):
    w = world
    submit_reports(w.state_admin, [sub(w.gaya_booth)])  # warm the per-person caches

    def queries(n):
        batch = [sub(w.gaya_booth if i % 2 else w.patna_booth, i, days_ago=i % 9) for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            out = submit_reports(w.state_admin, batch)
        assert all(o.created for o in out)
        return len(ctx.captured_queries)

    assert queries(3) == queries(300)


def test_fold_in_several_batches_with_corrections_equals_a_recount(world):
    w = world
    units = [w.gaya_booth, w.patna_booth, w.gaya_ac, w.patna_ac, w.gaya, w.patna, w.bihar]
    batch = [sub(units[i % len(units)], i % 50, days_ago=i % 11) for i in range(700)]
    out = submit_reports(w.state_admin, batch)
    assert all(o.created for o in out)
    assert rollups.fold_pending(300) == 300
    report = Report.objects.get(pk=batch[3].id)
    correct_report(w.state_admin, report, values={"attendance": 1000}, date=timezone.localdate() - timedelta(days=20))
    assert rollups.fold_all(batch=250) == 402
    assert RollupPending.objects.count() == 0
    assert rollups.current() == rollups.recount()
    bihar_total = sum(ReportDaily.objects.filter(unit_id=w.bihar.pk).values_list("reports", flat=True))
    assert bihar_total == 700
    # Folding again (nothing pending) changes nothing.
    assert rollups.fold_all() == 0
    assert rollups.current() == rollups.recount()


def test_body_hash_is_the_canonical_json_of_the_whole_body():
    """Stored hashes must keep matching resends across versions: the hash is of the sorted JSON."""
    import hashlib
    import json
    from datetime import date

    from sampark.reports.services import body_hash

    values = {"topic": "बूथ बैठक", "attendance": 12, "z": [1, {"b": 2, "a": "x"}]}
    expected = hashlib.sha256(json.dumps(
        {"unit": 42, "type": "meeting", "date": "2026-11-20", "values": values}, sort_keys=True, ensure_ascii=False,
        separators=(",", ":")).encode()).hexdigest()
    assert body_hash(42, "meeting", date(2026, 11, 20), values) == expected


def test_vacuum_is_skipped_inside_a_transaction(world):
    # The worker calls it between ticks (autocommit); inside a transaction it must not run or fail.
    assert rollups.vacuum() is False


@pytest.mark.parametrize("ladder", ["as seeded", "folded to the constituency", "folded to the district",
                                    "a level added above the district"])
def test_every_units_dashboard_equals_a_count_of_its_reports_folded_or_not(world, ladder):
    """Down to the fold level (the mandal as seeded) the dashboards read the folded daily table;
    below it they count the report rows. At every unit, for a type and for all types, the totals,
    the day series and each child's figures (reports, sums, children that reported, silent, last
    day) must equal a plain count over the report rows, corrections included: with the seeded
    ladder, with the fold level set higher, and with a ladder whose mandal sits one rung lower
    (the cut follows the ladder, not the tree)."""
    import random

    from sampark.core import paths, policies
    from sampark.org.models import Level, Unit
    from sampark.org.services import create_unit
    from sampark.reports import selectors
    from sampark.reports.models import ReportType
    from sampark.reports.policies import fold_depth

    w = world
    rnd = random.Random(7)
    if ladder == "folded to the constituency":
        policies.set_policy(None, "reports.fold_level", "assembly")
    elif ladder == "folded to the district":
        policies.set_policy(None, "reports.fold_level", "district")
    elif ladder == "a level added above the district":
        Level.objects.create(code="zone", rank=15, name_hi="क्षेत्र", name_en="Zone")
        policies.refresh()
    assert fold_depth() == {"as seeded": 4, "folded to the constituency": 3, "folded to the district": 2,
                            "a level added above the district": 5}[ladder]
    lv = {lv.code: lv for lv in Level.objects.all()}
    # Branch the Gaya constituency: two more mandals, each with shakti kendras and booths.
    for m in range(2):
        mandal = create_unit(None, parent=w.gaya_ac, level=lv["mandal"], name_hi=f"म{m}", name_en=f"M{m}")
        for k in range(2):
            sk = create_unit(None, parent=mandal, level=lv["shakti_kendra"], name_hi=f"श{k}", name_en=f"S{m}{k}")
            for b in range(2):
                create_unit(None, parent=sk, level=lv["booth"], name_hi=f"ब{b}", name_en=f"B{m}{k}{b}")
    bihar_units = list(Unit.objects.filter(path__startswith=w.bihar.path))
    batch = [sub(rnd.choice(bihar_units), rnd.randrange(1, 90), days_ago=rnd.randrange(20)) for _i in range(400)]
    batch += [sub(rnd.choice(bihar_units), days_ago=rnd.randrange(5), type="new_members",
                  values={"members": rnd.randrange(1, 9)}) for _i in range(60)]
    out = submit_reports(w.state_admin, batch)
    assert all(o.created for o in out), [o.error for o in out if o.error][:1]
    for s in batch[:15]:  # corrections move reports between days and values
        correct_report(w.state_admin, Report.objects.get(pk=s.id), values={"attendance": 3, "topic": "x"},
                       date=timezone.localdate() - timedelta(days=rnd.randrange(20)))
    rollups.fold_all()
    assert not ReportDaily.objects.filter(unit_id__in=[u.pk for u in bihar_units
                                                       if paths.depth(u.path) > fold_depth()]).exists()

    rows = list(Report.objects.values_list("unit_path", "date", "type__code", "values"))
    today = timezone.localdate()
    start, end, silent_days = today - timedelta(days=9), today, 4
    since = today - timedelta(days=silent_days - 1)
    meeting = ReportType.objects.get(code="meeting")

    def counted(path, lo, hi, code):
        mine = [r for r in rows if r[0].startswith(path) and lo <= r[1] <= hi and code in (None, r[2])]
        return mine, {"reports": len(mine), **({"attendance": sum(r[3]["attendance"] for r in mine)} if code else {})}

    checked_deep = 0
    for unit in bihar_units:
        for rtype, code in ((meeting, "meeting"), (None, None)):
            mine, expected = counted(unit.path, start, end, code)
            assert selectors.totals(unit, start, end, rtype) == expected, (unit.name_en, code)
            per_day = {}
            for r in mine:
                per_day[r[1]] = per_day.get(r[1], 0) + 1
            assert dict(selectors.series(unit, start, end, rtype)) == {
                start + timedelta(days=i): per_day.get(start + timedelta(days=i), 0) for i in range(10)}
            for row in selectors.children_rows(unit, start, end, rtype, silent_days=silent_days, today=today):
                kid = row.unit
                kid_rows, kid_expected = counted(kid.path, start, end, code)
                assert row.values == kid_expected, (unit.name_en, kid.name_en, code)
                grandchildren = {r[0][:len(kid.path) + paths.SEGMENT] for r in kid_rows if len(r[0]) > len(kid.path)}
                assert row.reported_below == len(grandchildren), (unit.name_en, kid.name_en, code)
                recent = [r[1] for r in counted(kid.path, since, today, None)[0]]
                assert row.silent == (not recent) and row.last_day == (max(recent) if recent else None)
                checked_deep += paths.depth(kid.path) > fold_depth()
    # Children below the folded levels were compared too (with the cut at depth 5, only booths).
    assert checked_deep > (10 if fold_depth() == 5 else 20)


@pytest.mark.parametrize("ages", [[0, 1, 2, 3, 4], [0, 20, 40, 300, 360], [364, 200, 9, 3]])
def test_recent_reports_are_the_newest_whatever_window_holds_them(world, ages):
    """The dashboard's list tries a week, a month, a year, then everything: it must return the
    same newest reports as a plain sort, however old they are."""
    from sampark.reports import selectors

    w = world
    batch = [sub(w.gaya_booth, days_ago=a) for a in ages for _i in range(2)]
    assert all(o.created for o in submit_reports(w.state_admin, batch))
    everything = list(Report.objects.order_by("-date", "-created_at", "-pk").values_list("pk", flat=True))
    for limit in (1, 3, 5, 20):
        got = [r.pk for r in selectors.recent_reports(w.gaya_ac, limit)]
        assert got == everything[:limit], (ages, limit)
    assert selectors.recent_reports(w.gaya, 5) == []  # above the constituency: roll-ups only


@pytest.mark.parametrize("fold_first", [300, 0])
def test_moving_a_subtree_moves_its_reports_and_roll_ups(world, fold_first):
    """Patna's constituency moves to Gaya, then Gaya's booth moves straight under Patna (a level
    skipped: the booth becomes a folded unit). Reports follow for visibility, and the daily table
    equals a recount each time, with part of the changes folded before the move or none."""
    from sampark.org.services import move_unit
    from sampark.people.models import Person
    from sampark.reports import selectors

    w = world
    batch = [sub(u, i % 40, days_ago=i % 6) for i, u in
             enumerate([w.patna_booth, w.patna_ac, w.gaya_booth, w.patna, w.gaya_ac] * 100)]
    assert all(o.created for o in submit_reports(w.state_admin, batch))
    correct_report(w.state_admin, Report.objects.get(pk=batch[0].id), values={"attendance": 77})
    rollups.fold_pending(fold_first) if fold_first else None
    move_unit(w.state_admin, w.patna_ac, w.gaya)
    rollups.fold_all()
    assert rollups.current() == rollups.recount()
    moved = {s.id for s in batch[::5]} | {s.id for s in batch[1::5]}
    gaya_sees = {str(pk) for pk in Report.objects.visible_to(Person.objects.get(pk=w.gaya_coord.pk))
                 .values_list("pk", flat=True)}
    patna_sees = {str(pk) for pk in Report.objects.visible_to(Person.objects.get(pk=w.patna_coord.pk))
                  .values_list("pk", flat=True)}
    assert moved <= gaya_sees and not moved & patna_sees
    today = timezone.localdate()
    start = today - timedelta(days=10)
    gaya = Unit.objects.get(pk=w.gaya.pk)
    assert selectors.totals(gaya, start, today)["reports"] == 400  # two booths' and two constituencies' reports

    move_unit(w.state_admin, w.gaya_booth, w.patna)
    rollups.fold_all()
    assert rollups.current() == rollups.recount()
    booth = Unit.objects.get(pk=w.gaya_booth.pk)
    assert selectors.totals(booth, start, today)["reports"] == 100
    assert selectors.totals(Unit.objects.get(pk=w.patna.pk), start, today)["reports"] == 200


def test_time_ordered_ids_sort_by_when_they_were_made():
    import time

    from sampark.core.ids import uuid7

    first = [uuid7() for _i in range(50)]
    time.sleep(0.002)
    later = uuid7()
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in first + [later])
    assert len(set(first)) == 50
    assert all(str(u) < str(later) for u in first)  # a later millisecond sorts after, as text too
    assert abs(int.from_bytes(later.bytes[:6], "big") - time.time() * 1000) < 1000


def test_a_unit_moved_while_a_batch_is_checked_gets_the_reports_at_its_new_path(world, monkeypatch):
    """The batch reads the units' paths before its transaction; a move committing in between is
    seen inside it (tree lock, paths checked), and the batch runs again with the new paths. If the
    tree keeps changing, each report gets a 409 asking to send again, and nothing is written."""
    from sampark.org.services import move_unit
    from sampark.reports import services

    w = world
    real = services._load_batch_context
    moves = iter([(w.patna_ac, w.gaya)])

    def load_then_move(actor, submissions):
        out = real(actor, submissions)
        move = next(moves, None)  # another request moves the unit's constituency meanwhile
        if move:
            move_unit(w.state_admin, *move)
        return out

    monkeypatch.setattr(services, "_load_batch_context", load_then_move)
    s = sub(w.patna_booth, 9)
    assert submit_reports(w.state_admin, [s])[0].created
    booth = Unit.objects.get(pk=w.patna_booth.pk)
    assert booth.path.startswith(Unit.objects.get(pk=w.gaya.pk).path)
    assert Report.objects.get(pk=s.id).unit_path == booth.path
    assert RollupPending.objects.get().unit_path == booth.path

    moves = iter([(w.patna_ac, w.patna), (w.patna_ac, w.gaya)])  # two moves: one per attempt
    s2 = sub(w.patna_booth, 10)
    out = submit_reports(w.state_admin, [s2])
    assert out[0].error is not None and out[0].error.status == 409
    assert not Report.objects.filter(pk=s2.id).exists()
