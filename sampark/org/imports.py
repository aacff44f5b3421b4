"""Bulk import of units (here) and people (sampark.people.imports, registered as a kind) from a CSV
or Excel (.xlsx) file: all rows or none.

Shapes (the header row names the columns, in any order; columns other than these are an error):

* units: ``level,code,name_hi,name_en,parent_level,parent_code``
* people: ``phone,name_hi,name_en,lang,unit_level,unit_code,role,team``

How a file is taken in:

1. Read: every cell cleaned (NFC, spaces); empty rows skipped; at most ``io.MAX_ROWS`` rows and
   ``io.MAX_BYTES`` bytes. A leading apostrophe that an export put before ``= + - @`` is dropped.
2. Plan: every row is checked against the database and the rows above it, and each problem is
   noted with its row number, column and reason; nothing is written. A level is its code or its
   Hindi or English name. A unit is named by ``#<id>`` (Sampark's own number, which exports write
   for units without a code), by its code at that level, or by a name unique at that level within
   the importer's reach. A parent may be a unit created by an earlier row of the same file.
3. Apply, only when no row has a problem and this is not a check: through the services (each
   writes its own audit row), in one transaction, plus one audit row for the import as a whole.

Matching, so that importing the same file twice changes nothing: a unit row matches an existing
unit by ``#id``, by (level, code), or by parent and name (Hindi, or English ignoring case); a
person by phone; a post by (person, unit, role, team). Empty cells leave existing values as they
are. Import never moves a unit to another parent.

Reach: an importer changes only what lies inside the subtrees where they hold a leading post. A
row naming a unit outside gets the same message as a unit that does not exist. A person's names
and language are changed only when all their posts lie inside the importer's reach; otherwise the
row may still give them a post inside it. A person who is a member only outside the reach is
never taken: the row reads like a new person's and, applied, asks for a transfer that a leader
above both places decides (sampark.people.imports tells how).
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.text import ascii_digits, clean
from sampark.core.visibility import leading_roots
from sampark.org.io import FileProblem, RowError, read_table
from sampark.org.models import Level, Unit
from sampark.org.services import CODE_MAX, NAME_MAX, TreeError, create_unit, rename_unit

__all__ = ["FileProblem", "ImportResult", "RowError", "import_file", "register_importer"]

CHUNK = 500

def word_key(value: str) -> str:
    return clean(value).casefold().replace(" ", "").replace("-", "").replace("_", "")


def unknown_unit() -> str:
    return _("Unknown unit, or outside the part of the organisation you lead.")


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    transfers: int = 0  # rows applied as transfer requests (not counted as created)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class ImportAborted(Exception):
    """Roll the whole import back."""


class Planner:
    """Shared by every kind: the importer's reach, levels, and finding the units a file names. A kind
    subclasses it with ``plan(rows)``, ``count(plans, result)`` and ``apply(plans)``."""

    def __init__(self, actor):
        self.actor = actor
        self.roots = leading_roots(actor)
        self.errors: list[RowError] = []
        self.levels: dict[str, Level] = {}
        self.level_codes = []
        for level in Level.objects.order_by("rank"):
            self.level_codes.append(level.code)
            for word in (level.code, level.name_hi, level.name_en):
                if word:
                    self.levels.setdefault(word_key(word), level)
        self.by_code: dict[tuple[int, str], Unit] = {}
        self.by_id: dict[int, Unit] = {}
        self._by_name: dict[tuple[int, str], list[Unit]] = {}
        # Units planned by earlier rows of a units file, by (level id, code) and by (level id, name).
        self.file_codes: dict[tuple[int, str], object] = {}
        self.file_names: dict[tuple[int, str], list] = {}

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def reaches(self, unit: Unit) -> bool:
        return paths.in_subtrees(unit.path, self.roots)

    def level(self, line: int, column: str, value: str) -> Level | None:
        if not value:
            self.error(line, column, _("Give the level."))
            return None
        level = self.levels.get(word_key(value))
        if level is None:
            self.error(line, column, _("Unknown level. The levels are: {levels}").format(
                levels=", ".join(self.level_codes)))
        return level

    def preload(self, codes: set[str]) -> None:
        """Fetch at once every unit whose code or #id the file mentions (chunks keep SQL short)."""
        ids = {int(c[1:]) for c in codes if self._is_id(c)}
        plain = sorted(c for c in codes if c and not c.startswith("#"))
        for i in range(0, len(plain), CHUNK):
            for unit in Unit.objects.filter(code__in=plain[i:i + CHUNK]).select_related("level"):
                self.by_code[(unit.level_id, unit.code)] = unit
        id_list = sorted(ids)
        for i in range(0, len(id_list), CHUNK):
            self.by_id.update(Unit.objects.select_related("level").in_bulk(id_list[i:i + CHUNK]))

    @staticmethod
    def _is_id(ref: str) -> bool:
        return ref.startswith("#") and ascii_digits(ref[1:]).isdigit() and len(ref) < 20

    def by_ref(self, level: Level, ref: str) -> Unit | None:
        """The unit named by '#id' inside the reach at this level, else None."""
        if not self._is_id(ref):
            return None
        unit = self.by_id.get(int(ascii_digits(ref[1:])))
        if unit is None or unit.level_id != level.pk or not self.reaches(unit):
            return None
        return unit

    def find(self, line: int, column: str, level: Level, ref: str):
        """The unit (or earlier row's planned unit) a reference names; None after noting the error."""
        if ref.startswith("#"):
            unit = self.by_ref(level, ref)
            if unit is None:
                self.error(line, column, unknown_unit())
            return unit
        planned = self.file_codes.get((level.pk, ref))
        if planned is not None:
            return planned.unit or planned  # an earlier row's existing unit, or its unit to be created
        unit = self.by_code.get((level.pk, ref))
        if unit is not None:
            if self.reaches(unit):
                return unit
            self.error(line, column, unknown_unit())
            return None
        # Not a code: a name unique at this level among earlier rows and units within reach.
        key = (level.pk, word_key(ref))
        if key not in self._by_name:
            self._by_name[key] = list(
                Unit.objects.in_subtrees(self.roots).filter(level=level)
                .filter(Q(name_hi=ref) | Q(name_en__iexact=ref)).select_related("level")[:2])
        found = {("unit", u.pk): u for u in self._by_name[key]}
        for planned in self.file_names.get(key, []):
            target = planned.unit or planned
            found[("unit", target.pk) if planned.unit else ("row", planned.line)] = target
        found = list(found.values())
        if len(found) == 1:
            return found[0]
        if found:
            self.error(line, column, _("Several units at this level have this name. Use the unit's code."))
        else:
            self.error(line, column, unknown_unit())
        return None


# --- units ------------------------------------------------------------------------------------

@dataclass
class UnitPlan:
    line: int
    level: Level
    name_hi: str
    name_en: str
    code: str
    parent: object = None  # a Unit, or the UnitPlan of an earlier row
    unit: Unit | None = None  # the existing unit; after apply, the created one too
    action: str = "unchanged"


class UnitImport(Planner):
    def __init__(self, actor):
        super().__init__(actor)
        self._children: dict[int, list[Unit]] = {}
        self.file_units: dict[int, int] = {}  # existing unit id -> line that names it

    def children(self, parent: Unit) -> list[Unit]:
        if parent.pk not in self._children:
            self._children[parent.pk] = list(Unit.objects.filter(parent=parent).select_related("level"))
        return self._children[parent.pk]

    def plan(self, rows) -> list[UnitPlan]:
        self.preload({r["code"] for _l, r in rows} | {r["parent_code"] for _l, r in rows})
        plans = []
        for line, row in rows:
            before = len(self.errors)
            plan = self._plan_row(line, row)
            if plan is not None and len(self.errors) == before:
                plans.append(plan)
        return plans

    def _names(self, line, row) -> tuple[str, str, str] | None:
        name_hi, name_en, code = row["name_hi"], row["name_en"], row["code"]
        ok = True
        for col, value, limit in (("name_hi", name_hi, NAME_MAX), ("name_en", name_en, NAME_MAX),
                                  ("code", code, CODE_MAX)):
            if len(value) > limit:
                self.error(line, col, _("At most {n} characters.").format(n=limit))
                ok = False
        return (name_hi, name_en, code) if ok else None

    def _plan_row(self, line: int, row: dict) -> UnitPlan | None:
        level = self.level(line, "level", row["level"])
        names = self._names(line, row)
        parent = None
        parent_level, parent_code = row["parent_level"], row["parent_code"]
        if parent_level or parent_code:
            plevel = self.level(line, "parent_level", parent_level)
            if not parent_code:
                self.error(line, "parent_code", _("Give the parent's code or name."))
            elif plevel is not None:
                parent = self.find(line, "parent_code", plevel, parent_code)
                if parent is None:
                    return None
        if level is None or names is None or ((parent_level or parent_code) and parent is None):
            return None
        name_hi, name_en, code = names
        plan = UnitPlan(line, level, name_hi, name_en, code, parent=parent)
        existing = self._match(plan)
        if existing is False:
            return None
        if existing is not None:
            return self._plan_change(plan, existing)
        return self._plan_create(plan)

    def _match(self, plan: UnitPlan):
        """The existing unit a row describes, None for a new one, False after noting an error."""
        line, level, code, parent = plan.line, plan.level, plan.code, plan.parent
        if code.startswith("#"):
            unit = self.by_ref(level, code)
            if unit is None:
                self.error(line, "code", unknown_unit())
                return False
            return unit
        if code:
            if (level.pk, code) in self.file_codes:
                self.error(line, "code", _("Row {n} already has this code.").format(
                    n=self.file_codes[(level.pk, code)].line))
                return False
            unit = self.by_code.get((level.pk, code))
            if unit is not None:
                if not self.reaches(unit):
                    self.error(line, "code", unknown_unit())
                    return False
                return unit
        if parent is None:
            if not code:
                self.error(line, "parent_code", _("Give the parent of a new unit, or the unit's code."))
            else:
                self.error(line, "parent_code", _("Give the parent of a new unit."))
            return False
        names = {word_key(n) for n in (plan.name_hi, plan.name_en) if n}
        if not names:
            return None  # a new unit without a name: _plan_create says so
        for name in names:
            for other in self.file_names.get((level.pk, name), []):
                if other.parent is parent:
                    self.error(line, "name_hi" if plan.name_hi else "name_en",
                               _("Row {n} already describes a unit with this name here.").format(n=other.line))
                    return False
        if isinstance(parent, UnitPlan):
            return None
        same = [u for u in self.children(parent) if u.level_id == level.pk
                and (not code or not u.code)  # a coded row only takes over a unit that has no code yet
                and ((plan.name_hi and u.name_hi == plan.name_hi)
                     or (plan.name_en and u.name_en.casefold() == plan.name_en.casefold()))]
        if len(same) > 1:
            self.error(line, "name_hi" if plan.name_hi else "name_en",
                       _("Several units here have this name. Give the unit's code."))
            return False
        return same[0] if same else None

    def _register(self, plan: UnitPlan, code: str) -> None:
        if code:
            self.file_codes[(plan.level.pk, code)] = plan
        for name in {word_key(n) for n in (plan.name_hi, plan.name_en) if n}:
            self.file_names.setdefault((plan.level.pk, name), []).append(plan)

    def _plan_change(self, plan: UnitPlan, unit: Unit) -> UnitPlan | None:
        line = plan.line
        if unit.pk in self.file_units:
            self.error(line, "code", _("Row {n} already describes this unit.").format(n=self.file_units[unit.pk]))
            return None
        if plan.parent is not None and (not isinstance(plan.parent, Unit) or plan.parent.pk != unit.parent_id):
            self.error(line, "parent_code", _("This unit already exists under another parent. "
                                              "Import does not move units."))
            return None
        if unit.level_id != plan.level.pk:
            self.error(line, "level", _("This unit is at another level."))
            return None
        new_code = unit.code if (not plan.code or plan.code.startswith("#")) else plan.code
        if new_code != unit.code:
            holder = self.by_code.get((plan.level.pk, new_code))
            if holder is not None and holder.pk != unit.pk:
                self.error(line, "code", _("Another unit at this level already has the code {code}.").format(
                    code=new_code) if self.reaches(holder) else unknown_unit())
                return None
        plan.unit = unit
        plan.name_hi = plan.name_hi or unit.name_hi
        plan.name_en = plan.name_en or unit.name_en
        plan.code = new_code
        if (plan.name_hi, plan.name_en, plan.code) != (unit.name_hi, unit.name_en, unit.code):
            plan.action = "update"
        self.file_units[unit.pk] = line
        self._register(plan, new_code)
        return plan

    def _plan_create(self, plan: UnitPlan) -> UnitPlan | None:
        line, parent = plan.line, plan.parent
        ok = True
        if not (plan.name_hi or plan.name_en):
            self.error(line, "name_hi", _("A unit needs a name in Hindi or English."))
            ok = False
        if plan.level.rank <= parent.level.rank:
            self.error(line, "level", _("A unit must sit at a lower level than its parent."))
            ok = False
        if not ok:
            return None
        plan.action = "create"
        self._register(plan, plan.code)
        return plan

    def apply(self, plans: list[UnitPlan]) -> None:
        for plan in plans:
            try:
                if plan.action == "create":
                    parent = plan.parent.unit if isinstance(plan.parent, UnitPlan) else plan.parent
                    plan.unit = create_unit(self.actor, parent=parent, level=plan.level, name_hi=plan.name_hi,
                                            name_en=plan.name_en, code=plan.code)
                elif plan.action == "update":
                    plan.unit = rename_unit(self.actor, plan.unit, name_hi=plan.name_hi, name_en=plan.name_en,
                                            code=plan.code)
            except TreeError as exc:
                self.error(plan.line, "", str(exc))
                raise ImportAborted from exc

    @staticmethod
    def count(plans: list[UnitPlan], result: ImportResult) -> None:
        for plan in plans:
            if plan.action == "create":
                result.created += 1
            elif plan.action == "update":
                result.updated += 1
            else:
                result.unchanged += 1


# --- the entry point --------------------------------------------------------------------------

# The kinds a file may hold; apps above this one add theirs (the people app: "people").
IMPORTERS: dict[str, type[Planner]] = {"units": UnitImport}


def register_importer(kind: str, importer: type[Planner]) -> None:
    IMPORTERS[kind] = importer


def import_file(actor, kind: str, name: str, data: bytes, *, dry_run: bool = False,
                max_rows: int | None = None) -> ImportResult:
    """Check a whole file, then (unless ``dry_run`` or any row is bad) apply it in one transaction.
    Raises ``FileProblem`` when the file as a whole cannot be read or has more than ``max_rows``
    rows (at most ``io.MAX_ROWS``). Every row is applied through the services with its audit rows,
    which is slow per row, so pages pass a smaller ``max_rows`` than the command line."""
    if kind not in IMPORTERS:
        raise ValueError(kind)
    table = read_table(kind, name, data, max_rows)
    result = ImportResult(kind=kind, file_name=name, dry_run=dry_run, rows=len(table.rows))
    if table.errors and not table.rows:
        result.errors = table.errors
        return result
    importer = IMPORTERS[kind](actor)
    importer.errors = list(table.errors)
    try:
        with nullcontext() if dry_run else transaction.atomic():
            plans = importer.plan(table.rows)
            if importer.errors:
                raise ImportAborted
            importer.count(plans, result)
            if dry_run or not result.changed:
                return result
            importer.apply(plans)
            result.transfers = getattr(importer, "transfers", 0)
            result.created -= result.transfers
            after = {"rows": result.rows, "created": result.created, "updated": result.updated,
                     "unchanged": result.unchanged}
            if result.transfers:
                after["transfers"] = result.transfers
            # Not the file's name (a free text): the kind, the counts and the time say which import.
            audit.record(actor, "org.import_" + kind, object_type="org.import", object_id=kind, after=after)
    except ImportAborted:
        result.created = result.updated = result.unchanged = result.transfers = 0
        result.errors = sorted(importer.errors, key=lambda e: e.line)
    return result
