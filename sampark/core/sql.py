"""Hot statements as server-side prepared statements (PostgreSQL).

Django's psycopg cursors bind parameters on the client, so PostgreSQL parses and plans every
statement afresh. For a statement with a few CTEs and joins, run once per request, planning cost
more than executing, so the hot ones (the acknowledgement's, the inbox's; see bench/results/) are
prepared, with a generic plan (settings: prepare_threshold, plan_cache_mode). `prepared()` runs
such a statement through a server-binding psycopg cursor on the same connection (so in the
caller's transaction, if any), prepared once per connection."""

import time

import psycopg
from django.db import connection


def prepared(sql: str, params: dict | list) -> list[tuple]:
    """Run one statement prepared on the server; returns its rows. PostgreSQL only; `sql` uses
    psycopg placeholders (%s or %(name)s) and must not change from call to call. Logged where
    Django logs queries (DEBUG, tests counting queries), as its own cursors are."""
    connection.ensure_connection()
    start = time.monotonic()
    try:
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
            cur.execute(sql, params, prepare=True)
            return cur.fetchall() if cur.description else []
    finally:
        if connection.queries_logged:
            connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})
