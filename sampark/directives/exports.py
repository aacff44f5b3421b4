"""A directive's roll-up as the rows an export writes (sampark.core.tables writes CSV and Excel): one
row per unit of the subtree that the directive reaches, parents before children, from the counter
rows (one streamed query; unit names a batch at a time). Callers pass a unit from rollup_unit."""

from collections.abc import Iterator
from itertools import batched

from django.utils.translation import gettext as _

from sampark.core.names import pick
from sampark.directives.models import Directive, UnitCount
from sampark.org.exports import PathNames
from sampark.org.models import Level, Unit

CHUNK = 2000


def _pct(part: int, whole: int):
    return round(100 * part / whole) if whole else ""


def _counts(d: Directive, unit: Unit):
    return UnitCount.objects.in_subtree(unit.path).filter(directive=d)


def rollup_count(d: Directive, unit: Unit) -> int:
    return _counts(d, unit).count()


def rollup_table(d: Directive, unit: Unit) -> tuple[list[str], Iterator[list]]:
    header = [_("Unit"), _("Level"), _("Expected"), _("Read"), _("Read (%)"), _("Acknowledged"),
              _("Acknowledged (%)")]

    def rows():
        names = PathNames([unit.path])
        levels = {lv.pk: pick(lv.name_hi, lv.name_en, names.lang) for lv in Level.objects.all()}
        counts = (_counts(d, unit).order_by("unit_path")
                  .values_list("unit_path", "unit__level_id", "expected", "reads", "acks"))
        for chunk in batched(counts.iterator(chunk_size=CHUNK), CHUNK):
            names.prepare(r[0] for r in chunk)
            for path, level, expected, reads, acks in chunk:
                yield [names.text(path), levels.get(level, ""), expected, reads, _pct(reads, expected), acks,
                       _pct(acks, expected)]

    return header, rows()
