"""Vacancies: the post plan ("every booth: a social-media worker") and, per unit and plan item, how
many units of the item's level lie in the unit's subtree (``planned``) and how many of them lack
an active post that fills it (``empty``).

The counters are kept right as things happen, like ``Unit.member_count``:

- a post given or ended (``post_changed``, one call in people.services ``_give_post`` and
  ``end_post``): the unit's own row says whether it was empty; when that flips, one UPDATE adds
  ±1 to the rows of the unit and all its ancestors. The unit's row is locked first, so two
  requests filling the same booth at once count it once;
- a unit created (org.signals.unit_created): a row for it (planned 1, empty 1) and +1/+1 up the path;
- a subtree moved (org.signals.subtree_moved): its rows' paths are rewritten and its totals taken
  from the old ancestors and given to the new ones;
- a plan item added: its rows are built by ``rebuild_vacancies`` for that item; removed: its rows go.

``rebuild_vacancies`` recomputes everything in set-based SQL (after the demo load, or as a repair):
one INSERT ... SELECT for the units at each item's level, then one per depth folding them up the
paths. A row exists only where ``planned`` > 0.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.locks import tree_lock
from sampark.core.text import clean
from sampark.core.visibility import leading_roots
from sampark.org.models import Level, Unit
from sampark.org.services import rewrite_paths
from sampark.people.models import Post, PostPlan, Role, UnitVacancy
from sampark.people.teams import is_team

# The first post plan (the migration installs it): every booth a head and a social-media worker,
# every mandal a coordinator of any team. (level code, role, team, label hi, label en, missing hi, missing en)
DEFAULT_PLAN = [
    ("booth", "head", "organisation", "बूथ अध्यक्ष", "booth head", "बूथों पर अध्यक्ष नहीं", "booths without a head"),
    ("booth", "worker", "social_media", "बूथ सोशल मीडिया कार्यकर्ता", "booth social-media worker",
     "बूथों पर सोशल मीडिया कार्यकर्ता नहीं", "booths without a social-media worker"),
    ("mandal", "coordinator", "", "मंडल संयोजक", "mandal coordinator", "मंडलों में संयोजक नहीं",
     "mandals without a coordinator"),
]
LABEL_MAX = 120
MISSING_MAX = 160


class PlanError(ValueError):
    """A refused change of the plan; the message is for the user. ``errors``: field -> message;
    ``status``: the HTTP code (404 for someone who may not change the plan)."""

    def __init__(self, message: str, errors: dict | None = None, status: int = 422):
        super().__init__(message)
        self.errors = errors or {}
        self.status = status


# --- the counters, kept as things happen ------------------------------------------------------------

def _add(unit_ids: list[int], plan_id: int, *, planned: int = 0, empty: int = 0) -> None:
    if unit_ids and (planned or empty):
        _add_each(unit_ids, {plan_id: (planned, empty)})


def _add_each(unit_ids: list[int], deltas: dict[int, tuple[int, int]]) -> None:
    """Add {plan item: (planned, empty)} to those items' rows of the units: one UPDATE."""
    if not unit_ids or not deltas:
        return

    def by_item(i: int):
        return Case(*[When(plan_id=p, then=Value(d[i])) for p, d in deltas.items()], default=Value(0),
                    output_field=IntegerField())

    UnitVacancy.objects.filter(unit_id__in=unit_ids, plan_id__in=list(deltas)).update(
        planned=F("planned") + by_item(0), empty=F("empty") + by_item(1))


def _ensure_rows(path: str, plan_ids: int | list[int]) -> None:
    """Rows (at zero) for the units on ``path`` that have none for the items yet (two queries)."""
    plan_ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    ids = paths.ancestor_ids(path)
    have = set(UnitVacancy.objects.filter(unit_id__in=ids, plan_id__in=plan_ids).values_list("unit_id", "plan_id"))
    missing = [UnitVacancy(unit_id=uid, plan_id=p, unit_path=path[:paths.SEGMENT * (i + 1)])
               for p in plan_ids for i, uid in enumerate(ids) if (uid, p) not in have]
    if missing:
        UnitVacancy.objects.bulk_create(missing, ignore_conflicts=True)  # a concurrent request may add one too


def _fills(plan_team: str) -> dict:
    return {"team": plan_team} if plan_team else {}


def post_changed(post: Post) -> None:
    """A post became active or ended (inside that transaction): correct the vacancies of the plan
    items it may fill, at its unit and above."""
    plans = list(PostPlan.objects.filter(level__units__pk=post.unit_id, role=post.role, team__in=[post.team, ""])
                 .order_by("pk").values_list("pk", "team"))
    for plan_id, team in plans:
        row = (UnitVacancy.objects.select_for_update().filter(unit_id=post.unit_id, plan_id=plan_id)
               .values_list("empty", flat=True).first())
        if row is None:  # not counted yet (the item is being built): the rebuild will see the post
            continue
        filled = Post.objects.filter(unit_id=post.unit_id, role=post.role, active=True, **_fills(team)).exists()
        delta = (0 if filled else 1) - row
        if delta:
            _add(paths.ancestor_ids(post.unit_path), plan_id, empty=delta)


def on_unit_created(sender, unit, **kwargs) -> None:  # noqa: ARG001
    """A new unit (org.signals.unit_created, inside create_unit's transaction) has no posts yet:
    each item of its level gains one planned, empty unit here and above."""
    for plan_id in PostPlan.objects.filter(level_id=unit.level_id).order_by("pk").values_list("pk", flat=True):
        _ensure_rows(unit.path, plan_id)
        _add(paths.ancestor_ids(unit.path), plan_id, planned=1, empty=1)
        UnitVacancy.objects.filter(unit_id=unit.pk, plan_id=plan_id).update(leaf=True)


def on_subtree_moved(sender, unit, old_path: str, new_path: str, new_parent, **kwargs) -> None:  # noqa: ARG001
    """A subtree moved (inside move_unit's transaction, its units' paths already rewritten): the
    rows follow, and its totals leave the old ancestors for the new ones."""
    rewrite_paths(UnitVacancy, "unit_path", old_path, new_path)
    old_above = paths.ancestor_ids(old_path)[:-1]
    new_above = paths.ancestor_ids(new_path)[:-1]
    shared = 0
    while shared < min(len(old_above), len(new_above)) and old_above[shared] == new_above[shared]:
        shared += 1
    leaving, joining = old_above[shared:], new_above[shared:]
    totals = {p: (planned, empty) for p, planned, empty in
              UnitVacancy.objects.filter(unit_id=unit.pk).values_list("plan_id", "planned", "empty")}
    if not totals:
        return
    _add_each(leaving, {p: (-planned, -empty) for p, (planned, empty) in totals.items()})
    UnitVacancy.objects.filter(unit_id__in=leaving, planned=0).delete()
    _ensure_rows(new_path[:-paths.SEGMENT], list(totals))
    _add_each(joining, totals)


# --- the whole count, in SQL ------------------------------------------------------------------------

@transaction.atomic
def rebuild_vacancies(plan_ids: list[int] | None = None) -> int:
    """Recompute the counters of the given plan items (all when None) from the units and posts;
    returns the rows written. Set-based: one statement for the units at the items' levels and one
    per depth above them, so a million booths are a few full-table passes, not a million queries."""
    tree_lock(exclusive=True)  # no post given or ended, no unit created or moved, meanwhile
    vac, unit, post, plan = (UnitVacancy._meta.db_table, Unit._meta.db_table, Post._meta.db_table,
                             PostPlan._meta.db_table)
    only, args = "", []
    if plan_ids is not None:
        if not plan_ids:
            return 0
        only = f" AND plan_id IN ({', '.join(['%s'] * len(plan_ids))})"
        args = list(plan_ids)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {vac} WHERE 1 = 1{only}", args)
        cur.execute(
            f"INSERT INTO {vac} (unit_id, plan_id, unit_path, leaf, planned, empty) "
            f"SELECT u.id, p.id, u.path, %s, 1, CASE WHEN EXISTS (SELECT 1 FROM {post} s WHERE s.unit_id = u.id "
            f"AND s.active AND s.role = p.role AND (p.team = '' OR s.team = p.team)) THEN 0 ELSE 1 END "
            f"FROM {plan} p JOIN {unit} u ON u.level_id = p.level_id WHERE 1 = 1{only.replace('plan_id', 'p.id')}",
            [True, *args])
        written = cur.rowcount
        cur.execute(f"SELECT MAX(LENGTH(unit_path)) FROM {vac} WHERE leaf{only}", args)
        longest = cur.fetchone()[0] or 0
        for n in range(paths.SEGMENT, longest, paths.SEGMENT):
            cur.execute(
                f"INSERT INTO {vac} (unit_id, plan_id, unit_path, leaf, planned, empty) "
                f"SELECT a.id, g.plan_id, a.path, %s, g.planned, g.empty FROM ("
                f"SELECT SUBSTR(unit_path, 1, %s) AS above, plan_id, COUNT(*) AS planned, SUM(empty) AS empty "
                f"FROM {vac} WHERE leaf AND LENGTH(unit_path) > %s{only} GROUP BY SUBSTR(unit_path, 1, %s), plan_id"
                f") g JOIN {unit} a ON a.path = g.above",
                [False, n, n, *args, n])
            written += cur.rowcount
    return written


def ensure_default_plan() -> None:
    """Put the first plan back if the table was emptied (a flushed test database), counted."""
    if PostPlan.objects.exists():
        return
    levels = {lv.code: lv for lv in Level.objects.all()}
    PostPlan.objects.bulk_create([
        PostPlan(level=levels[code], role=role, team=team, label_hi=lh, label_en=le, missing_hi=mh, missing_en=me)
        for code, role, team, lh, le, mh, me in DEFAULT_PLAN if code in levels])
    rebuild_vacancies()


def recount() -> dict[tuple[int, int], tuple[int, int]]:
    """The counters computed afresh in Python, {(unit, plan): (planned, empty)} where planned > 0:
    a check for the incremental ones (tests) and the SQL rebuild."""
    plans = list(PostPlan.objects.values_list("pk", "level_id", "role", "team"))
    filled = set()
    for unit_id, role, team in Post.objects.filter(active=True).values_list("unit_id", "role", "team"):
        filled.add((unit_id, role, team))
        filled.add((unit_id, role, ""))
    out: dict = defaultdict(lambda: [0, 0])
    for unit_id, path, level_id in Unit.objects.values_list("pk", "path", "level_id"):
        for plan_id, plan_level, role, team in plans:
            if plan_level != level_id:
                continue
            empty = 0 if (unit_id, role, team) in filled else 1
            for above in paths.ancestor_ids(path):
                out[(above, plan_id)][0] += 1
                out[(above, plan_id)][1] += empty
    return {k: (v[0], v[1]) for k, v in out.items()}


def counters() -> dict[tuple[int, int], tuple[int, int]]:
    """The stored counters in the same shape as ``recount``."""
    return {(u, p): (planned, empty) for u, p, planned, empty in
            UnitVacancy.objects.filter(planned__gt=0).values_list("unit_id", "plan_id", "planned", "empty")}


# --- the plan, edited by the Centre's leaders -------------------------------------------------------

def may_plan(person) -> bool:
    """Those who lead a top unit of the tree (the Centre) set the post plan."""
    return any(paths.depth(r) == 0 for r in leading_roots(person))


def _snapshot(p: PostPlan) -> dict:
    return {"level": p.level_id, "role": p.role, "team": p.team, "label_hi": p.label_hi, "label_en": p.label_en,
            "missing_hi": p.missing_hi, "missing_en": p.missing_en}


@transaction.atomic
def add_plan_item(actor, *, level: str, role: str, team: str = "", label_hi: str = "", label_en: str = "",
                  missing_hi: str = "", missing_en: str = "") -> PostPlan:
    """Add an item to the post plan (``level`` is a level's code) and count its vacancies."""
    if not may_plan(actor):
        raise PlanError(_("Only the Centre's leaders may change the post plan."), status=404)
    errors = {}
    found = Level.objects.filter(code=str(level)).first()
    if found is None:
        errors["level"] = _("Unknown level.")
    if role not in Role.values:
        errors["role"] = _("Unknown role.")
    if team and not is_team(team):
        errors["team"] = _("Unknown team.")
    label_hi, label_en, missing_hi, missing_en = (clean(x or "") for x in (label_hi, label_en, missing_hi, missing_en))
    if not (label_hi or label_en):
        errors["label_hi"] = _("Name the post in Hindi or English.")
    if max(len(label_hi), len(label_en)) > LABEL_MAX:
        errors["label_hi"] = _("A post's name may have at most {n} characters.").format(n=LABEL_MAX)
    if max(len(missing_hi), len(missing_en)) > MISSING_MAX:
        errors["missing_hi"] = _("The vacancy wording may have at most {n} characters.").format(n=MISSING_MAX)
    if not errors and PostPlan.objects.filter(level=found, role=role, team=team).exists():
        errors["role"] = _("The plan already has this post at this level.")
    if errors:
        raise PlanError(next(iter(errors.values())), errors)
    item = PostPlan.objects.create(level=found, role=role, team=team, label_hi=label_hi, label_en=label_en,
                                   missing_hi=missing_hi, missing_en=missing_en)
    rebuild_vacancies([item.pk])
    audit.record(actor, "post_plan.add", item, after=_snapshot(item))
    return item


@transaction.atomic
def remove_plan_item(actor, item: PostPlan) -> None:
    if not may_plan(actor):
        raise PlanError(_("Only the Centre's leaders may change the post plan."), status=404)
    item = PostPlan.objects.select_for_update().filter(pk=item.pk).first()
    if item is None:
        return  # already removed (a retried request)
    before = _snapshot(item)
    audit.record(actor, "post_plan.remove", item, before=before)
    item.delete()  # its vacancy rows go with it


# --- reading them -----------------------------------------------------------------------------------

@dataclass
class Line:
    plan: PostPlan
    planned: int
    empty: int

    @property
    def share(self) -> float:
        return self.empty / self.planned if self.planned else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class ChildLine:
    unit: Unit
    lines: list[Line]

    @property
    def planned(self) -> int:
        return sum(line.planned for line in self.lines)

    @property
    def empty(self) -> int:
        return sum(line.empty for line in self.lines)

    @property
    def share(self) -> float:
        return self.empty / self.planned if self.planned else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def plan_items() -> list[PostPlan]:
    return list(PostPlan.objects.select_related("level").order_by("level__rank", "pk"))


def unit_lines(unit: Unit) -> list[Line]:
    """The unit's vacancies, one line per plan item with units of its level below (one query)."""
    rows = (UnitVacancy.objects.filter(unit_id=unit.pk).select_related("plan__level")
            .order_by("plan__level__rank", "plan_id"))
    return [Line(r.plan, r.planned, r.empty) for r in rows]


def children_lines(unit: Unit, lines: list[Line] | None = None) -> list[ChildLine]:
    """The unit's children with their vacancies, the largest empty share first (two queries, and
    one for the plan unless the unit's ``lines`` are given)."""
    plans = {li.plan.pk: li.plan for li in (unit_lines(unit) if lines is None else lines)}
    below = Unit.objects.filter(parent_id=unit.pk)
    rows = (UnitVacancy.objects.filter(unit_id__in=below.values("pk"))
            .values_list("unit_id", "plan_id", "planned", "empty"))
    by_unit: dict[int, list[Line]] = defaultdict(list)
    for unit_id, plan_id, planned, empty in rows:
        if plan_id in plans:
            by_unit[unit_id].append(Line(plans[plan_id], planned, empty))
    if not by_unit:
        return []
    order = {pk: i for i, pk in enumerate(plans)}
    units = below.filter(pk__in=list(by_unit)).select_related("level").in_bulk()
    ranked = [ChildLine(units[pk], sorted(found, key=lambda li: order[li.plan.pk])) for pk, found in by_unit.items()]
    ranked.sort(key=lambda c: (-c.share, -c.empty, c.unit.pk))
    return ranked


def empty_units(unit: Unit, plan: PostPlan, *, offset: int = 0, limit: int = 50) -> list[Unit]:
    """Units of the item's level in the subtree without a post filling it, in path order (one range
    of a partial index holding only such rows)."""
    lo, hi = paths.subtree_range(unit.path)
    rows = (UnitVacancy.objects.filter(plan=plan, leaf=True, empty__gt=0, unit_path__gte=lo, unit_path__lt=hi)
            .select_related("unit__level", "unit__parent__parent__parent").order_by("unit_path")[offset:offset + limit])
    return [r.unit for r in rows]


def unit_block(unit: Unit, children: list[Unit], shown: int = 10) -> dict:
    """What a unit's page shows: its lines and its children (already read by the page), the most
    vacant first, from one query for the unit's and the children's rows."""
    rows = list(UnitVacancy.objects.filter(unit_id__in=[unit.pk, *(c.pk for c in children)])
                .select_related("plan__level").order_by("plan__level__rank", "plan_id"))
    lines = [Line(r.plan, r.planned, r.empty) for r in rows if r.unit_id == unit.pk]
    by_unit: dict[int, list[Line]] = defaultdict(list)
    for r in rows:
        if r.unit_id != unit.pk:
            by_unit[r.unit_id].append(Line(r.plan, r.planned, r.empty))
    kids = [ChildLine(c, by_unit[c.pk]) for c in children if c.pk in by_unit]
    kids.sort(key=lambda c: (-c.share, -c.empty, c.unit.pk))
    return {"vacancy_lines": lines, "vacancy_children": kids[:shown], "vacancy_more": max(0, len(kids) - shown)}


def attention(units: list[Unit], lines: int = 2) -> list[tuple[Unit, Line]]:
    """For a leader's home page: the items with most empty units where they lead (one query)."""
    if not units:
        return []
    rows = (UnitVacancy.objects.filter(unit_id__in=[u.pk for u in units], empty__gt=0).select_related("plan")
            .order_by("-empty", "plan_id")[:lines])
    by_id = {u.pk: u for u in units}
    return [(by_id[r.unit_id], Line(r.plan, r.planned, r.empty)) for r in rows]
