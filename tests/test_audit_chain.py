"""The audit log is a hash chain: `sampark audit verify` passes on the chain as written and names the
first row that was changed, removed or added by hand (raw SQL, bypassing the ORM), on both
databases; concurrent writers still make one unbroken chain; the migration chains older rows."""

import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from sampark.core import audit
from sampark.core.models import AuditEntry, AuditHead
from sampark.reports.services import Submission, submit_reports

TABLE = AuditEntry._meta.db_table


def verify(**kw) -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, **kw)
    return out.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


@pytest.fixture
def chain(world):
    """Rows of every kind of writer: single records and a batch of reports."""
    for i in range(4):
        audit.record(world.state_admin, "unit.rename", world.patna, before={"n": i}, after={"n": i + 1})
    day = timezone.localdate().isoformat()
    out = submit_reports(world.state_admin, [
        Submission(id=str(uuid.uuid4()), unit=world.gaya_booth.pk, type="meeting", date=day,
                   values={"attendance": n, "topic": "x"}) for n in range(3)])
    assert all(o.created for o in out)
    audit.record(None, "odd.values", object_type="t", object_id="ü",
                 after={"float": 1.0, "big": 1e20, "small": 0.1, "nested": [{"b": 2, "a": None}], "hi": "हिंदी",
                        "bool": True}, ip="2001:db8:aa:bb::7")
    return list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))


def test_an_untouched_chain_passes_and_counts_its_rows(chain):
    n = len(chain)
    assert chain == list(range(1, n + 1))
    assert f"{n} rows checked" in verify()
    assert f"{n} rows checked" in verify(chunk=2)  # read a few rows at a time, the same verdict
    rows = list(AuditEntry.objects.order_by("seq").values_list("prev_hash", "hash"))
    assert rows[0][0] == audit.GENESIS
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, n))
    assert AuditHead.objects.get().seq == n and AuditHead.objects.get().hash == rows[-1][1]


@pytest.mark.parametrize("edit", [
    ("UPDATE {t} SET action = 'forged' WHERE seq = %s", ()),
    ("UPDATE {t} SET actor_id = 424242 WHERE seq = %s", ()),
    ("UPDATE {t} SET after = {j} WHERE seq = %s", ('{"n": 99}',)),
    ("UPDATE {t} SET before = NULL WHERE seq = %s", ()),
    ("UPDATE {t} SET at = at - interval '1 second' WHERE seq = %s", ()),
])
def test_a_row_changed_by_hand_is_named(chain, edit):
    statement, params = edit
    if "interval" in statement and connection.vendor != "postgresql":
        statement = "UPDATE {t} SET at = datetime(at, '-1 second') WHERE seq = %s"
    verify()
    mine = AuditEntry.objects.filter(action="unit.rename").order_by("seq").values_list("seq", flat=True)[1]
    sql(statement.format(t=TABLE, j=json_param()), (*params, mine))
    with pytest.raises(CommandError, match=rf"broken at seq {mine}: .*changed"):
        verify()


def test_a_batch_row_changed_by_hand_is_named(chain):
    batch = AuditEntry.objects.filter(action="report.submit").order_by("seq").values_list("seq", flat=True)[1]
    sql(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", [str(uuid.uuid4()), batch])
    with pytest.raises(CommandError, match=f"broken at seq {batch}:"):
        verify(chunk=3)


def test_a_row_changed_and_rehashed_by_hand_breaks_the_link_after_it(chain):
    row = AuditEntry.objects.get(seq=2)
    forged = audit.row_hash(2, row.at, row.actor_id, "forged", row.object_type, row.object_id, row.before,
                            row.after, row.ip, row.prev_hash)
    sql(f"UPDATE {TABLE} SET action = 'forged', hash = %s WHERE seq = 2", [forged])
    with pytest.raises(CommandError, match=r"broken at seq 3: its prev_hash"):
        verify()


def test_a_row_removed_by_hand_is_named(chain):
    sql(f"DELETE FROM {TABLE} WHERE seq = 4")
    with pytest.raises(CommandError, match=r"broken at seq 4: the row is missing"):
        verify()


def test_rows_removed_from_the_end_are_named(chain):
    last = chain[-1]
    sql(f"DELETE FROM {TABLE} WHERE seq >= %s", [last - 1])
    with pytest.raises(CommandError, match=f"broken at seq {last - 1}: the row is missing"):
        verify()


@pytest.mark.parametrize("seq", ["next", 0])
def test_a_row_added_by_hand_is_named(chain, seq):
    seq = chain[-1] + 1 if seq == "next" else seq
    sql(f"INSERT INTO {TABLE} (seq, at, actor_id, action, object_type, object_id, prev_hash, hash) "
        f"VALUES (%s, %s, 1, 'forged', 't', '', %s, %s)",
        [seq, timezone.now() if connection.vendor == "postgresql" else str(timezone.now().replace(tzinfo=None)),
         AuditEntry.objects.get(seq=chain[-1]).hash, "f" * 64])
    with pytest.raises(CommandError, match=f"broken at seq {seq}: .*added by hand"):
        verify()


def test_a_removed_chain_head_is_named(chain):
    sql(f"DELETE FROM {AuditHead._meta.db_table}")
    with pytest.raises(CommandError, match=f"broken at seq {chain[-1]}: the chain head is missing"):
        verify()


def test_a_rolled_back_write_leaves_no_gap(chain):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(None, "gone", object_type="t")
        raise RuntimeError
    entry = audit.record(None, "kept", object_type="t")
    assert entry.seq == chain[-1] + 1
    assert f"{len(chain) + 1} rows checked" in verify()


def test_an_empty_log_passes(db):
    assert "0 rows checked" in verify()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain():
    """Writers in their own connections and transactions (on PostgreSQL really at once: they queue
    on the chain head) never fork the chain nor take the same seq."""
    errors = []
    start = threading.Barrier(4)

    def writer(k):
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    if i % 5 == 4:
                        audit.record_rows([(k, "batch", "t", f"{k}-{i}-{j}", None, f'{{"j":{j}}}') for j in range(3)])
                    else:
                        audit.record(k, "single", object_type="t", object_id=f"{k}-{i}", after={"i": i})
        except Exception as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    n = 4 * (12 + 3 * 3)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, n + 1))
    assert f"{n} rows checked" in verify()


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_and_chains_the_rows_written_before():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0002_policy")])
    try:
        old = "2026-01-01 10:00:00"
        at = old if connection.vendor != "postgresql" else old + "+00"
        j = json_param()
        rows = [
            (5, "person.create", "people.person", "9", None,
             '{"name_hi": "राम", "name_en": "Ram", "phone": "+919999999999", "lang": "hi", "is_active": true}',
             "10.1.2.3"),
            (5, "directive.create", "directives.directive", "3", None, '{"title": "Secret", "body": "", "n": 1.0}',
             None),
            (None, "org.import_people", "org.import", "members of ram.csv", None, '{"file": "ram.csv", "rows": 3}',
             None),
        ]
        for row in rows:
            sql(f"INSERT INTO {TABLE} (at, actor_id, action, object_type, object_id, before, after, ip) "
                f"VALUES (%s, %s, %s, %s, %s, {j}, {j}, %s)", [at, *row])
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        got = list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "object_id", "after", "ip"))
        assert got == [
            (1, "person.create", "9", {"lang": "hi", "is_active": True}, "10.1.2.0"),
            (2, "directive.create", "3", {"title_len": 6, "body_len": 0, "n": 1}, None),
            (3, "org.import_people", "people", {"rows": 3}, None),
        ]
        assert "3 rows checked" in verify()
        assert audit.record(None, "after", object_type="t").seq == 4
        assert "4 rows checked" in verify()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
