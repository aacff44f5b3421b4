"""Writes about reports: submit (one or a batch, idempotent on the client's UUID), correct, attach
photos. Each is atomic and audited, and appends its roll-up change to the pending queue that the fold
step (rollups.fold_pending) turns into the daily table; requests never touch the shared counters."""

import functools
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, bulk, files, paths
from sampark.core.errors import NOT_FOUND
from sampark.core.locks import tree_lock
from sampark.core.text import ascii_digits, clean
from sampark.core.visibility import can_see_path, visible_roots
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Person, Post
from sampark.reports.models import (
    NUMERIC_SLOTS,
    FieldKind,
    Report,
    ReportField,
    ReportPhoto,
    ReportRevision,
    ReportType,
    RollupPending,
)

TEXT_MAX = 1000
MAX_PHOTOS = 5
PHOTO_KIND = "reports"
# How far back a report may be dated (a phone may have been offline for a while).
MAX_AGE_DAYS = 366


class ReportError(ValueError):
    """Bad input; the message (and per-field errors) are for the person."""

    def __init__(self, message: str, errors: dict | None = None, status: int = 422):
        super().__init__(message)
        self.errors = errors or {}
        self.status = status


class ReportConflict(ReportError):
    def __init__(self):
        super().__init__(_("A different report was already sent with this id."), status=409)


class NotAllowed(ReportError):
    def __init__(self, message: str):
        super().__init__(message, status=403)


class NotFound(ReportError):
    """An id held by a report or photo the actor can neither see nor wrote: the answer to any
    object one cannot see, so a client-made id never tells whether it exists elsewhere."""

    def __init__(self):
        super().__init__(NOT_FOUND, status=404)


@dataclass
class Submission:
    """One report as sent: the client's id, and unit, type, date and values as given."""

    id: str
    unit: int
    type: str
    date: str
    values: dict = field(default_factory=dict)


@dataclass
class Outcome:
    report: Report | None
    created: bool = False
    error: ReportError | None = None
    id: uuid.UUID | None = None


# --- access -------------------------------------------------------------------------------------

def _post_paths(person) -> tuple[set[str], list[str]]:
    """(paths of units where the person holds a post, paths where they lead), cached on the person."""
    cached = getattr(person, "_report_paths", None)
    if cached is None:
        own, lead = set(), []
        for unit_path, role in Post.objects.filter(person=person, active=True).values_list("unit_path", "role"):
            own.add(unit_path)
            if role in LEADING_ROLES:
                lead.append(unit_path)
        cached = (own, paths.minimal_roots(lead))
        person._report_paths = cached
    return cached


def can_report(person, unit: Unit) -> bool:
    """A person with a post at the unit, or a leader at or above it."""
    own, lead = _post_paths(person)
    return unit.path in own or paths.in_subtrees(unit.path, lead)


def can_correct(person, report: Report) -> bool:
    """The author, or a leader at or above the report's unit."""
    if report.author_id == person.pk:
        return True
    return paths.in_subtrees(report.unit_path, _post_paths(person)[1])


# --- validation -----------------------------------------------------------------------------------

def _fields_of(rtype: ReportType) -> list[ReportField]:
    cached = getattr(rtype, "_field_list", None)
    if cached is None:
        cached = list(rtype.fields.all())
        rtype._field_list = cached
    return cached


def _levels_of(rtype: ReportType) -> set[int]:
    cached = getattr(rtype, "_level_ids", None)
    if cached is None:
        cached = set(rtype.levels.values_list("pk", flat=True))
        rtype._level_ids = cached
    return cached


def _clean_number(f: ReportField, raw) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str):
        raw = ascii_digits(clean(raw)).replace(",", "")
        if not raw.lstrip("-").isdigit():
            raise ValueError
        raw = int(raw)
    if not isinstance(raw, int):
        raise ValueError
    if f.min_value is not None and raw < f.min_value:
        raise ReportError(_("{label}: must be at least {n}.").format(label=f.label, n=f.min_value))
    if f.max_value is not None and raw > f.max_value:
        raise ReportError(_("{label}: must be at most {n}.").format(label=f.label, n=f.max_value))
    return raw


def _clean_value(f: ReportField, raw):
    try:
        if f.kind == FieldKind.NUMBER:
            return _clean_number(f, raw)
        if not isinstance(raw, str | int):
            raise ValueError
        text = clean(str(raw))
        if f.kind == FieldKind.TEXT:
            if len(text) > TEXT_MAX:
                raise ReportError(_("{label}: at most {n} characters.").format(label=f.label, n=TEXT_MAX))
            return text
        if f.kind == FieldKind.CHOICE:
            allowed = [c.get("value") for c in f.choices]
            if text not in allowed:
                raise ReportError(_("{label}: choose one of the offered values.").format(label=f.label))
            return text
        if f.kind == FieldKind.DATE:
            return Date.fromisoformat(ascii_digits(text)).isoformat()
        if f.kind == FieldKind.LINK:
            URLValidator(schemes=["http", "https"])(text)
            return text
    except (ValueError, TypeError, ValidationError) as exc:
        if isinstance(exc, ReportError):
            raise
        messages = {
            FieldKind.NUMBER: _("{label}: enter a whole number."),
            FieldKind.DATE: _("{label}: enter a date as YYYY-MM-DD."),
            FieldKind.LINK: _("{label}: enter a web link starting with http:// or https://."),
        }
        msg = messages.get(f.kind, _("{label}: this value is not valid."))
        raise ReportError(msg.format(label=f.label)) from None
    return None


def clean_values(rtype: ReportType, raw: dict) -> dict:
    """Check values against the type's fields; all errors at once, keyed by field code."""
    if not isinstance(raw, dict):
        raise ReportError(_("Values must be an object of field code to value."))
    fields = {f.code: f for f in _fields_of(rtype)}
    errors: dict[str, str] = {}
    out: dict = {}
    for code in raw:
        if code not in fields or fields[code].kind == FieldKind.PHOTO:
            errors[str(code)] = _("Unknown field: {code}.").format(code=code)
    for code, f in fields.items():
        if f.kind == FieldKind.PHOTO:
            continue  # photos are uploaded on their own, after the report
        value = raw.get(code)
        if value is None or (isinstance(value, str) and not clean(value)):
            if f.required:
                errors[code] = _("{label}: this field is required.").format(label=f.label)
            continue
        try:
            out[code] = _clean_value(f, value)
        except ReportError as exc:
            errors[code] = str(exc)
    if errors:
        raise ReportError(_("Please correct the marked fields."), errors)
    return out


def _clean_date(raw, today: Date | None = None) -> Date:
    if isinstance(raw, Date):
        day = raw
    else:
        try:
            day = Date.fromisoformat(ascii_digits(clean(str(raw))))
        except ValueError:
            raise ReportError(_("Enter the date as YYYY-MM-DD."), {"date": _("Enter the date as YYYY-MM-DD.")}) from None
    today = today or timezone.localdate()
    if day > today:
        raise ReportError(_("The date cannot be in the future."), {"date": _("The date cannot be in the future.")})
    if day < today - timedelta(days=MAX_AGE_DAYS):
        raise ReportError(_("The date is more than a year ago."), {"date": _("The date is more than a year ago.")})
    return day


def _parse_id(raw) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise ReportError(_("The report id must be a UUID made on the phone."), {"id": _("Not a UUID.")}) from None


def canonical_json(v) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def body_hash(unit_id: int, type_code: str, day: Date, values: dict, values_json: str | None = None) -> str:
    """SHA-256 of the canonical JSON of the body: {"date","type","unit","values"}, keys sorted.
    Built around the values' own canonical JSON (when given) so it is not encoded twice."""
    if values_json is None:
        values_json = canonical_json(values)
    # An ISO date and an integer are their own JSON (inside quotes for the date).
    body = (f'{{"date":"{day.isoformat()}","type":{_json_code(type_code)},'
            f'"unit":{int(unit_id)},"values":{values_json}}}')
    return hashlib.sha256(body.encode()).hexdigest()


@functools.lru_cache(maxsize=256)
def _json_code(code: str) -> str:
    return canonical_json(code)


def slot_values(rtype: ReportType, values: dict) -> list[int]:
    """The numeric fields' values in roll-up slot order (v1..v4)."""
    out = [0] * NUMERIC_SLOTS
    for f in _fields_of(rtype):
        if f.slot and f.kind == FieldKind.NUMBER:
            out[f.slot - 1] = int(values.get(f.code) or 0)
    return out


def _pending(unit_path: str, rtype: ReportType, day: Date, values: dict, sign: int) -> RollupPending:
    v = slot_values(rtype, values)
    return RollupPending(unit_path=unit_path, type_id=rtype.pk, day=day, reports=sign,
                         v1=sign * v[0], v2=sign * v[1], v3=sign * v[2], v4=sign * v[3])


def snapshot(report: Report) -> dict:
    """What the audit keeps of a report: no values (a text field may hold anything; the report and
    its revisions keep them)."""
    return {"unit": report.unit_id, "type": report.type_id, "date": report.date.isoformat(),
            "version": report.version}


# --- submit ---------------------------------------------------------------------------------------

class _UnitRow:
    """What the submit path needs of a unit, without building a model instance per unit."""

    __slots__ = ("pk", "path", "level_id")

    def __init__(self, pk, path, level_id):
        self.pk, self.path, self.level_id = pk, path, level_id


class _Seen:
    __slots__ = ("body_hash", "author_id", "path")

    def __init__(self, body_hash, author_id, path=None):
        self.body_hash, self.author_id, self.path = body_hash, author_id, path

    def foreign_to(self, actor) -> bool:
        """Held by a report the actor neither wrote nor can see."""
        return self.author_id != actor.pk and not can_see_path(actor, self.path or "")


def _in_list(column: str, values: list) -> tuple[str, list]:
    """`column` among `values`, as SQL with one parameter: an array on PostgreSQL, a JSON list on
    SQLite (binding hundreds of placeholders cost more than the lookups)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(values)]


def _prepare(actor, sub: Submission, units: dict, types: dict[str, ReportType], today: Date,
             caches: dict | None = None):
    """Validate one submission; returns (id, unit, type, date, values, hash, values as JSON) or
    raises ReportError.
    `caches` (per batch) remembers the answers that repeat across a batch: may the actor report for
    this unit, and what is this date string."""
    caches = caches if caches is not None else {"date": {}, "unit": {}}
    rid = _parse_id(sub.id)
    try:
        unit = units.get(int(sub.unit))
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise ReportError(_("Unit not found."), {"unit": _("Unit not found.")}, status=404)
    rtype = types.get(str(sub.type))
    if rtype is None:  # a missing record named by the report, as a missing unit is: 404 (the API's rule)
        raise ReportError(_("Unknown report type."), {"type": _("Unknown report type.")}, status=404)
    allowed = caches["unit"].get(unit.pk)
    if allowed is None:
        allowed = caches["unit"][unit.pk] = can_report(actor, unit)
    if not allowed:
        raise NotAllowed(_("You can report only for units where you hold a post, or that you lead."))
    levels = _levels_of(rtype)
    if levels and unit.level_id not in levels:
        raise ReportError(_("This report type is not used at this level."), {"type": _("Not for this level.")})
    if isinstance(sub.date, str):
        day = caches["date"].get(sub.date)
        if day is None:
            day = caches["date"][sub.date] = _clean_date(sub.date, today)
    else:
        day = _clean_date(sub.date, today)
    values = clean_values(rtype, sub.values)
    values_json = canonical_json(values)
    return rid, unit, rtype, day, values, body_hash(unit.pk, rtype.code, day, values, values_json), values_json


REPORT_COLS = ["id", "unit_id", "unit_path", "type_id", "date", "values", "author_id", "body_hash", "version",
               "created_at", "updated_at"]
PENDING_COLS = ["unit_path", "type_id", "day", "reports", "v1", "v2", "v3", "v4"]


def _load_batch_context(actor, submissions):
    """The units named in the batch that the actor can see (one query) and the active
    report types with their fields and levels (two or three queries), for the whole batch."""
    unit_ids = set()
    for s in submissions:
        try:
            unit_ids.add(int(s.unit))
        except (TypeError, ValueError):
            pass
    units = {}
    if visible_roots(actor):
        # Visibility in memory (the rule of Unit.visible_to, for paths already read): an id list
        # is cheaper without the ORM.
        table = connection.ops.quote_name(Unit._meta.db_table)
        where, params = _in_list("id", sorted(unit_ids))
        with connection.cursor() as cur:
            cur.execute(f"SELECT id, path, level_id FROM {table} WHERE {where}", params)
            for pk, path, level_id in cur.fetchall():
                if can_see_path(actor, path):
                    units[pk] = _UnitRow(pk, path, level_id)
    types = {t.code: t for t in ReportType.objects.filter(active=True).prefetch_related("fields", "levels")}
    for t in types.values():
        t._field_list = list(t.fields.all())
        t._level_ids = {lv.pk for lv in t.levels.all()}
    return units, types


def submit_reports(actor: Person, submissions: list[Submission], *, _retry: bool = True) -> list[Outcome]:
    """Submit a batch (a phone's outbox, or a bulk import). Each submission stands alone: a bad one
    gets its error, the good ones are written together in one transaction with their audit rows and
    roll-up changes. A known id with the same body returns the stored report (not created again);
    with another body it is a conflict. A new report's Outcome carries its id (report is None).

    The batch costs a fixed number of queries, whatever its size: the visible units and the report
    types once, the known ids once, and one bulk append each for reports, pending roll-up
    changes and audit rows (COPY on PostgreSQL, executemany on SQLite). If another request wrote
    one of these ids in the meantime, the unique key refuses the append and the whole batch is
    run once more, so that id gets the first answer (or 409) like any resend. Likewise if a unit
    moved (org.services.move_unit) after its path was read: the transaction holds the tree lock
    and checks the paths it is about to copy, so a report never keeps a path its unit has left."""
    units, types = _load_batch_context(actor, submissions)
    outcomes: list[Outcome] = [Outcome(None) for _s in submissions]
    prepared = {}
    ids = set()
    today = timezone.localdate()
    caches: dict = {"date": {}, "unit": {}}
    for i, sub in enumerate(submissions):
        try:
            prepared[i] = _prepare(actor, sub, units, types, today, caches)
            ids.add(prepared[i][0])
        except ReportError as exc:
            outcomes[i].error = exc
            try:
                ids.add(uuid.UUID(str(sub.id)))
            except (ValueError, TypeError, AttributeError):
                pass

    pg = connection.vendor == "postgresql"
    try:
        with transaction.atomic():
            tree_lock()
            if _moved(units, {p[1].pk for p in prepared.values()}):
                if _retry:
                    raise _TreeMoved
                moved = ReportError(_("The organisation changed while this was sent; send it again."), status=409)
                for i in prepared:
                    outcomes[i].error = moved
                return outcomes
            existing = _known_reports(ids, pg)
            reports, pending, audits, seen = [], [], [], {}
            now = timezone.now()
            now_db = now if pg else connection.ops.adapt_datetimefield_value(now)
            author = actor.pk
            for i, sub in enumerate(submissions):
                if i not in prepared:
                    # An invalid body under a known id is simply another body: a conflict; under
                    # the id of a report the actor cannot see, the same error as for a fresh id.
                    known = _known_id(sub.id, existing, seen)
                    if known is not None and not known.foreign_to(actor) and outcomes[i].error.status in (404, 422):
                        outcomes[i].error = ReportConflict()
                    continue
                rid, unit, rtype, day, values, digest, values_json = prepared[i]
                known = existing.get(rid) or seen.get(rid)
                if known is not None and known.foreign_to(actor):
                    outcomes[i] = Outcome(None, created=False, error=NotFound(), id=rid)
                    continue
                if known is not None:
                    same = known.body_hash == digest and known.author_id == author
                    outcomes[i] = Outcome(None, created=False, error=None if same else ReportConflict(), id=rid)
                    continue
                seen[rid] = _Seen(digest, author, unit.path)
                day_iso = day.isoformat()
                day_db = day if pg else day_iso
                reports.append((rid if pg else rid.hex, unit.pk, unit.path, rtype.pk, day_db, values_json, author,
                                digest, 1, now_db, now_db))
                pending.append((unit.path, rtype.pk, day_db, 1, *slot_values(rtype, values)))
                # snapshot() of the new report as canonical JSON (keys sorted), built directly.
                after = f'{{"date":"{day_iso}","type":{rtype.pk},"unit":{unit.pk},"version":1}}'
                audits.append((author, "report.submit", "reports.report", str(rid), None, after))
                outcomes[i] = Outcome(None, created=True, id=rid)
            if reports:
                # Rows in database form (the column names are the fields' attnames), without a
                # model instance each: compiling them per value cost more than the database.
                bulk.insert_rows(Report._meta.db_table, REPORT_COLS, reports)
                bulk.insert_rows(RollupPending._meta.db_table, PENDING_COLS, pending)
                audit.record_rows(audits, now)
    except (IntegrityError, _TreeMoved):
        if not _retry:
            raise
        return submit_reports(actor, submissions, _retry=False)
    return outcomes


class _TreeMoved(Exception):
    pass


def _moved(units: dict, ids: set[int]) -> bool:
    """Whether any of these units' paths changed since _load_batch_context read them (one query)."""
    if not ids:
        return False
    table = connection.ops.quote_name(Unit._meta.db_table)
    where, params = _in_list("id", sorted(ids))
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, path FROM {table} WHERE {where}", params)
        return any(units[pk].path != path for pk, path in cur.fetchall())


def _known_reports(ids, pg: bool) -> dict:
    """{id: (body hash, author, unit path)} of the reports already stored under these ids."""
    table = connection.ops.quote_name(Report._meta.db_table)
    out = {}
    where, params = _in_list("id", list(ids) if pg else [u.hex for u in ids])
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, body_hash, author_id, unit_path FROM {table} WHERE {where}", params)
        for rid, digest, author, path in cur.fetchall():
            out[rid if pg else uuid.UUID(rid)] = _Seen(digest, author, path)
    return out


def _known_id(raw, existing, seen):
    try:
        rid = uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        return None
    return existing.get(rid) or seen.get(rid)


def submit_report(actor: Person, *, id, unit, type, date, values) -> tuple[Report, bool]:  # noqa: A002
    """One report; returns (report, created). Raises ReportError (409 for a conflicting resend)."""
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    type_code = type.code if isinstance(type, ReportType) else type
    outcome = submit_reports(actor, [Submission(id=str(id), unit=unit_id, type=type_code, date=date,
                                                values=values)])[0]
    if outcome.error:
        raise outcome.error
    return outcome.report or Report.objects.get(pk=outcome.id), outcome.created


# --- correct --------------------------------------------------------------------------------------

@transaction.atomic
def correct_report(actor: Person, report: Report, *, values: dict | None = None, date=None,
                   reason: str = "") -> Report:
    """Change a report's date or values. The old state goes to the history, and the roll-ups get
    the old contribution taken out and the new one put in."""
    report = Report.objects.select_for_update().select_related("type", "unit").get(pk=report.pk)
    if not can_correct(actor, report):
        raise NotAllowed(_("Only the author or a leader above can correct this report."))
    rtype = report.type
    new_day = _clean_date(date) if date is not None else report.date
    new_values = clean_values(rtype, values if values is not None else report.values)
    if new_day == report.date and new_values == report.values:
        return report
    before, old_values = snapshot(report), report.values
    ReportRevision.objects.create(report=report, version=report.version, date=report.date, values=report.values,
                                  edited_by=actor, reason=clean(reason)[:300])
    RollupPending.objects.bulk_create([
        _pending(report.unit_path, rtype, report.date, report.values, -1),
        _pending(report.unit_path, rtype, new_day, new_values, +1),
    ])
    report.date, report.values, report.version = new_day, new_values, report.version + 1
    report.save(update_fields=["date", "values", "version", "updated_at"])
    audit.record(actor, "report.correct", report, before=before,
                 after={**snapshot(report), "changed": audit.changed(old_values, new_values)})
    return report


# --- photos ---------------------------------------------------------------------------------------

def add_photo(actor: Person, report: Report, *, photo_id, upload) -> tuple[ReportPhoto, bool]:
    """Attach a photo (idempotent on the client's photo id). The image is checked and re-encoded
    (which drops EXIF, and with it the GPS location: no photo keeps it, see core/files.py)."""
    pid = _parse_id(photo_id)
    if not can_correct(actor, report):
        raise NotAllowed(_("Only the author or a leader above can add photos to this report."))
    existing = ReportPhoto.objects.filter(pk=pid).select_related("report").only(
        "id", "report_id", "report__unit_path", "report__author_id").first()
    if existing is not None:
        if existing.report_id != report.pk:
            # Another report's photo: a conflict if the actor can see that report, else the
            # answer for anything one cannot see (it must not confirm the id is taken).
            other = existing.report
            if other.author_id != actor.pk and not can_see_path(actor, other.unit_path):
                raise NotFound()
            raise ReportConflict()
        return existing, False
    if report.photos.count() >= MAX_PHOTOS:
        raise ReportError(_("A report can have at most {n} photos.").format(n=MAX_PHOTOS))
    try:
        image = files.clean_photo(upload)
    except files.Rejected as exc:
        raise ReportError(str(exc), status=exc.status) from None
    relpath = files.store_photo(PHOTO_KIND, image)
    try:
        with transaction.atomic():
            photo = ReportPhoto.objects.create(id=pid, report=report, file=relpath, width=image.width,
                                               height=image.height, size=len(image.data), uploaded_by=actor)
            audit.record(actor, "report.photo_add", photo, after={"report": str(report.pk), "file": relpath})
    except Exception:
        files.remove(relpath)
        raise
    return photo, True
