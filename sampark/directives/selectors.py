"""Read queries shared by the pages and the API: inbox, roll-up, silent units, people at a unit."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.http import Http404

from sampark.core import paths
from sampark.core.names import pick
from sampark.core.sql import prepared
from sampark.core.visibility import get_visible_or_404, subtree_q
from sampark.directives.audience import audience_q, matching_posts_q, post_keys, prefixes
from sampark.directives.models import Directive, Receipt, UnitCount
from sampark.directives.policies import silent_below_percent
from sampark.org.models import Unit
from sampark.people.models import Post
from sampark.people.visibility import leading_roots
from sampark.reports.models import ReportType

INBOX_SIZE = 50


def _flag(items: list[Directive], person) -> list[Directive]:
    """Attach is_read / is_acked from the person's receipts: one query for the whole page."""
    ids = [d.pk for d in items]
    kinds: dict[int, set[str]] = {}
    if ids:
        for did, kind in Receipt.objects.filter(person=person, directive_id__in=ids).values_list("directive_id", "kind"):
            kinds.setdefault(did, set()).add(kind)
    for d in items:
        got = kinds.get(d.pk, set())
        d.is_read = Receipt.Kind.READ in got
        d.is_acked = Receipt.Kind.ACK in got
    return items


def inbox_queryset(person):
    return Directive.objects.filter(audience_q(person), status=Directive.Status.PUBLISHED)


def inbox(person, *, limit: int = INBOX_SIZE) -> list[Directive]:
    """Newest first with urgent on top, with read/ack flags: two queries (the person's posts, cached
    on the person for the request; the directives, each flag an index probe into the receipts).
    On PostgreSQL the second is one prepared statement (see _inbox_pg); elsewhere the ORM's."""
    if connection.vendor == "postgresql":
        return _inbox_pg(person, limit)
    return _inbox_orm(person, limit)


def _inbox_orm(person, limit: int) -> list[Directive]:
    def receipt(kind: str) -> Exists:
        return Exists(Receipt.objects.filter(person=person, directive=OuterRef("pk"), kind=kind))

    return list(inbox_queryset(person).defer("body").select_related("required_report_type")
                .annotate(is_read=receipt(Receipt.Kind.READ), is_acked=receipt(Receipt.Kind.ACK))
                .order_by("-priority", "-published_at", "-pk")[:limit])


_DIRECTIVE_FIELDS = [f for f in Directive._meta.concrete_fields if f.attname != "body"]
_TYPE_FIELDS = ReportType._meta.concrete_fields


def _inbox_sql() -> str:
    """audience.audience_q() and the ORM inbox above, as one statement whose text never changes:
    the person's (ancestor path, level, role, team) keys travel as four arrays; their own
    directives are left out (an author is not in their directive's audience)."""
    qn = connection.ops.quote_name
    cols = ", ".join(f"d.{qn(f.column)}" for f in _DIRECTIVE_FIELDS)
    type_cols = ", ".join(f"t.{qn(f.column)}" for f in _TYPE_FIELDS)
    receipts = Receipt._meta.db_table

    def flag(kind: str) -> str:
        return (f"EXISTS (SELECT 1 FROM {receipts} r WHERE r.person_id = %(person)s AND r.directive_id = d.id "
                f"AND r.kind = '{kind}')")

    def allowed(column: str, code: str) -> str:
        return f"(d.{column} = '' OR strpos(d.{column}, ',' || k.{code} || ',') > 0)"

    return (f"SELECT {cols}, {flag(Receipt.Kind.READ)}, {flag(Receipt.Kind.ACK)}, {type_cols} "
            f"FROM {Directive._meta.db_table} d LEFT JOIN {ReportType._meta.db_table} t "
            f"ON t.id = d.required_report_type_id "
            f"WHERE d.target_path = ANY(%(paths)s::varchar[]) AND d.status = '{Directive.Status.PUBLISHED}' "
            f"AND d.author_id <> %(person)s "
            f"AND EXISTS (SELECT 1 FROM unnest(%(paths_k)s::varchar[], %(levels)s::varchar[], %(roles)s::varchar[], "
            f"%(teams)s::varchar[]) AS k(path, level, role, team) WHERE k.path = d.target_path "
            f"AND {allowed('levels', 'level')} AND {allowed('roles', 'role')} AND {allowed('teams', 'team')}) "
            f"ORDER BY d.priority DESC, d.published_at DESC, d.id DESC LIMIT %(limit)s")


def _inbox_pg(person, limit: int) -> list[Directive]:
    """The inbox as one prepared statement: building the ORM query cost more than running it,
    and a statement prepared once per connection is not planned again."""
    keys = {(path, k.level, k.role, k.team) for k in post_keys(person) for path in prefixes(k.unit_path)}
    if not keys:
        return []
    keys = sorted(keys)
    rows = prepared(_inbox_sql(), {
        "person": person.pk, "paths": sorted({k[0] for k in keys}), "paths_k": [k[0] for k in keys],
        "levels": [k[1] for k in keys], "roles": [k[2] for k in keys], "teams": [k[3] for k in keys],
        "limit": limit})
    names = [f.attname for f in _DIRECTIVE_FIELDS]
    type_names = [f.attname for f in _TYPE_FIELDS]
    n = len(names)
    items = []
    for row in rows:
        d = Directive.from_db(connection.alias, names, row[:n])
        d.is_read, d.is_acked = row[n], row[n + 1]
        d.required_report_type = (ReportType.from_db(connection.alias, type_names, row[n + 2:])
                                  if row[n + 2] is not None else None)
        items.append(d)
    return items


def inbox_updates(person, since: datetime | None) -> dict:
    """For the page's short poll: how many directives arrived after `since`, and the newest time."""
    qs = inbox_queryset(person)
    latest = qs.order_by("-published_at").values_list("published_at", flat=True).first()
    new = qs.filter(published_at__gt=since).count() if since is not None else 0
    return {"new": new, "latest": latest}


def directive_for(person, directive_id) -> Directive:
    """A directive the person may open, with their flags; 404 otherwise."""
    if not str(directive_id).isdigit():
        raise Http404
    d = get_visible_or_404(Directive.objects.select_related("target_unit__level", "author", "required_report_type"),
                           person, pk=directive_id)
    return _flag([d], person)[0]


def may_see_rollup(person, d: Directive, unit: Unit) -> bool:
    if not unit.path.startswith(d.target_path):
        return False
    return d.author_id == person.pk or paths.in_subtrees(unit.path, leading_roots(person))


def rollup_unit(person, d: Directive, unit_id=None) -> Unit:
    """The unit whose children the person looks at: by default the target if they may see it,
    else the highest unit they lead inside it. 404 when they may not see a roll-up there."""
    if unit_id in (None, ""):
        if d.author_id == person.pk or paths.in_subtrees(d.target_path, leading_roots(person)):
            unit_id = d.target_unit_id
        else:
            inside = [r for r in leading_roots(person) if r.startswith(d.target_path)]
            if not inside:
                raise Http404
            unit_id = paths.ancestor_ids(inside[0])[-1]
    unit = (Unit.objects.visible_to(person).select_related("level").filter(pk=unit_id).first()
            if str(unit_id).isdigit() else None)
    if unit is None or not may_see_rollup(person, d, unit):
        raise Http404
    return unit


@dataclass
class RollupRow:
    unit: Unit
    expected: int
    reads: int
    acks: int

    @property
    def read_pct(self) -> int:
        return round(100 * self.reads / self.expected) if self.expected else 0

    @property
    def ack_pct(self) -> int:
        return round(100 * self.acks / self.expected) if self.expected else 0


def rollup(d: Directive, unit: Unit) -> tuple[RollupRow, list[RollupRow]]:
    """The unit's own totals and one row per child unit, from the counter rows (two queries)."""
    counts = {c.unit_id: c for c in UnitCount.objects.filter(directive=d, parent_id=unit.pk)
              .only("unit_id", "expected", "reads", "acks")}
    own = UnitCount.objects.filter(directive=d, unit=unit).only("expected", "reads", "acks").first()
    rows = []
    for child in Unit.objects.filter(parent=unit).select_related("level").order_by("code", "name_en", "pk"):
        c = counts.get(child.pk)
        rows.append(RollupRow(child, c.expected if c else 0, c.reads if c else 0, c.acks if c else 0))
    total = RollupRow(unit, own.expected if own else 0, own.reads if own else 0, own.acks if own else 0)
    return total, rows


def people_at(d: Directive, unit: Unit, limit: int = 200) -> list:
    """Posts in the audience held at this very unit, with each person's read/ack flags and their
    acknowledgement's reply ("" when none)."""
    posts = list(Post.objects.filter(matching_posts_q(d), unit_path=unit.path)
                 .select_related("person").order_by("role", "person__name_hi", "pk")[:limit])
    kinds: dict[int, set[str]] = {}
    replies: dict[int, str] = {}
    for pid, kind, reply in Receipt.objects.filter(
            directive=d, person_id__in={p.person_id for p in posts}).values_list("person_id", "kind", "reply"):
        kinds.setdefault(pid, set()).add(kind)
        if kind == Receipt.Kind.ACK:
            replies[pid] = reply
    for p in posts:
        got = kinds.get(p.person_id, set())
        p.is_read, p.is_acked = Receipt.Kind.READ in got, Receipt.Kind.ACK in got
        p.reply = replies.get(p.person_id, "")
    return posts


REPLIES_SHOWN = 20


@dataclass
class Replies:
    total: int
    items: list  # Receipt rows, newest first, each with .person and .unit (their post's unit)


def replies(d: Directive, unit: Unit, limit: int | None = None) -> Replies:
    """The latest acknowledgement replies from people in the audience inside the unit's subtree
    (newest first), with how many there are in all: at most three queries (a partial index holds
    only the receipts with a reply, so a directive's many bare acknowledgements are not read)."""
    limit = limit or REPLIES_SHOWN
    posts = Post.objects.filter(matching_posts_q(d), subtree_q("unit_path", [unit.path]))
    qs = (Receipt.objects.filter(directive=d, kind=Receipt.Kind.ACK).exclude(reply="")
          .filter(Exists(posts.filter(person_id=OuterRef("person_id")))))
    items = list(qs.select_related("person").order_by("-at", "-pk")[:limit])
    total = qs.count() if len(items) == limit else len(items)
    unit_of: dict[int, Unit] = {}
    if items:
        for post in (posts.filter(person_id__in={r.person_id for r in items}).select_related("unit__level")
                     .order_by("unit_path", "pk")):
            unit_of.setdefault(post.person_id, post.unit)  # their highest post inside
    for r in items:
        r.unit = unit_of.get(r.person_id)
    return Replies(total, items)


def silent_counts(d: Directive, root_path: str):
    """Counter rows of units inside root_path that are below the threshold."""
    done = "acks" if d.requires_ack else "reads"
    return (UnitCount.objects.in_subtree(root_path, include_self=False).filter(directive=d, expected__gt=0)
            .alias(done100=F(done) * 100).filter(done100__lt=F("expected") * silent_below_percent()))


SILENT_PAGE_SIZE = 50


@dataclass
class SilentGroup:
    """Silent units with one parent, and the units from below the page's unit down to that parent."""

    path: list[Unit]
    rows: list[RollupRow]


@dataclass
class SilentSection:
    """The silent units of one depth on this page, with how many that depth has in all."""

    depth: int
    total: int
    groups: list[SilentGroup]

    @property
    def level_names(self) -> str:
        return " / ".join(dict.fromkeys(r.unit.level.name for g in self.groups for r in g.rows))


@dataclass
class SilentPage:
    number: int
    pages: int
    total: int
    levels: list[tuple[str, int, int]]  # per depth, highest first: (level names, how many, first page)
    sections: list[SilentSection]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw) -> int:
    """A ?page= value as a page number from 1; anything else (text, 0, negative, huge) is 1."""
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) > 0 else 1


def silent_units(d: Directive, root: Unit, page: int = 1, size: int | None = None) -> SilentPage:
    """Silent units below `root`, higher ones first and in tree order at each depth, `size` a page
    (a page past the last shows the first), grouped by depth and then by parent, each group with
    the units from below `root` down to its parent (names in the reader's language): three
    queries (the counts per depth and level, the page, the units above the page's)."""
    size = size or SILENT_PAGE_SIZE
    qs = silent_counts(d, root.path)
    counts = list(qs.order_by().values_list("depth", "unit__level__rank", "unit__level__name_hi",
                                            "unit__level__name_en").annotate(n=Count("id")))
    per_depth: dict[int, int] = {}
    names_at: dict[int, dict[tuple[int, str], None]] = {}
    for depth, rank, name_hi, name_en, n in sorted(counts):
        per_depth[depth] = per_depth.get(depth, 0) + n
        names_at.setdefault(depth, {})[(rank, pick(name_hi, name_en))] = None
    total = sum(per_depth.values())
    pages = max(1, -(-total // size))
    page = page if 1 <= page <= pages else 1
    rows = list(qs.select_related("unit__level").order_by("depth", "unit_path")[(page - 1) * size:page * size])
    top = paths.depth(root.path)
    chain_ids = {c.pk: paths.ancestor_ids(c.unit_path)[top + 1:-1] for c in rows}
    above = {i for ids in chain_ids.values() for i in ids}
    units = Unit.objects.in_bulk(above) if above else {}
    sections: list[SilentSection] = []
    for c in rows:
        if not sections or sections[-1].depth != c.depth:
            sections.append(SilentSection(c.depth, per_depth.get(c.depth, 0), []))
        groups = sections[-1].groups
        if not groups or groups[-1].rows[-1].unit.parent_id != c.unit.parent_id:
            groups.append(SilentGroup([units[i] for i in chain_ids[c.pk] if i in units] or [root], []))
        groups[-1].rows.append(RollupRow(c.unit, c.expected, c.reads, c.acks))
    levels, before = [], 0
    for depth in sorted(per_depth):
        levels.append((" / ".join(name for _rank, name in names_at[depth]), per_depth[depth], before // size + 1))
        before += per_depth[depth]
    return SilentPage(page, pages, total, levels, sections)


def audience_keys(person, d: Directive):
    """The person's posts in the directive's audience (empty when outside it)."""
    from sampark.directives.audience import matches, post_keys

    return [k for k in post_keys(person) if matches(d, k)]


def leads_inside(person, d: Directive) -> bool:
    """True when the person leads the target, a unit above it, or a unit inside it."""
    return any(r.startswith(d.target_path) or d.target_path.startswith(r) for r in leading_roots(person))


def report_link(person, d: Directive) -> str | None:
    """Where the reader records the directive's required action: the report form for its type and
    the reader's unit in the audience (their deepest such post). None when no report is asked."""
    from urllib.parse import urlencode

    from django.urls import reverse

    t = d.required_report_type
    if t is None:
        return None
    keys = sorted(audience_keys(person, d), key=lambda k: len(k.unit_path), reverse=True)
    query = {"type": t.code}
    if keys:
        unit_id = paths.ancestor_ids(keys[0].unit_path)[-1]
        query["unit"] = unit_id
    return reverse("reports:new") + "?" + urlencode(query)


def report_sent(person, d: Directive) -> bool:
    """Whether the reader's unit in the audience (their deepest such post, as report_link) has sent
    the report the directive asked for (report_status's rule)."""
    from sampark.directives.report_status import asks_report, unit_has_sent

    keys = sorted(audience_keys(person, d), key=lambda k: len(k.unit_path), reverse=True)
    if not keys or not asks_report(d):
        return False
    path = keys[0].unit_path
    return unit_has_sent(d, Unit(pk=paths.ancestor_ids(path)[-1], path=path))
