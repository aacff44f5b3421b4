"""Receipts: a reader marks a directive read or acknowledges it (alone, or many at once from an
SMS-reply or offline-sync batch).

Receipts are append-only rows that are their own record of who did what and when, so they carry
no separate audit row; an acknowledgement request inserts rows and never updates one: the
per-unit counters are folded in by the worker from the pending rows it leaves (see
counters.fold_pending). The audience match and the inserts are SQL written for each database:
one prepared statement on PostgreSQL, a few constant statements in one transaction on SQLite
(which has no INSERT inside a WITH). A test holds both to the audience rule (audience.matches)."""

import json
from datetime import datetime

from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import paths
from sampark.core.sql import prepared
from sampark.core.text import clean_multiline
from sampark.directives.authoring import DirectiveError
from sampark.directives.models import Directive, PendingCount, Receipt
from sampark.org.models import Level, Unit
from sampark.people.models import Person, Post

REPLY_MAX = 500


def _audience_keys_sql(pg: bool) -> str:
    """The (person, unit path) of each active post of %(people)s in the directive's audience (never
    the author's): audience.matches() in SQL, for both databases (the ids travel as an array or a
    JSON list)."""
    post, unit, level = Post._meta.db_table, Unit._meta.db_table, Level._meta.db_table
    people = "= ANY(%(people)s::bigint[])" if pg else "IN (SELECT value FROM json_each(%(people)s))"
    find = "strpos" if pg else "instr"
    return (f"SELECT p.person_id, p.unit_path FROM {post} p JOIN {unit} u ON u.id = p.unit_id"
            f" JOIN {level} l ON l.id = u.level_id"
            f" WHERE p.person_id {people} AND p.person_id <> %(author)s AND p.active"
            f" AND p.unit_path >= %(lo)s AND p.unit_path < %(hi)s"
            f" AND (%(levels)s = '' OR {find}(%(levels)s, ',' || l.code || ',') > 0)"
            f" AND (%(roles)s = '' OR {find}(%(roles)s, ',' || p.role || ',') > 0)"
            f" AND (%(teams)s = '' OR {find}(%(teams)s, ',' || p.team || ',') > 0)")


def _receipt_params(directive: Directive, person_ids: list[int], kind: str, reply: str, at, pg: bool) -> dict:
    lo, hi = paths.subtree_range(directive.target_path)
    ids = [int(i) for i in person_ids]
    kinds = [str(k) for k in _kinds(kind)]
    return {"people": ids if pg else json.dumps(ids), "kinds": kinds if pg else json.dumps(kinds),
            "lo": lo, "hi": hi, "author": directive.author_id, "levels": directive.levels, "roles": directive.roles,
            "teams": directive.teams,
            "d": directive.pk, "at": at, "read": str(Receipt.Kind.READ), "ack": str(Receipt.Kind.ACK),
            "reply": reply, "kind": str(kind)}


def _record_statement_pg(directive: Directive, person_ids: list[int], kind: str, reply: str, at) -> tuple[int, int]:
    """PostgreSQL: find the people's posts in the directive's audience, record their receipts and
    the pending counts in one statement (one round trip, and for a single acknowledgement its own
    transaction): the matching posts feed the receipts, the new receipts feed the pending rows,
    one per unit with its new reads and acknowledgements. Prepared (the text never changes).
    Returns (people in the audience, new receipts of `kind`)."""
    sql = (f"WITH keys AS ({_audience_keys_sql(True)}), "
           f"new AS ("
           f"  INSERT INTO {Receipt._meta.db_table} (directive_id, person_id, kind, at, reply)"
           f"  SELECT %(d)s, p.person_id, k.kind, %(at)s, CASE WHEN k.kind = %(ack)s THEN %(reply)s ELSE '' END"
           f"  FROM (SELECT DISTINCT person_id FROM keys) p CROSS JOIN unnest(%(kinds)s::varchar[]) AS k(kind)"
           f"  ON CONFLICT (person_id, directive_id, kind) DO NOTHING RETURNING person_id, kind), "
           f"pending AS ("
           f"  INSERT INTO {PendingCount._meta.db_table} (directive_id, unit_path, reads, acks, created_at)"
           f"  SELECT %(d)s, keys.unit_path, count(*) FILTER (WHERE new.kind = %(read)s),"
           f"  count(*) FILTER (WHERE new.kind = %(ack)s), %(at)s FROM new JOIN keys ON keys.person_id = new.person_id"
           f"  GROUP BY keys.unit_path) "
           f"SELECT (SELECT count(DISTINCT person_id) FROM keys), (SELECT count(*) FROM new WHERE kind = %(kind)s)")
    ((matched, new),) = prepared(sql, _receipt_params(directive, person_ids, kind, reply, at, pg=True))
    return matched, new


def _record_statements_sqlite(directive: Directive, person_ids: list[int], kind: str, reply: str,
                              at) -> tuple[int, int]:
    """SQLite: the same in one transaction of constant statements (SQLite has no INSERT inside a
    WITH): the matching posts go to a temporary table once, the receipts and the pending counts
    are made from it. SQLite has one writer, so the receipts this transaction adds are exactly
    those with ids above the largest before it: the pending counts are grouped from them in SQL,
    as on PostgreSQL. Returns (people in the audience, new receipts of `kind`)."""
    receipts = Receipt._meta.db_table
    params = _receipt_params(directive, person_ids, kind, reply, connection.ops.adapt_datetimefield_value(at),
                             pg=False)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS receipt_keys (person_id integer, unit_path text)")
        cur.execute("CREATE INDEX IF NOT EXISTS temp.receipt_keys_person ON receipt_keys (person_id)")
        cur.execute("DELETE FROM temp.receipt_keys")
        cur.execute(f"INSERT INTO temp.receipt_keys {_audience_keys_sql(False)}", params)
        cur.execute(f"SELECT count(DISTINCT person_id), (SELECT coalesce(max(id), 0) FROM {receipts}) "
                    f"FROM temp.receipt_keys")
        matched, last = cur.fetchone()
        if not matched:
            return 0, 0
        cur.execute(f"INSERT INTO {receipts} (directive_id, person_id, kind, at, reply) "
                    f"SELECT %(d)s, p.person_id, k.value, %(at)s, CASE WHEN k.value = %(ack)s THEN %(reply)s ELSE '' END "
                    f"FROM (SELECT DISTINCT person_id FROM temp.receipt_keys) p CROSS JOIN json_each(%(kinds)s) AS k "
                    f"WHERE true ON CONFLICT (person_id, directive_id, kind) DO NOTHING", params)
        cur.execute(f"INSERT INTO {PendingCount._meta.db_table} (directive_id, unit_path, reads, acks, created_at) "
                    f"SELECT %(d)s, keys.unit_path, sum(r.kind = %(read)s), sum(r.kind = %(ack)s), %(at)s "
                    f"FROM {receipts} r JOIN temp.receipt_keys keys ON keys.person_id = r.person_id "
                    f"WHERE r.directive_id = %(d)s AND r.id > %(last)s GROUP BY keys.unit_path",
                    {**params, "last": last})
        cur.execute(f"SELECT count(*) FROM {receipts} WHERE id > %(last)s AND kind = %(kind)s",
                    {"last": last, "kind": params["kind"]})
        return matched, cur.fetchone()[0]


def _kinds(kind: str) -> list[str]:
    """An acknowledgement implies a read."""
    return [Receipt.Kind.READ] if kind == Receipt.Kind.READ else [Receipt.Kind.READ, Receipt.Kind.ACK]


def _receipts(directive: Directive, person_ids: list[int], kind: str, *, reply: str = "",
              now: datetime | None = None) -> tuple[int, int]:
    """Receipts of `kind` for those of these people who are in the directive's audience (the rest
    are skipped), with one pending count per (unit, kind) the new ones touch, carrying how many:
    only new rows count, so a retry counts nothing twice. Returns (people in the audience, new
    receipts of `kind`)."""
    if directive.status != Directive.Status.PUBLISHED or not person_ids:
        return 0, 0
    record = _record_statement_pg if connection.vendor == "postgresql" else _record_statements_sqlite
    return record(directive, person_ids, kind, reply, now or timezone.now())


def _one(person: Person, directive: Directive, kind: str, reply: str, now: datetime | None) -> bool:
    """One person's receipt; outside the audience 404 (STYLE rule 3). True when new."""
    matched, new = _receipts(directive, [person.pk], kind, reply=reply, now=now)
    if not matched:
        raise Http404
    return new == 1


def mark_read(person: Person, directive: Directive, *, now: datetime | None = None) -> bool:
    """Idempotent; True when this was the first read."""
    return _one(person, directive, Receipt.Kind.READ, "", now)


def acknowledge(person: Person, directive: Directive, *, reply: str = "", now: datetime | None = None) -> bool:
    """Idempotent: a retry finds the row and counts nothing; the first reply is kept. True when new."""
    reply = clean_multiline(reply or "")
    if len(reply) > REPLY_MAX:
        raise DirectiveError(_("The reply is too long (at most {n} characters).").format(n=REPLY_MAX))
    return _one(person, directive, Receipt.Kind.ACK, reply, now)


def acknowledge_many(directive: Directive, person_ids: list[int], *, now: datetime | None = None) -> int:
    """Acknowledgements arriving together (an SMS-reply or offline-sync batch): one transaction.
    People outside the audience are skipped. Returns how many were new."""
    if directive.status != Directive.Status.PUBLISHED:
        raise Http404
    return _receipts(directive, person_ids, Receipt.Kind.ACK, now=now)[1]
