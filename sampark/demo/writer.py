"""Rows in big batches, written while the next batch is generated."""

import queue
import threading
import time

from django.db import connection


class Table:
    """One table's pending rows; ``columns`` are what the loader fills, other fields get their default."""

    def __init__(self, model, columns: list[str], name: str = "") -> None:
        """A model's table, or (model None) a temporary table of the loader's own, named `name`."""
        self.model = model
        self.name = model._meta.db_table if model else name
        self.columns = list(columns)
        self.rows: list[tuple] = []
        self.count = 0
        self.seconds = 0.0  # spent writing
        extra = [f for f in model._meta.concrete_fields if f.column not in columns] if model else []
        self.extra_columns = [f.column for f in extra]
        self.extra_values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        # COPY's text format needs NULL spelled out; only tables with such a column pay for the check.
        self.has_nulls = bool(model) and any(f.null for f in model._meta.concrete_fields if f.column in columns)
        for f in extra:
            if not f.has_default() and not f.null:
                raise RuntimeError(f"demo loader does not fill {self.name}.{f.column}")


class Writer:
    """Buffers rows per table and sends them in big batches: COPY on PostgreSQL, executemany on SQLite.

    Batches go out from a second thread, so that the database (another process for PostgreSQL; for
    SQLite, the library, which releases the GIL while it steps) digests one batch while Python
    generates the next one: on two cores the load takes the longer of the two, not their sum. That
    thread uses the main thread's DB-API connection (inside its transaction), which Django's
    per-thread connections cannot give it, and sends COPY text made without per-value adaptation,
    so it does not go through core.bulk as the other bulk writes do."""

    BATCH = 100_000
    QUEUED = 3  # batches waiting at most: bounds the memory held

    def __init__(self, tables: list[Table]) -> None:
        self.tables = tables
        self.pg = connection.vendor == "postgresql"
        self.raw = connection.connection  # the DB-API connection, inside Django's transaction
        self.queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def maybe_flush(self) -> None:
        for t in self.tables:
            if len(t.rows) >= self.BATCH:
                self.flush(t)

    def flush_all(self) -> None:
        """Send what is left and wait until the database has it all."""
        for t in self.tables:
            self.flush(t)
        if self.thread is not None:
            self._put(None)
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error

    def flush(self, t: Table) -> None:
        if not t.rows:
            return
        rows, t.rows = t.rows, []
        t.count += len(rows)
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="demo-writer", daemon=True)
            self.thread.start()
        self._put((t, rows))

    def _put(self, item) -> None:
        while True:
            if self.error is not None:
                self.thread.join()
                self.thread = None
                raise self.error
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            t, rows = item
            started = time.monotonic()
            try:
                self._send(t, rows)
            except BaseException as exc:  # noqa: BLE001 - handed to the generating thread
                self.error = exc
                return
            finally:
                t.seconds += time.monotonic() - started

    def _send(self, t: Table, rows: list[tuple]) -> None:
        cols = t.columns + t.extra_columns
        if self.pg:
            extra = "".join("\t" + _pg_text(v) for v in t.extra_values)
            lines = "\t".join(["%s"] * len(t.columns)) + extra + "\n"
            with self.raw.cursor() as cur, cur.copy(f"COPY {t.name} ({', '.join(cols)}) FROM STDIN") as cp:
                if t.has_nulls:
                    cp.write("".join(lines % tuple(r"\N" if v is None else v for v in r) for r in rows))
                else:
                    cp.write("".join(lines % r for r in rows))
        else:
            if t.extra_values:
                rows = [r + t.extra_values for r in rows]
            sql = f"INSERT INTO {t.name} ({', '.join(cols)}) VALUES ({', '.join(['?'] * len(cols))})"
            cur = self.raw.cursor()
            try:
                cur.executemany(sql, rows)
            finally:
                cur.close()


def _pg_text(v) -> str:
    if v is None:
        return r"\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v)

