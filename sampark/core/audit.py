"""The audit log, append-only and hash-chained. Every row is written here: ``record`` (one row) or
``record_rows`` (a batch, for hot paths). A writer locks the chain head (AuditHead, one row) for
the rest of its transaction, so on PostgreSQL writers chain one after another (SQLite has one
writer at a time anyway); each row gets the next ``seq``, the last hash as ``prev_hash``, and
``hash`` = SHA-256 of the canonical JSON of [seq, at, actor_id, action, object_type, object_id,
before, after, ip, prev_hash] as they read back (time in UTC to the microsecond, JSON with sorted
keys). ``verify`` (``sampark audit verify``) walks the chain in seq order, a chunk at a time.

What goes in: ids, codes, statuses, counts, which fields changed, lengths of texts; never a name,
a phone or a free text (``changed`` and ``length`` help), and of the IP address only its network."""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sampark.core import bulk
from sampark.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64
HEAD = 1  # the primary key of AuditHead's one row
COLUMNS = ["seq", "at", "actor_id", "action", "object_type", "object_id", "before", "after", "ip", "prev_hash",
           "hash"]
CHUNK = 5000


# --- the canonical form --------------------------------------------------------------------------

def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _js(text: str) -> str:
    """A string as json.dumps(text, ensure_ascii=False) writes it (the same C function), without its overhead."""
    return encode_basestring(text)


def _floats(value: Any) -> Any:
    """A whole float as the integer it reads back as from PostgreSQL's jsonb (1.0 and 1e20 are
    stored as numbers and may come back as ints), so both databases hash the same value."""
    if isinstance(value, float):
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def normal(value: Any) -> Any:
    """The JSON value as it will read back from the database: keys as strings, tuples as lists."""
    if value is None:
        return None
    return _floats(json.loads(json.dumps(value)))


def at_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_hash(seq: int, at: str, actor_id: int | None, action: str, object_type: str, object_id: str,
              before_json: str, after_json: str, ip: str | None, prev_hash: str) -> str:
    """SHA-256 of the row's canonical JSON array. ``at`` is at_text(); before and after are given as
    canonical JSON text ("null" for none): what json.dumps of the whole list would write."""
    text = (f'[{seq},"{at}",{"null" if actor_id is None else int(actor_id)},{_js(action)},{_js(object_type)},'
            f'{_js(object_id)},{before_json},{after_json},{"null" if ip is None else _js(ip)},"{prev_hash}"]')
    return hashlib.sha256(text.encode()).hexdigest()


def row_hash(seq, at, actor_id, action, object_type, object_id, before, after, ip, prev_hash) -> str:
    """The hash of a row as read from the database (JSON values decoded)."""
    return link_hash(seq, at_text(at), actor_id, action, object_type, object_id,
                     canonical_json(_floats(before)), canonical_json(_floats(after)), ip, prev_hash)


# --- what may be recorded ------------------------------------------------------------------------

def network(ip: str | None) -> str | None:
    """The network of an address, not the address: a /24 (IPv4) or /48 (IPv6), written as its
    first address. Enough to tell "from the usual place" from "from elsewhere"."""
    try:
        addr = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    return str(ipaddress.ip_network(f"{addr}/{24 if addr.version == 4 else 48}", strict=False).network_address)


def changed(before: dict, after: dict) -> list[str]:
    """The keys whose values differ: what the audit says of a change to personal or free text."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def length(text: str | None) -> int:
    return len(text or "")


# --- writing -------------------------------------------------------------------------------------

def _lock_head() -> tuple[int, str]:
    """(last seq, last hash), with the head locked until the transaction ends."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD).values_list("seq", "hash").first()
    if head is None:  # a new database (or one emptied by a test): start from what is there
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS)
        AuditHead.objects.bulk_create([AuditHead(pk=HEAD, seq=last[0], hash=last[1])], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().filter(pk=HEAD).values_list("seq", "hash").get()
    return head


def _move_head(seq: int, hash_: str) -> None:
    AuditHead.objects.filter(pk=HEAD).update(seq=seq, hash=hash_)


def record(actor: Any, action: str, obj: Any = None, *, before: Any = None, after: Any = None,
           object_type: str = "", object_id: str = "", ip: str | None = None) -> AuditEntry:
    """Write one audit row. Call inside the service's transaction so the row and the change land
    together, and after its other locks where it can: the chain head stays locked until commit,
    so a row lock taken after it may wait on a writer that is waiting for the head (a deadlock,
    which PostgreSQL breaks by failing one of the two)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", actor)
    entry = AuditEntry(actor_id=None if actor_id is None else int(actor_id), action=str(action),
                       object_type=str(object_type), object_id=str(object_id),
                       before=normal(before), after=normal(after), ip=network(ip))
    with transaction.atomic(savepoint=False):
        seq, prev = _lock_head()
        entry.seq, entry.prev_hash, entry.at = seq + 1, prev, timezone.now()
        entry.hash = row_hash(entry.seq, entry.at, entry.actor_id, entry.action, entry.object_type,
                              entry.object_id, entry.before, entry.after, entry.ip, prev)
        entry.save(force_insert=True)
        _move_head(entry.seq, entry.hash)
    return entry


def record_rows(rows: Iterable[Sequence], now: datetime | None = None) -> int:
    """Write many audit rows in one append (COPY on PostgreSQL), locking the head once: rows of
    (actor_id, action, object_type, object_id, before, after) with before and after as canonical
    JSON text (canonical_json(normal(value))) or None. Call inside the caller's transaction.
    Returns how many were written."""
    now = now or timezone.now()
    at = at_text(now)
    at_db = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(savepoint=False):
        seq, prev = _lock_head()
        out = []
        for actor_id, action, object_type, object_id, before, after in rows:
            seq += 1
            h = link_hash(seq, at, actor_id, action, object_type, object_id, before or "null", after or "null",
                          None, prev)
            out.append((seq, at_db, actor_id, action, object_type, object_id, before, after, None, prev, h))
            prev = h
        if out:
            bulk.insert_rows(AuditEntry._meta.db_table, COLUMNS, out)
            _move_head(seq, prev)
    return len(out)


# --- verifying -----------------------------------------------------------------------------------

@dataclass
class Verdict:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""


def verify(chunk: int = CHUNK) -> Verdict:
    """Walk the chain in seq order, ``chunk`` rows a query (memory stays bounded), recomputing each
    hash. The first row that was changed, removed or slipped in makes the verdict bad, naming it.
    Rows appended by writers during the walk are left for the next run."""
    head = AuditHead.objects.filter(pk=HEAD).values_list("seq", "hash").first()
    if head is None:  # only an empty log has no head (migrations and writers make it)
        top = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
        if top is not None:
            return Verdict(False, 0, 0, "", top, "the chain head is missing (removed by hand)")
        return Verdict(True, 0, 0, GENESIS)
    head_seq, head_hash = head
    expected, prev, checked, last = 1, GENESIS, 0, None

    def bad(seq, problem):
        return Verdict(False, checked, head_seq, head_hash, seq, problem)

    while True:
        rows = AuditEntry.objects.filter(seq__lte=head_seq)
        if last is not None:
            rows = rows.filter(seq__gt=last)
        rows = list(rows.order_by("seq").values_list(*COLUMNS)[:chunk])
        if not rows:
            break
        for seq, at, actor_id, action, object_type, object_id, before, after, ip, prev_hash, h in rows:
            if seq < expected:
                return bad(seq, "a row outside the chain (added by hand)")
            if seq > expected:
                return bad(expected, "the row is missing (removed)")
            if prev_hash != prev:
                return bad(seq, "its prev_hash is not the hash of the row before (that row was changed or replaced)")
            if row_hash(seq, at, actor_id, action, object_type, object_id, before, after, ip, prev_hash) != h:
                return bad(seq, "its content does not match its hash (changed)")
            prev, expected, checked = h, expected + 1, checked + 1
        last = rows[-1][0]
    if expected - 1 < head_seq:
        return bad(expected, "the row is missing (removed from the end)")
    if head_hash != prev:
        return bad(head_seq, "the chain head does not match the last row (changed)")
    # Rows past the head (one statement, so a writer committing meanwhile cannot look like one).
    with connection.cursor() as cur:
        cur.execute(f"SELECT (SELECT seq FROM {AuditHead._meta.db_table} WHERE id = %s), "
                    f"(SELECT max(seq) FROM {AuditEntry._meta.db_table})", [HEAD])
        now_head, top = cur.fetchone()
    if top is not None and top > (now_head or 0):
        beyond = AuditEntry.objects.filter(seq__gt=now_head or 0).order_by("seq").values_list("seq", flat=True)
        return bad(beyond.first(), "a row past the chain head (added by hand)")
    return Verdict(True, checked, head_seq, head_hash)
