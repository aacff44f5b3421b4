"""Every write about directives (STYLE rule 4): atomic, audited where an actor changes a directive.

Receipts (read, acknowledged) are append-only rows that are their own record of who did what and
when, so they carry no separate audit row; an acknowledgement request inserts rows and never
updates one (counters are folded in by the worker, see fold_pending).
"""

import json
import uuid
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.sql import prepared
from sampark.core.text import clean
from sampark.directives import attachments as files
from sampark.directives.audience import matching_posts_q
from sampark.directives.models import (
    Attachment,
    Directive,
    PendingCount,
    Receipt,
    Revision,
    Timer,
    UnitCount,
    from_codes,
)
from sampark.org.models import Level, Unit
from sampark.people.models import Person, Post, Role, Team
from sampark.people.visibility import leading_roots

TITLE_MAX = 200
BODY_MAX = 10_000
REPLY_MAX = 500
ACTION_MAX = 300


def policy(name: str, default):
    """Organisation policy with a laptop default; settings may override it."""
    return getattr(settings, name, default)


def remind_before() -> timedelta:
    return timedelta(minutes=policy("SAMPARK_DIRECTIVE_REMIND_BEFORE_MINUTES", 120))


def escalation_interval() -> timedelta:
    return timedelta(minutes=policy("SAMPARK_DIRECTIVE_ESCALATION_MINUTES", 60))


class DirectiveError(ValueError):
    """Bad input or a step not allowed; the message is for the user. status: the HTTP code."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


class DuplicateRequest(DirectiveError):
    def __init__(self):
        super().__init__(_("This request was already sent with different content."), status=409)


def _snapshot(d: Directive) -> dict:
    return {"title": d.title, "body": d.body, "status": d.status, "priority": d.priority,
            "requires_ack": d.requires_ack, "due_at": d.due_at.isoformat() if d.due_at else None,
            "target": d.target_unit_id, "levels": d.levels, "roles": d.roles, "teams": d.teams,
            "revision": d.revision, "required_action": d.required_action,
            "required_report_type": d.required_report_type_id,
            "attachments": [a.pk for a in d.attachments.all()] if d.pk else []}


def _codes(values, allowed: set[str], message: str) -> str:
    values = [clean(str(v)) for v in (values or []) if str(v).strip()]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise DirectiveError(message.format(", ".join(bad)))
    return from_codes(values)


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title, body = clean(title or ""), clean(body or "")
    if not title:
        raise DirectiveError(_("A directive needs a title."))
    if len(title) > TITLE_MAX:
        raise DirectiveError(_("The title is too long (at most {n} characters).").format(n=TITLE_MAX))
    if len(body) > BODY_MAX:
        raise DirectiveError(_("The text is too long (at most {n} characters).").format(n=BODY_MAX))
    return title, body


def leadable_target(actor: Person, unit_id) -> Unit:
    """The unit if the actor may send to it: 404 when they cannot see it, 403 when they see it
    only as a worker (a directive goes down from someone who leads at or above its target)."""
    unit = Unit.objects.visible_to(actor).filter(pk=unit_id).first() if str(unit_id).isdigit() else None
    if unit is None:
        raise Http404
    if not paths.in_subtrees(unit.path, leading_roots(actor)):
        raise DirectiveError(_("Only those who lead this unit or one above it can send it a directive."),
                             status=403)
    return unit


def _report_type(code):
    """The active report type with this code (or None for no code); an unknown code is an error."""
    from sampark.reports.models import ReportType

    if code in (None, ""):
        return None
    if isinstance(code, ReportType):
        return code
    found = ReportType.objects.filter(code=clean(str(code)), active=True).first()
    if found is None:
        raise DirectiveError(_("Unknown report type: {}").format(clean(str(code))))
    return found


def _check_files(uploads, already: int = 0) -> list[files.Checked]:
    uploads = [u for u in (uploads or []) if u is not None]
    if already + len(uploads) > files.MAX_FILES:
        raise DirectiveError(files.too_many_message())
    try:
        return [files.check(u) for u in uploads]
    except files.AttachmentError as exc:
        raise DirectiveError(str(exc), status=exc.status) from None


_stored_files: ContextVar[list | None] = ContextVar("stored_files", default=None)


def files_removed_on_error(service):
    """Around an atomic service that stores files: if it raises (its transaction is rolled back),
    the files it wrote are deleted too, so a failed write leaves neither rows nor files. (Should a
    caller's own outer transaction roll back later, a file may stay without a row: never served,
    since files are only reached through their rows.)"""

    @wraps(service)
    def wrapper(*args, **kwargs):
        if _stored_files.get() is not None:
            return service(*args, **kwargs)
        stored: list[str] = []
        token = _stored_files.set(stored)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for rel in stored:
                files.remove(rel)
            raise
        finally:
            _stored_files.reset(token)

    return wrapper


def _attach(actor: Person, d: Directive, checked: list[files.Checked], now: datetime) -> list[Attachment]:
    """Store the files, then their rows (see files_removed_on_error)."""
    made = []
    for c in checked:
        rel = files.store(d.pk, c)
        stored = _stored_files.get()
        if stored is not None:
            stored.append(rel)
        made.append(Attachment.objects.create(directive=d, name=c.name, content_type=c.content_type, size=c.size,
                                              file=rel, revision=d.revision, uploaded_by=actor, created_at=now))
    return made


@files_removed_on_error
@transaction.atomic
def create_directive(actor: Person, *, target_unit, title: str, body: str = "", priority: str = "normal",
                     requires_ack: bool = True, due_at: datetime | None = None, levels=None, roles=None,
                     teams=None, required_action: str = "", required_report_type=None, attachments=None,
                     client_uuid: uuid.UUID | None = None, now: datetime | None = None) -> Directive:
    """A draft, with its attachments (uploaded files, checked before anything is written). The same
    client_uuid with the same content returns the first draft; with other content 409."""
    now = now or timezone.now()
    unit = leadable_target(actor, getattr(target_unit, "pk", target_unit))
    title, body = _clean_text(title, body)
    required_action = clean(required_action or "")
    if len(required_action) > ACTION_MAX:
        raise DirectiveError(_("The required action is too long (at most {n} characters).").format(n=ACTION_MAX))
    if priority not in Directive.Priority.values:
        raise DirectiveError(_("Priority must be normal or urgent."))
    if due_at is not None:
        if timezone.is_naive(due_at):
            due_at = timezone.make_aware(due_at)
        if due_at <= now:
            raise DirectiveError(_("The due time must be in the future."))
    fields = {
        "target_unit": unit, "target_path": unit.path, "title": title, "body": body, "priority": priority,
        "requires_ack": bool(requires_ack), "due_at": due_at,
        "levels": _codes(levels, set(Level.objects.values_list("code", flat=True)), _("Unknown level: {}")),
        "roles": _codes(roles, set(Role.values), _("Unknown role: {}")),
        "teams": _codes(teams, set(Team.values), _("Unknown team: {}")),
        "required_action": required_action, "required_report_type": _report_type(required_report_type),
    }
    if client_uuid is not None:
        first = Directive.objects.filter(author=actor, client_uuid=client_uuid).first()
        if first is not None:
            same = first.target_unit_id == unit.pk and all(
                getattr(first, k) == v for k, v in fields.items() if k != "target_unit")
            if not same:
                raise DuplicateRequest()
            return first
    checked = _check_files(attachments)
    try:
        with transaction.atomic():
            d = Directive.objects.create(author=actor, client_uuid=client_uuid, **fields)
    except IntegrityError as exc:  # the same client_uuid raced in
        raise DuplicateRequest() from exc
    Revision.objects.create(directive=d, number=1, title=title, body=body, edited_by=actor)
    _attach(actor, d, checked, now)
    audit.record(actor, "directive.create", d, after=_snapshot(d))
    return d


def _own_or_404(actor: Person, directive: Directive) -> Directive:
    d = Directive.objects.select_for_update().filter(pk=directive.pk, author=actor).first()
    if d is None:
        raise Http404
    return d


@transaction.atomic
def publish_directive(actor: Person, directive: Directive, *, now: datetime | None = None) -> Directive:
    """Draft → published in one transaction with its timers: a crash leaves a draft or a whole directive.
    Publishing again is a no-op (a retry)."""
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.PUBLISHED:
        return d
    if d.status != Directive.Status.DRAFT:
        raise DirectiveError(_("A withdrawn directive cannot be published again."), status=409)
    if d.due_at is not None and d.due_at <= now:
        raise DirectiveError(_("The due time has passed; set a new one before publishing."))
    # The sender must still lead at or above the target.
    leadable_target(actor, d.target_unit_id)
    before = _snapshot(d)
    d.status = Directive.Status.PUBLISHED
    d.published_at = now
    d.save(update_fields=["status", "published_at"])
    timers = [Timer(directive=d, kind=Timer.Kind.EXPECTED, due_at=now)]
    if d.due_at is not None:
        if d.requires_ack:
            remind_at = max(d.due_at - remind_before(), now + (d.due_at - now) / 2)
            timers.append(Timer(directive=d, kind=Timer.Kind.REMIND, due_at=remind_at))
        # Depth of the deepest possible unit: a child's level is always below its parent's.
        deepest = Level.objects.count() - 1
        if deepest > paths.depth(d.target_path):
            timers.append(Timer(directive=d, kind=Timer.Kind.ESCALATE, due_at=d.due_at, step_depth=deepest))
    Timer.objects.bulk_create(timers)
    audit.record(actor, "directive.publish", d, before=before, after=_snapshot(d))
    return d


@transaction.atomic
def edit_directive(actor: Person, directive: Directive, *, title: str, body: str,
                   now: datetime | None = None) -> Directive:
    """A new visible revision: readers see that it changed and can open the earlier text."""
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.WITHDRAWN:
        raise DirectiveError(_("A withdrawn directive cannot be edited."), status=409)
    title, body = _clean_text(title, body)
    if (title, body) == (d.title, d.body):
        return d
    before = _snapshot(d)
    d.title, d.body = title, body
    d.revision += 1
    d.edited_at = now if d.status == Directive.Status.PUBLISHED else None
    d.save(update_fields=["title", "body", "revision", "edited_at"])
    Revision.objects.create(directive=d, number=d.revision, title=title, body=body, edited_by=actor)
    audit.record(actor, "directive.edit", d, before=before, after=_snapshot(d))
    return d


@files_removed_on_error
@transaction.atomic
def add_attachment(actor: Person, directive: Directive, upload, *, now: datetime | None = None) -> Attachment:
    """Only the author. On a draft the file simply joins it; on a published directive it is an edit:
    a new visible revision, so readers see the directive changed."""
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.WITHDRAWN:
        raise DirectiveError(_("A withdrawn directive cannot be edited."), status=409)
    if upload is None:
        raise DirectiveError(_("Choose a file to attach."))
    (checked,) = _check_files([upload], already=d.attachments.count())
    before = _snapshot(d)
    if d.status == Directive.Status.PUBLISHED:
        d.revision += 1
        d.edited_at = now
        d.save(update_fields=["revision", "edited_at"])
        Revision.objects.create(directive=d, number=d.revision, title=d.title, body=d.body, edited_by=actor)
    (made,) = _attach(actor, d, [checked], now)
    audit.record(actor, "directive.attach", d, before=before, after=_snapshot(d))
    return made


@transaction.atomic
def withdraw_directive(actor: Person, directive: Directive, *, now: datetime | None = None) -> Directive:
    now = now or timezone.now()
    d = _own_or_404(actor, directive)
    if d.status == Directive.Status.WITHDRAWN:
        return d
    before = _snapshot(d)
    d.status = Directive.Status.WITHDRAWN
    d.withdrawn_at = now
    d.save(update_fields=["status", "withdrawn_at"])
    Timer.objects.filter(directive=d, done=False).update(done=True)
    audit.record(actor, "directive.withdraw", d, before=before, after=_snapshot(d))
    return d


# --- receipts -------------------------------------------------------------------------------------

def _audience_keys_sql(pg: bool) -> str:
    """The (person, unit path) of each active post of %(people)s in the directive's audience:
    audience.matches() in SQL, for both databases (the ids travel as an array or a JSON list)."""
    post, unit, level = Post._meta.db_table, Unit._meta.db_table, Level._meta.db_table
    people = "= ANY(%(people)s::bigint[])" if pg else "IN (SELECT value FROM json_each(%(people)s))"
    find = "strpos" if pg else "instr"
    return (f"SELECT p.person_id, p.unit_path FROM {post} p JOIN {unit} u ON u.id = p.unit_id"
            f" JOIN {level} l ON l.id = u.level_id"
            f" WHERE p.person_id {people} AND p.active AND p.unit_path >= %(lo)s AND p.unit_path < %(hi)s"
            f" AND (%(levels)s = '' OR {find}(%(levels)s, ',' || l.code || ',') > 0)"
            f" AND (%(roles)s = '' OR {find}(%(roles)s, ',' || p.role || ',') > 0)"
            f" AND (%(teams)s = '' OR {find}(%(teams)s, ',' || p.team || ',') > 0)")


def _receipt_params(directive: Directive, person_ids: list[int], kind: str, reply: str, at, pg: bool) -> dict:
    lo, hi = paths.subtree_range(directive.target_path)
    ids = [int(i) for i in person_ids]
    kinds = [str(k) for k in _kinds(kind)]
    return {"people": ids if pg else json.dumps(ids), "kinds": kinds if pg else json.dumps(kinds),
            "lo": lo, "hi": hi, "levels": directive.levels, "roles": directive.roles, "teams": directive.teams,
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
    reply = clean(reply or "")
    if len(reply) > REPLY_MAX:
        raise DirectiveError(_("The reply is too long (at most {n} characters).").format(n=REPLY_MAX))
    return _one(person, directive, Receipt.Kind.ACK, reply, now)


def acknowledge_many(directive: Directive, person_ids: list[int], *, now: datetime | None = None) -> int:
    """Acknowledgements arriving together (an SMS-reply or offline-sync batch): one transaction.
    People outside the audience are skipped. Returns how many were new."""
    if directive.status != Directive.Status.PUBLISHED:
        raise Http404
    return _receipts(directive, person_ids, Receipt.Kind.ACK, now=now)[1]


# --- counters (worker) ----------------------------------------------------------------------------

def _upsert_counts(rows: list[tuple], set_clause: str) -> None:
    table = UnitCount._meta.db_table
    sql = (f"INSERT INTO {table} (directive_id, unit_id, parent_id, unit_path, depth, expected, reads, acks) "
           f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (directive_id, unit_id) DO UPDATE SET {set_clause}")
    with connection.cursor() as cur:
        for i in range(0, len(rows), 1000):
            cur.executemany(sql, rows[i:i + 1000])


def _climb(unit_path: str, target_path: str):
    """(unit id, parent id, path, depth) for the unit and each ancestor down to the target."""
    ids = paths.ancestor_ids(unit_path)
    top = paths.depth(target_path)
    for depth in range(top, len(ids)):
        yield ids[depth], (ids[depth - 1] if depth else None), unit_path[:paths.SEGMENT * (depth + 1)], depth


def fold_pending(limit: int = 20000) -> int:
    """Claim up to `limit` pending rows, spread each over its unit's ancestors down to the
    directive's target by cutting the path, sum per (directive, unit), add the sums to the counters
    in unit order (so two workers lock counter rows in the same order) and delete the rows, all in
    one transaction. PostgreSQL claims with DELETE ... RETURNING and SKIP LOCKED, in one statement;
    SQLite has one writer, so the oldest rows are its own until commit: it upserts the rows up to
    the batch's last id, then deletes them. Returns pending rows folded."""
    seg = paths.SEGMENT
    pending, counts = PendingCount._meta.db_table, UnitCount._meta.db_table
    directives, units = Directive._meta.db_table, Unit._meta.db_table
    pg = connection.vendor == "postgresql"

    def spread(source: str, where: str) -> str:
        return f"""depths(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM depths WHERE g < {255 // seg}),
        spread AS (
            SELECT c.directive_id, substr(c.unit_path, 1, {seg} * g) AS path,
                   sum(c.reads) AS reads, sum(c.acks) AS acks
            FROM {source} c JOIN {directives} d ON d.id = c.directive_id
                 JOIN depths ON g BETWEEN length(d.target_path) / {seg} AND length(c.unit_path) / {seg}
            {where}
            GROUP BY 1, 2)"""

    # PostgreSQL's row estimates here are blind: a lateral probe (OFFSET 0 keeps it one) stops it
    # from hashing the whole unit table.
    unit = (f"JOIN LATERAL (SELECT id, parent_id FROM {units} WHERE path = s.path OFFSET 0) u ON true" if pg
            else f"JOIN {units} u ON u.path = s.path")
    upsert = f"""
        INSERT INTO {counts} (directive_id, unit_id, parent_id, unit_path, depth, expected, reads, acks)
        SELECT s.directive_id, u.id, u.parent_id, s.path, length(s.path) / {seg} - 1, 0, s.reads, s.acks
        FROM spread s {unit}
        WHERE true ORDER BY s.directive_id, u.id
        ON CONFLICT (directive_id, unit_id) DO UPDATE
        SET reads = {counts}.reads + excluded.reads, acks = {counts}.acks + excluded.acks"""
    with transaction.atomic(), connection.cursor() as cur:
        if pg:
            cur.execute(f"""
                WITH RECURSIVE claimed AS (
                    DELETE FROM {pending} WHERE id IN (
                        SELECT id FROM {pending} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
                    RETURNING directive_id, unit_path, reads, acks),
                {spread("claimed", "")},
                added AS ({upsert})
                SELECT count(*) FROM claimed""", [limit])
            return cur.fetchone()[0]
        cur.execute(f"SELECT max(id), count(*) FROM (SELECT id FROM {pending} ORDER BY id LIMIT %s)", [limit])
        last, n = cur.fetchone()
        if n:
            cur.execute(f"WITH RECURSIVE {spread(pending, 'WHERE c.id <= %s')} {upsert}", [last])
            cur.execute(f"DELETE FROM {pending} WHERE id <= %s", [last])
        return n


def compute_expected(directive: Directive) -> int:
    """Matching active posts per unit subtree, from the target down: one grouped query, then
    summed up the tree in Python and upserted (the read/ack columns are left alone). Returns the
    number of counter rows written."""
    per_unit = (Post.objects.filter(matching_posts_q(directive)).order_by().values("unit_path")
                .annotate(n=Count("id")).values_list("unit_path", "n"))
    totals: dict[int, list] = {}
    for unit_path, n in per_unit:
        for unit_id, parent_id, path, depth in _climb(unit_path, directive.target_path):
            row = totals.setdefault(unit_id, [directive.pk, unit_id, parent_id, path, depth, 0, 0, 0])
            row[5] += n
    with transaction.atomic():
        _upsert_counts([tuple(r) for r in totals.values()], "expected = excluded.expected")
    return len(totals)


# --- messages (worker) ----------------------------------------------------------------------------

def queue_messages(directive: Directive, kind: str, items: list[tuple[Person, str, str, list]], *,
                   now: datetime, phone_channel: str) -> int:
    """One in-app message (delivered at once) and, unless the phone channel is "none", one queued
    phone message per recipient. items: (recipient, body, WhatsApp template, its parameters)."""
    from sampark.directives.models import Message

    rows = []
    for person, body, template, params in items:
        rows.append(Message(recipient=person, directive=directive, kind=kind, channel="app", body=body,
                            status=Message.Status.SENT, created_at=now, sent_at=now))
        if phone_channel != "none":
            rows.append(Message(recipient=person, directive=directive, kind=kind, channel=phone_channel,
                                body=body, template=template, params=params, created_at=now,
                                next_attempt_at=now))
    Message.objects.bulk_create(rows, batch_size=1000)
    return len(items)


def note_whatsapp_inbound(person: Person, at: datetime) -> None:
    """Called by the WhatsApp webhook when a person writes to us: opens the 24-hour window."""
    from sampark.directives.models import WhatsAppWindow

    WhatsAppWindow.objects.update_or_create(person=person, defaults={"last_inbound_at": at})


def on_subtree_moved(sender, unit, old_path: str, new_path: str, new_parent, **kwargs) -> None:  # noqa: ARG001
    """A subtree moved (org.signals.subtree_moved, inside move_unit's transaction): directives
    aimed inside it keep aiming at their units, and counters and pending rows of its units take
    the new paths. Counters already folded into the old ancestors stay there: a directive's
    counts describe the tree it was sent into."""
    from django.db.models.functions import Length

    from sampark.org.services import rewrite_paths

    rewrite_paths(Directive, "target_path", old_path, new_path)
    rewrite_paths(PendingCount, "unit_path", old_path, new_path)
    if rewrite_paths(UnitCount, "unit_path", old_path, new_path):
        lo, hi = paths.subtree_range(new_path)
        UnitCount.objects.filter(unit_path__gte=lo, unit_path__lt=hi).update(
            depth=Length("unit_path") / paths.SEGMENT - 1)
        UnitCount.objects.filter(unit_id=unit.pk).update(parent_id=new_parent.pk)
