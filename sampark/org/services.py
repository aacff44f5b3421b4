"""Every write to the tree: atomic, audited, counters kept right (STYLE rule 4)."""

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.locks import tree_lock
from sampark.core.text import TOKEN_MAX, clean, name_tokens
from sampark.core.visibility import subtree_q
from sampark.org.models import Level, Unit, UnitToken
from sampark.org.signals import subtree_moved, unit_created

NAME_MAX = 200
CODE_MAX = 64


# The default ladder (the org migration 0002 installs the same rows).
DEFAULT_LADDER = [
    ("centre", "राष्ट्रीय", "Centre"),
    ("state", "प्रदेश", "State"),
    ("district", "ज़िला", "District"),
    ("assembly", "विधानसभा", "Assembly constituency"),
    ("mandal", "मंडल", "Mandal"),
    ("shakti_kendra", "शक्ति केंद्र", "Shakti Kendra"),
    ("booth", "बूथ", "Booth"),
]


def ensure_default_levels() -> None:
    """Put the default ladder back if the table was emptied (a flushed test database)."""
    if not Level.objects.exists():
        Level.objects.bulk_create([Level(code=code, rank=i * 10, name_hi=hi, name_en=en)
                                   for i, (code, hi, en) in enumerate(DEFAULT_LADDER)])


class TreeError(ValueError):
    """A change that would break the tree; the message is for the user."""


def _snapshot(unit: Unit) -> dict:
    """What the audit keeps of a unit: ids, code and path; of a rename, which names changed."""
    return {"parent": unit.parent_id, "level": unit.level_id, "code": unit.code, "path": unit.path}


def unit_tokens(name_hi: str, name_en: str, code: str = "") -> set[str]:
    tokens = name_tokens(name_hi, name_en)
    if code:
        tokens.add(code.lower()[:TOKEN_MAX])
    return tokens


def _write_tokens(unit: Unit) -> None:
    UnitToken.objects.filter(unit=unit).delete()
    UnitToken.objects.bulk_create(
        [UnitToken(unit=unit, token=t) for t in sorted(unit_tokens(unit.name_hi, unit.name_en, unit.code))]
    )


def _clean_names(name_hi: str, name_en: str, code: str) -> tuple[str, str, str]:
    name_hi, name_en, code = clean(name_hi), clean(name_en), clean(code)
    if not (name_hi or name_en):
        raise TreeError(_("A unit needs a name in Hindi or English."))
    if len(name_hi) > NAME_MAX or len(name_en) > NAME_MAX:
        raise TreeError(_("A unit's name may have at most {n} characters.").format(n=NAME_MAX))
    if len(code) > CODE_MAX:
        raise TreeError(_("A unit's code may have at most {n} characters.").format(n=CODE_MAX))
    return name_hi, name_en, code


def _check_code_free(level: Level, code: str, exclude_pk: int | None = None) -> None:
    if code and Unit.objects.filter(level=level, code=code).exclude(pk=exclude_pk).exists():
        raise TreeError(_("Another unit at this level already has the code {code}.").format(code=code))


def _check_level(parent: Unit | None, level: Level) -> None:
    if parent is None:
        return
    if level.rank <= parent.level.rank:
        raise TreeError(_("A unit must sit at a lower level than its parent."))


def _add_to_units(ids: list[int], **deltas: int) -> None:
    if ids and deltas:
        Unit.objects.filter(pk__in=ids).update(**{k: F(k) + v for k, v in deltas.items()})


@transaction.atomic
def create_unit(actor, *, parent: Unit | None, level: Level, name_hi: str = "", name_en: str = "",
                code: str = "", synthetic: bool = False) -> Unit:
    name_hi, name_en, code = _clean_names(name_hi, name_en, code)
    tree_lock()
    if parent is not None:
        # The parent's current path: the caller's copy may predate a move.
        parent = Unit.objects.select_related("level").get(pk=parent.pk)
    _check_level(parent, level)
    _check_code_free(level, code)
    # The path needs the id, so the row goes in with a unique placeholder first.
    try:
        with transaction.atomic():
            unit = Unit.objects.create(parent=parent, level=level, name_hi=name_hi, name_en=name_en, code=code,
                                       synthetic=synthetic, path="~new~" + str(id(object())),
                                       search_key=" ".join(sorted(unit_tokens(name_hi, name_en)))[:255])
    except IntegrityError as exc:  # the same code created by a concurrent request
        raise TreeError(_("Another unit at this level already has the code {code}.").format(code=code)) from exc
    unit.path = paths.child_path(parent.path if parent else "", unit.pk)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    if parent is not None:
        _add_to_units([parent.pk], child_count=1)
    _write_tokens(unit)
    unit_created.send(sender=Unit, unit=unit)
    audit.record(actor, "unit.create", unit, after=_snapshot(unit))
    return unit


@transaction.atomic
def rename_unit(actor, unit: Unit, *, name_hi: str, name_en: str, code: str | None = None) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before, old = _snapshot(unit), {"name_hi": unit.name_hi, "name_en": unit.name_en}
    unit.name_hi, unit.name_en, new_code = _clean_names(name_hi, name_en, unit.code if code is None else code)
    if new_code != unit.code:
        _check_code_free(unit.level, new_code, exclude_pk=unit.pk)
        unit.code = new_code
    unit.search_key = " ".join(sorted(unit_tokens(unit.name_hi, unit.name_en)))[:255]
    unit.save(update_fields=["name_hi", "name_en", "code", "search_key"])
    _write_tokens(unit)
    audit.record(actor, "unit.rename", unit, before=before, after={
        **_snapshot(unit), "changed": audit.changed(old, {"name_hi": unit.name_hi, "name_en": unit.name_en})})
    return unit


def rewrite_paths(model, field: str, old_path: str, new_path: str) -> int:
    """Rewrite a path column (a unit's path or a copy of it) for every row in the old subtree:
    one UPDATE. Returns the rows changed."""
    cut = len(old_path) + 1  # SQL strings count from 1
    return model.objects.filter(subtree_q(field, [old_path])).update(
        **{field: Concat(Value(new_path), Substr(field, cut), output_field=model._meta.get_field(field))})


@transaction.atomic
def move_unit(actor, unit: Unit, new_parent: Unit) -> Unit:
    """Re-hang a whole subtree under another parent: every unit's path below it is rewritten, and
    the counters of the old and new ancestors adjusted, in one transaction; the apps keeping path
    copies (people's posts, reports, directives) do theirs on signals.subtree_moved, in it too."""
    tree_lock(exclusive=True)
    unit = Unit.objects.select_for_update().select_related("level").get(pk=unit.pk)
    new_parent = Unit.objects.select_related("level").get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise TreeError(_("A unit cannot be moved under itself or its own descendants."))
    _check_level(new_parent, unit.level)
    if unit.parent_id == new_parent.pk:
        return unit  # already there: nothing to write
    before = _snapshot(unit)
    old_path = unit.path
    new_path = paths.child_path(new_parent.path, unit.pk)
    old_ancestor_ids = paths.ancestor_ids(old_path)[:-1]

    rewrite_paths(Unit, "path", old_path, new_path)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    subtree_moved.send(sender=Unit, unit=unit, old_path=old_path, new_path=new_path, new_parent=new_parent)
    _add_to_units(old_ancestor_ids, member_count=-unit.member_count)
    _add_to_units(paths.ancestor_ids(new_parent.path), member_count=unit.member_count)
    if unit.parent_id is not None:
        _add_to_units([unit.parent_id], child_count=-1)
    _add_to_units([new_parent.pk], child_count=1)
    unit.refresh_from_db()
    audit.record(actor, "unit.move", unit, before=before, after=_snapshot(unit))
    return unit


def recount() -> None:
    """Recompute child and member counts from the rows (after a bulk load, or as a repair)."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE org_unit SET child_count = (SELECT COUNT(*) FROM org_unit c WHERE c.parent_id = org_unit.id)")
        # Members per unit, then folded up the tree deepest first.
        cur.execute("UPDATE org_unit SET member_count = (SELECT COUNT(*) FROM people_post p "
                    "WHERE p.unit_id = org_unit.id AND p.active)")
        cur.execute("SELECT MAX(LENGTH(path)) FROM org_unit")
        max_len = cur.fetchone()[0] or 0
        for length in range(max_len, paths.SEGMENT, -paths.SEGMENT):
            cur.execute(
                "UPDATE org_unit SET member_count = member_count + COALESCE((SELECT SUM(c.member_count) "
                "FROM org_unit c WHERE c.parent_id = org_unit.id), 0) WHERE LENGTH(path) = %s",
                [length - paths.SEGMENT],
            )
