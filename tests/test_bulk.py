"""sampark.core.bulk: the same rows arrive the same way on SQLite (executemany in batches) and
PostgreSQL (COPY), appended or upserted, in one transaction."""

import pytest
from django.db import IntegrityError, connection, transaction

from sampark.core import bulk

pytestmark = pytest.mark.django_db

TRICKY = ["पटना\tसाहिब", "line\nbreak", "back\\slash", "", "'quote\"", "ज़िला"]


@pytest.fixture
def probe():
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bulk_probe (k integer PRIMARY KEY, name varchar(50) NOT NULL, "
                    "n integer NOT NULL, note varchar(20) NULL)")
    return "bulk_probe"


def rows_of(table):
    with connection.cursor() as cur:
        cur.execute(f"SELECT k, name, n, note FROM {table} ORDER BY k")
        return [tuple(r) for r in cur.fetchall()]


def test_append_in_batches_from_a_generator(probe):
    made = ((i, TRICKY[i % len(TRICKY)], i * 2, None if i % 3 else "x") for i in range(2_500))
    assert bulk.insert_rows(probe, ["k", "name", "n", "note"], made, batch=1_000) == 2_500
    got = rows_of(probe)
    assert len(got) == 2_500
    assert got[:7] == [(i, TRICKY[i % len(TRICKY)], i * 2, None if i % 3 else "x") for i in range(7)]
    assert got[-1] == (2_499, TRICKY[2_499 % len(TRICKY)], 4_998, None if 2_499 % 3 else "x")


def test_upsert_adds_to_existing_rows_and_may_run_twice_in_one_transaction(probe):
    table = probe
    upsert = f"ON CONFLICT (k) DO UPDATE SET n = {table}.n + excluded.n"
    with transaction.atomic():
        bulk.insert_rows(table, ["k", "name", "n"], [(1, "a", 1), (2, "b", 2)], on_conflict=upsert)
        bulk.insert_rows(table, ["k", "name", "n"], [(2, "b", 10), (3, "c", 3)], on_conflict=upsert)
    assert rows_of(table) == [(1, "a", 1, None), (2, "b", 12, None), (3, "c", 3, None)]


def test_a_bad_row_leaves_nothing(probe):
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(probe, ["k", "name", "n"], [(1, "a", 1), (2, "b", 2), (1, "again", 3)], batch=2)
    assert rows_of(probe) == []


def test_nothing_to_send(probe):
    assert bulk.insert_rows(probe, ["k", "name", "n"], iter(())) == 0
    assert rows_of(probe) == []
