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
    assert [o.error.status if o.error else None for o in out] == [None, 422, 422, None, 422, 404, 422, 422]
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
    assert entry.after == {"unit": w.gaya_booth.pk, "type": Report.objects.get(pk=good1.id).type_id,
                           "date": good1.date, "values": {"attendance": 12, "topic": "बूथ बैठक"}, "version": 1}
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
