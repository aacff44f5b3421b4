"""Per-(directive, unit) counters of expected, read and acknowledged posts, kept by the worker.

Requests never touch them: receipts leave pending rows, which fold_pending spreads over each
unit's ancestors down to the directive's target and adds in; compute_expected counts the
audience once after publishing. A subtree that moves takes its counters and pending rows along
(on_subtree_moved)."""

from django.db import connection, transaction
from django.db.models import Count

from sampark.core import bulk, paths
from sampark.directives.audience import matching_posts_q
from sampark.directives.models import Directive, PendingCount, UnitCount
from sampark.org.models import Unit
from sampark.people.models import Post

COUNT_COLUMNS = ["directive_id", "unit_id", "parent_id", "unit_path", "depth", "expected", "reads", "acks"]


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
    if totals:  # keyed by unit, so distinct, as an upsert needs
        bulk.insert_rows(UnitCount._meta.db_table, COUNT_COLUMNS, [tuple(r) for r in totals.values()],
                         on_conflict="ON CONFLICT (directive_id, unit_id) DO UPDATE SET expected = excluded.expected")
    return len(totals)


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
