"""Bulk import of counts (snapshots) from a CSV or Excel (.xlsx) file by a coordinator, for handles in
the part of the organisation they lead: all rows or none, as the people import (sampark.org.imports).

Shape: ``platform,handle,date,count`` (Hindi headers too: मंच, हैंडल, तारीख, गिनती; ``link`` or ``url``
may stand for ``handle``). A handle is named by its text (with or without @, any case) or by its link.

1. Read: every cell cleaned; empty rows skipped; at most ``MAX_ROWS`` rows and ``tables.MAX_BYTES``.
2. Plan: each row is checked (platform known, handle found among the active handles under the units
   the importer leads, date YYYY-MM-DD and not in the future, count a whole number, no second row for
   the same handle and date); each problem is named with its row. A handle outside the importer's
   reach reads exactly like one that does not exist.
3. Apply, only when no row is bad: in one transaction, batched (not one service call per row) but
   with the services' rules: one snapshot per handle and day (the same count again changes nothing,
   another count corrects it), a jump above the policy's factor is stored as FLAGGED for a coordinator
   and not counted, each handle's roll-up change is queued, and an audit row is written per count.

Importing the same file twice changes nothing."""

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, bulk, paths
from sampark.core.tables import MAX_BYTES, FileProblem, records, unneutralise
from sampark.core.text import UnsafeText, ascii_digits, clean
from sampark.core.visibility import leading_roots
from sampark.network import policies, rollups, services
from sampark.network.models import Handle, NetworkPending, Platform, Snapshot
from sampark.network.services import NetworkError
from sampark.org.imports import ImportAborted
from sampark.org.io import RowError

__all__ = ["COLUMNS", "FileProblem", "ImportResult", "RowError", "import_counts"]

COLUMNS = ("platform", "handle", "date", "count")
# Header words besides the codes (compared without case, spaces, hyphens, underscores).
HEADER_WORDS = {
    "platform": "platform", "मंच": "platform", "प्लेटफ़ॉर्म": "platform", "प्लेटफॉर्म": "platform",
    "handle": "handle", "हैंडल": "handle", "link": "handle", "url": "handle", "लिंक": "handle",
    "date": "date", "तारीख": "date", "तारीख़": "date", "दिनांक": "date",
    "count": "count", "गिनती": "count", "संख्या": "count", "followers": "count", "फ़ॉलोअर": "count",
    "फॉलोअर": "count",
}
MAX_ROWS = 50_000
CHUNK = 500
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")


@dataclass
class RowPlan:
    line: int
    handle: Handle
    date: date
    count: int
    action: str = "create"  # create, update, unchanged
    status: str = Snapshot.Status.COUNTED


@dataclass
class ImportResult:
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    handles: int = 0
    errors: list[RowError] = field(default_factory=list)
    sample: list[RowPlan] = field(default_factory=list)  # the first rows that would be written

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _key(value: str) -> str:
    return clean(value).casefold().replace(" ", "").replace("-", "").replace("_", "")


def read_rows(name: str, data: bytes, max_rows: int = MAX_ROWS) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """(line, {column: text}) for each non-empty row, or the problems of the header row (line 1)."""
    recs = records(name, data, max_bytes=MAX_BYTES)
    header = next(recs, None)
    try:
        cells = [_key(h) for h in header] if header else []
    except UnsafeText as exc:
        raise FileProblem(str(exc)) from exc
    if not any(cells):
        raise FileProblem(_("The file is empty. The first row must name the columns: {columns}").format(
            columns=", ".join(COLUMNS)))
    words = {_key(k): v for k, v in HEADER_WORDS.items()}
    columns, errors, seen = [], [], set()
    for cell in cells:
        col = words.get(cell, "") if cell else ""
        if cell and not col:
            errors.append(RowError(1, cell[:40], _("Unknown column. The columns are: {columns}").format(
                columns=", ".join(COLUMNS))))
        elif col in seen:
            errors.append(RowError(1, col, _("This column appears twice.")))
        seen.add(col)
        columns.append(col)
    for col in COLUMNS:
        if col not in seen:
            errors.append(RowError(1, col, _("This column is missing.")))
    if errors:
        return [], errors
    rows = []
    for line, rec in enumerate(recs, start=2):
        try:
            values = [unneutralise(clean(c)) for c in rec]
        except UnsafeText as exc:
            errors.append(RowError(line, "", str(exc)))
            continue
        if not any(values):
            continue
        if len(rows) >= max_rows:
            raise FileProblem(_("The file has more than {n} rows. Split it into smaller files.").format(
                n=f"{max_rows:,}"))
        row = dict.fromkeys(COLUMNS, "")
        for i, value in enumerate(values):
            col = columns[i] if i < len(columns) else ""
            if col:
                row[col] = value[:1000]
            elif value:
                errors.append(RowError(line, "", _("This row has more cells than the header row.")))
                break
        rows.append((line, row))
    return rows, errors


def _link_key(value: str) -> str:
    value = value.strip().casefold()
    value = value.split("://", 1)[1] if "://" in value else value
    value = value.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for prefix in ("www.", "m."):
        value = value.removeprefix(prefix)
    return value


def _handle_key(value: str) -> str:
    """A handle as compared: without @ and case (cells and stored handles are already clean text)."""
    return value.strip().removeprefix("@").strip().casefold()


class CountImport:
    def __init__(self, actor, today: date):
        self.actor = actor
        self.today = today
        self.roots = leading_roots(actor)
        self.errors: list[RowError] = []
        self.platforms: dict[str, Platform] = {}
        for p in Platform.objects.filter(active=True):
            for word in (p.code, p.name_hi, p.name_en):
                if word:
                    self.platforms.setdefault(_key(word), p)

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def _load_handles(self, wanted: dict[int, set[str]]) -> dict[tuple[int, str], list[Handle]]:
        """Active handles under the units the importer leads, by (platform id, handle text without case)."""
        found: dict[tuple[int, str], list[Handle]] = defaultdict(list)
        base = Handle.objects.in_subtrees(self.roots).filter(status=Handle.Status.ACTIVE).annotate(
            key=Lower("handle")).only("id", "person_id", "platform_id", "handle", "url", "unit_path", "status",
                                      "created_at", "verified_at")
        for platform_id, keys in wanted.items():
            ordered = sorted(keys)
            for i in range(0, len(ordered), CHUNK):
                for h in base.filter(platform_id=platform_id, key__in=ordered[i:i + CHUNK]):
                    found[(platform_id, _handle_key(h.handle))].append(h)
        return found

    def plan(self, rows) -> list[RowPlan]:
        parsed = []
        wanted: dict[int, set[str]] = defaultdict(set)
        keys: dict[str, str] = {}  # the platform column repeats a few values
        for line, row in rows:
            before = len(self.errors)
            raw = row["platform"]
            platform = self.platforms.get(keys[raw] if raw in keys else keys.setdefault(raw, _key(raw))) if raw else None
            if not row["platform"]:
                self.error(line, "platform", _("Give the platform."))
            elif platform is None:
                self.error(line, "platform", _("Unknown platform. The platforms are: {codes}").format(
                    codes=", ".join(sorted({p.code for p in self.platforms.values()}))))
            ref = row["handle"]
            key = ""
            if not ref:
                self.error(line, "handle", _("Give the handle or its link."))
            elif platform is not None:
                if "/" in ref:  # a link (a handle has no slash)
                    try:
                        link = services.clean_url(platform, ref)
                    except NetworkError as exc:
                        self.error(line, "handle", str(exc))
                    else:
                        key = services.clean_handle("", link).casefold()
                else:
                    key = _handle_key(ref)
            day = self._date(line, row["date"])
            count = self._count(line, row["count"])
            if len(self.errors) == before and key:
                wanted[platform.pk].add(key)
                parsed.append((line, platform, key, ref, day, count))
        handles = self._load_handles(wanted)
        plans, seen = [], {}
        for line, platform, key, ref, day, count in parsed:
            matches = handles.get((platform.pk, key), [])
            if "/" in ref and len(matches) > 1:
                link = _link_key(ref)
                matches = [h for h in matches if _link_key(h.url) == link] or matches
            if not matches:
                self.error(line, "handle", _("No such handle on {platform} in the units you lead.").format(
                    platform=platform.name))
                continue
            if len(matches) > 1:
                self.error(line, "handle", _("Several members have this handle. Give the link instead."))
                continue
            h = matches[0]
            if not paths.in_subtrees(h.unit_path, self.roots):  # in_subtrees above; kept as a guard
                self.error(line, "handle", _("No such handle on {platform} in the units you lead.").format(
                    platform=platform.name))
                continue
            if (h.pk, day) in seen:
                self.error(line, "date", _("Row {n} already gives a count for this handle on this date.").format(
                    n=seen[(h.pk, day)]))
                continue
            seen[(h.pk, day)] = line
            plans.append(RowPlan(line, h, day, count))
        return plans

    def _date(self, line: int, raw: str) -> date | None:
        text = ascii_digits(raw or "").strip()
        m = DATE_TIME.match(text)
        try:
            if not m:
                raise NetworkError(_("Give the date as YYYY-MM-DD."), field="date")
            return services.clean_date(m.group(1), self.today)
        except NetworkError as exc:
            self.error(line, "date", str(exc))
            return None

    def _count(self, line: int, raw: str) -> int | None:
        text = ascii_digits(raw or "").strip()
        if not text:
            self.error(line, "count", _("Give the count."))
            return None
        try:
            return services.clean_count(text)
        except NetworkError as exc:
            self.error(line, "count", str(exc))
            return None

    # --- applying ----------------------------------------------------------------------------------

    def compute(self, plans: list[RowPlan], *, lock: bool) -> dict:
        """Decide each row's action and status against the handles' stored counts (locked when
        applying), as services.add_snapshot would, in date order per handle."""
        by_handle: dict[int, list[RowPlan]] = defaultdict(list)
        for p in plans:
            by_handle[p.handle.pk].append(p)
        ids = sorted(by_handle)
        existing: dict[int, dict[date, list]] = defaultdict(dict)
        for i in range(0, len(ids), CHUNK):
            part = ids[i:i + CHUNK]
            if lock:
                list(Handle.objects.select_for_update().filter(pk__in=part).order_by("pk").values_list("pk"))
            for sid, hid, day, count, status in Snapshot.objects.filter(handle_id__in=part).values_list(
                    "id", "handle_id", "date", "count", "status"):
                existing[hid][day] = [sid, count, status]
        factor, minimum = policies.get(policies.JUMP_FACTOR), policies.get(policies.JUMP_MIN)

        def jump(previous, count):
            if previous is None or count - previous < minimum:
                return Snapshot.Status.COUNTED
            return Snapshot.Status.FLAGGED if count > previous * factor else Snapshot.Status.COUNTED

        out = {}
        for hid, rows in by_handle.items():
            stored = existing.get(hid, {})
            before = {d: (v[1], v[2]) for d, v in stored.items()}
            after = dict(before)
            for p in sorted(rows, key=lambda r: r.date):
                old = stored.get(p.date)
                if old is not None and old[1] == p.count:
                    p.action, p.status = "unchanged", old[2]
                    continue
                previous = max(((d, c) for d, (c, s) in after.items()
                                if d < p.date and s == Snapshot.Status.COUNTED), default=(None, None))[1]
                p.status = jump(previous, p.count)
                p.action = "create" if old is None else "update"
                after[p.date] = (p.count, p.status)
            out[hid] = (rows[0].handle, stored, before, after)
        return out

    def apply(self, plans: list[RowPlan], computed: dict, now: datetime) -> None:
        creates, updates, latest, audit_rows = [], [], [], []
        pending: dict = defaultdict(lambda: [0, 0, 0, 0])
        by_handle: dict[int, list[RowPlan]] = defaultdict(list)
        for p in plans:
            if p.action != "unchanged":
                by_handle[p.handle.pk].append(p)
        for hid, rows in by_handle.items():
            h, stored, before, after = computed[hid]
            for p in rows:
                if p.action == "create":
                    creates.append((hid, p.date, p.count, p.status, Snapshot.Source.IMPORT, self.actor.pk, now))
                    object_id = f"{hid}:{p.date.isoformat()}"
                else:
                    updates.append(Snapshot(id=stored[p.date][0], handle_id=hid, date=p.date, count=p.count,
                                            status=p.status, entered_by=self.actor, reviewed_by=None, reviewed_at=None))
                    object_id = str(stored[p.date][0])
                # Plain strings and whole numbers: already as they read back (audit.normal), so not passed through it.
                audit_rows.append((self.actor.pk, "network.snapshot", "network.snapshot", object_id, None,
                                   audit.canonical_json({"handle": hid, "date": p.date.isoformat(), "count": p.count,
                                                         "status": str(p.status), "source": "import"})))
            for st, sign in ((before, -1), (after, 1)):
                for (platform_id, day), vals in rollups.contributions(h, [(d, c, s) for d, (c, s) in st.items()]).items():
                    acc = pending[(h.unit_path, platform_id, day)]
                    for i, v in enumerate(vals):
                        acc[i] += sign * v
            counted = [(d, c) for d, (c, s) in after.items() if s == Snapshot.Status.COUNTED]
            day, count = max(counted) if counted else (None, None)
            latest.append((hid, day, count))
        insert_snapshots(creates)
        Snapshot.objects.bulk_update(updates, ["count", "status", "entered_by", "reviewed_by", "reviewed_at"],
                                     batch_size=500)
        set_latest(latest)
        queue_pending(pending)
        audit.record_rows(audit_rows, now)


# --- writing many rows (also used by the demo) ------------------------------------------------------

def _dt(value: datetime):
    return value if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(value)


def insert_snapshots(rows) -> int:
    """New snapshots in one append: rows of (handle id, date, count, status, source, entered_by id, created_at)."""
    times: dict = {}  # most rows share a few times: adapt each once
    return bulk.insert_rows(Snapshot._meta.db_table, (
        "id", "handle_id", "date", "count", "status", "source", "entered_by_id", "created_at"),
        ((os.urandom(16).hex(), hid, day.isoformat(), count, status, source, by,
          times[at] if at in times else times.setdefault(at, _dt(at)))
         for hid, day, count, status, source, by, at in rows))


def set_latest(rows) -> None:
    """(handle id, latest date or None, latest count or None) for many handles."""
    table = connection.ops.quote_name(Handle._meta.db_table)
    with connection.cursor() as cur:
        cur.executemany(f"UPDATE {table} SET latest_date = %s, latest_count = %s WHERE id = %s",
                        [(d.isoformat() if d else None, c, hid) for hid, d, c in rows])


def queue_pending(pending: dict) -> int:
    """{(unit path, platform id, day): [reach, handles, seen, verified]} summed over many handles, as
    rollups.queue_change appends one handle's change."""
    return bulk.insert_rows(NetworkPending._meta.db_table, ("unit_path", "platform_id", "day", *rollups.COLS),
                            ((path, p, day.isoformat(), *vals) for (path, p, day), vals in pending.items()
                             if any(vals)))


SAMPLE = 20


def import_counts(actor, name: str, data: bytes, *, dry_run: bool = False, max_rows: int = MAX_ROWS,
                  now: datetime | None = None) -> ImportResult:
    """Check a whole file, then (unless ``dry_run`` or any row is bad) write it in one transaction.
    Raises ``FileProblem`` when the file as a whole cannot be read."""
    now = now or timezone.now()
    rows, errors = read_rows(name, data, max_rows)
    result = ImportResult(file_name=name, dry_run=dry_run, rows=len(rows))
    if errors and not rows:
        result.errors = errors
        return result
    importer = CountImport(actor, timezone.localdate(now))
    importer.errors = list(errors)
    if not importer.roots:
        importer.error(0, "", _("Only those who lead a unit can import counts."))
    try:
        with transaction.atomic():
            plans = importer.plan(rows) if importer.roots else []
            if importer.errors:
                raise ImportAborted
            computed = importer.compute(plans, lock=not dry_run)
            for p in plans:
                result.created += p.action == "create"
                result.updated += p.action == "update"
                result.unchanged += p.action == "unchanged"
                result.flagged += p.action != "unchanged" and p.status == Snapshot.Status.FLAGGED
            result.handles = len({p.handle.pk for p in plans if p.action != "unchanged"})
            result.sample = [p for p in plans if p.action != "unchanged"][:SAMPLE]
            if dry_run or not result.changed:
                return result
            importer.apply(plans, computed, now)
            audit.record(actor, "network.import", object_type="network.import", object_id="counts",
                         after={"rows": result.rows, "created": result.created, "updated": result.updated,
                                "unchanged": result.unchanged, "flagged": result.flagged})
    except ImportAborted:
        result.created = result.updated = result.unchanged = result.flagged = result.handles = 0
        result.sample = []
        result.errors = sorted(importer.errors, key=lambda e: e.line)
    return result
