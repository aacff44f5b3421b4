"""Many rows into one table at once, the same call on both databases: COPY on PostgreSQL,
executemany in batches on SQLite, all inside one transaction. What bulk_create does, without
building a model instance and compiling each value per row.

Rows are given in database form, column by column: JSON as text, and on SQLite dates, times and
UUIDs as text too (``connection.ops`` adapts them), as they would be stored.

With ``on_conflict`` (e.g. ``"ON CONFLICT (unit_id, day) DO UPDATE SET n = t.n + excluded.n"``) the
rows are upserted: on PostgreSQL they are copied into a temporary staging table first, then moved
by one INSERT ... SELECT, since COPY itself cannot resolve conflicts. The conflict keys must then be
distinct within one call (sum duplicates first): PostgreSQL refuses to update a row twice in one
statement, while SQLite, row by row, would not notice.
"""

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection, connections, transaction

BATCH = 10_000


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], *, on_conflict: str = "",
                batch: int = BATCH, using: str = "default") -> int:
    """Insert (or upsert, see above) the rows into ``table``; returns how many rows were sent.
    ``rows`` may be a generator: it is consumed once, a batch at a time on SQLite."""
    connection = connections[using]
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The raw cursor's errors become Django's (IntegrityError, ...), as the wrapper's would.
            with connection.wrap_database_errors:
                return _copy(cur.cursor, qn(table), cols, rows, on_conflict)
        sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))}) {on_conflict}"
        sent = 0
        rows = iter(rows)
        while chunk := list(islice(rows, batch)):
            cur.executemany(sql, chunk)
            sent += len(chunk)
        return sent


def _copy(cur, table: str, cols: str, rows: Iterable[Sequence], on_conflict: str) -> int:
    target = table
    if on_conflict:
        # Same columns and types as the target, no constraints; emptied at commit, and after use
        # below, so that one transaction may upsert several times.
        target = '"' + table.strip('"') + '_bulk_in"'
        cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} ON COMMIT DELETE ROWS AS "
                    f"SELECT {cols} FROM {table} WITH NO DATA")
    sent = 0
    with cur.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            sent += 1
    if on_conflict:
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {target} {on_conflict}")
        cur.execute(f"TRUNCATE {target}")
    return sent


def claim(table: str, columns: Sequence[str], batch: int) -> list[tuple]:
    """Delete and return up to `batch` of a queue table's oldest rows (by id), in one statement. Call
    it inside the transaction that folds them: if the fold fails, the rows come back. On PostgreSQL
    SKIP LOCKED lets a second folder take other rows meanwhile (SQLite has one writer anyway)."""
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = (f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s{lock}) "
           f"RETURNING {', '.join(columns)}")
    with connection.cursor() as cur:
        cur.execute(sql, [batch])
        return cur.fetchall()


def add_along(sums: dict, unit_ids: Sequence[int], rest: tuple, vals: Sequence[int]) -> None:
    """Add `vals` to each unit of a path (root first) in a fold's sums, kept as
    {(unit_id, *rest): (parent_id, [totals])}, the parent being the unit before it on the path."""
    parent = None
    for unit_id in unit_ids:
        key = (unit_id, *rest)
        entry = sums.get(key)
        if entry is None:
            sums[key] = (parent, list(vals))
        else:
            acc = entry[1]
            for i, v in enumerate(vals):
                acc[i] += v
        parent = unit_id
