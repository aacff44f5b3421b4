"""A tree-wide lock so a subtree move never races a write that copies a path.

Creating a unit or adding a post reads a path and writes it into a new row; a concurrent move
rewrites paths with one UPDATE that cannot see rows inserted after its snapshot. On PostgreSQL
such writers take a shared transaction-level advisory lock and a move takes it exclusively, so a
move waits for them and they wait for it. SQLite has one writer at a time, so there is nothing
to do there."""

import hashlib

from django.db import connection

TREE_LOCK_KEY = 0x5A3A_7061  # any constant unique to this lock within the database


def tree_lock(*, exclusive: bool = False) -> None:
    """Call inside the transaction; the lock is released when it ends."""
    if connection.vendor != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cur:
        cur.execute(f"SELECT {fn}(%s)", [TREE_LOCK_KEY])


def named_lock(name: str) -> None:
    """An exclusive lock on a name (e.g. a phone number) until the transaction ends. On PostgreSQL
    a transaction-level advisory lock keyed by a hash of the name (two names sharing a hash only
    wait for each other); SQLite's immediate transactions already let one writer in at a time."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [key])
