"""A tree-wide lock so a subtree move never races a write that copies a path.

Creating a unit or adding a post reads a path and writes it into a new row; a concurrent move
rewrites paths with one UPDATE that cannot see rows inserted after its snapshot. On PostgreSQL
such writers take a shared transaction-level advisory lock and a move takes it exclusively, so a
move waits for them and they wait for it. SQLite has one writer at a time, so there is nothing
to do there."""

from django.db import connection

TREE_LOCK_KEY = 0x5A3A_7061  # any constant unique to this lock within the database


def tree_lock(*, exclusive: bool = False) -> None:
    """Call inside the transaction; the lock is released when it ends."""
    if connection.vendor != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cur:
        cur.execute(f"SELECT {fn}(%s)", [TREE_LOCK_KEY])
