"""Difficulties of an area as the rows an export writes (sampark.core.tables writes CSV and Excel).
Callers pass a queryset that started from visible_to (selectors.area_rows). Names only: no phone
numbers. Rows stream from one query, a batch of unit names fetched per CHUNK rows."""

from collections.abc import Iterator
from itertools import batched

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sampark.core.names import pick
from sampark.difficulties.models import DifficultyCategory, Status
from sampark.org.exports import PathNames
from sampark.org.models import Level

CHUNK = 2000


def columns() -> list[str]:
    return [_("Raised at"), _("Unit"), _("Category"), _("Status"), _("Waiting with"), _("Answer due"), _("Text")]


def _when(value, tz) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(qs, roots: list[str]) -> Iterator[list]:
    names = PathNames(roots)
    lang, tz = names.lang, timezone.get_current_timezone()
    with translation.override(lang):
        statuses = {k: str(v) for k, v in Status.choices}
    categories = {c.pk: pick(c.name_hi, c.name_en, lang) for c in DifficultyCategory.objects.all()}
    levels = {lv.pk: pick(lv.name_hi, lv.name_en, lang) for lv in Level.objects.all()}
    values = qs.values_list("created_at", "unit_path", "category_id", "status", "handling_unit__name_hi",
                            "handling_unit__name_en", "handling_unit__level_id", "due_at", "text")
    for chunk in batched(values.iterator(chunk_size=CHUNK), CHUNK):
        names.prepare(r[1] for r in chunk)
        for created, path, category, status, h_hi, h_en, h_level, due, text in chunk:
            waiting = "{unit} ({level})".format(unit=pick(h_hi, h_en, lang), level=levels.get(h_level, ""))
            yield [_when(created, tz), names.text(path), categories.get(category, ""), statuses.get(status, status),
                   waiting, _when(due, tz), text]
