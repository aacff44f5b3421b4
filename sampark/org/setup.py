"""Setting the ladder up: an administrator renames levels. Their codes and ranks are not changed
here: the ladder's shape (which levels exist, in which order) is a migration's matter, since units,
report types, answer times and directive filters refer to the levels.

Also the small helpers every setup section uses (one error class, names, codes, numbers)."""

from django.db import transaction
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import ascii_digits, clean
from sampark.org.models import Level

LEVEL_NAME_MAX = 64


class SetupError(ValueError):
    """A setup change refused; the message is for the administrator."""


def clean_names(name_hi, name_en, max_length: int) -> tuple[str, str]:
    """Both names, tidied; a clear message when one is missing or too long."""
    name_hi, name_en = clean(str(name_hi or "")), clean(str(name_en or ""))
    if not name_hi or not name_en:
        raise SetupError(_("Give the name in Hindi and in English."))
    if len(name_hi) > max_length or len(name_en) > max_length:
        raise SetupError(_("A name may have at most {n} characters.").format(n=max_length))
    return name_hi, name_en


def clean_code(raw, max_length: int) -> str:
    """A code for a new row: small English letters, digits and _; it never changes afterwards."""
    code = clean(str(raw or "")).lower()
    bare = code.replace("_", "")
    if not bare or len(code) > max_length or not (bare.isascii() and bare.isalnum()):
        raise SetupError(_("The code is 1 to {n} small English letters, digits or _ (e.g. media_cell); it cannot "
                           "be changed later.").format(n=max_length))
    return code


def whole(raw, *, label: str, minimum: int = 0, maximum: int = 10**9) -> int:
    """A whole number from a form, or a clear message naming the field."""
    text = ascii_digits(clean(str(raw if raw is not None else ""))).replace(",", "")
    if not text.lstrip("-").isdigit():
        raise SetupError(_("{label}: enter a whole number.").format(label=label))
    value = int(text)
    if value < minimum or value > maximum:
        raise SetupError(_("{label}: enter a number from {lo} to {hi}.").format(label=label, lo=minimum, hi=maximum))
    return value


@transaction.atomic
def rename_level(actor, level: Level, *, name_hi: str, name_en: str) -> Level:
    name_hi, name_en = clean_names(name_hi, name_en, LEVEL_NAME_MAX)
    level = Level.objects.select_for_update().get(pk=level.pk)
    if (level.name_hi, level.name_en) == (name_hi, name_en):
        return level
    level.name_hi, level.name_en = name_hi, name_en
    level.save(update_fields=["name_hi", "name_en"])
    audit.record(actor, "level.rename", level, after={"code": level.code})
    return level


def fill_constituency_hindi_names(actor) -> int:
    """Give Bihar's assembly constituencies their Hindi names from the shipped data file, where a
    unit has none yet. A unit qualifies only when both its code (the ECI number) and its English
    name match a row, so an organisation's own units that happen to share a number are left alone,
    and a Hindi name someone typed is never overwritten. Each fill is an audited rename.
    Returns the number of units named."""
    from sampark.core.datafiles import read_csv
    from sampark.org.models import Unit
    from sampark.org.services import rename_unit

    by_code = {row["ac_no"]: row for row in read_csv("bihar_assembly_constituencies.csv")}
    filled = 0
    for unit in Unit.objects.filter(level__code="assembly", name_hi="", code__in=list(by_code)).order_by("pk"):
        row = by_code[unit.code]
        if unit.name_en.casefold() == row["name_en"].casefold() and row["name_hi"]:
            rename_unit(actor, unit, name_hi=row["name_hi"], name_en=unit.name_en)
            filled += 1
    return filled
