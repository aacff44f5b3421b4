"""An event's attendance as the rows an export writes (sampark.core.tables writes CSV and Excel): one
row per person checked in, and one per count of walk-ins. Names only, no phone numbers; each
attendee's unit as the names of its path from the organising unit down (org.exports.PathNames)."""

from collections.abc import Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sampark.core.names import pick
from sampark.events.models import Checkin, Event
from sampark.org.exports import PathNames

CHUNK = 2000


def columns() -> list[str]:
    return [_("Checked in at"), _("Name"), _("Unit"), _("People"), _("How"), _("Checked in by")]


def rows(event: Event, roots: list[str]) -> Iterator[list]:
    """``roots``: the subtrees unit names may start from (the viewer's, and the organising unit)."""
    names = PathNames(roots)
    lang, tz = names.lang, timezone.get_current_timezone()
    with translation.override(lang):
        methods = {k: str(v) for k, v in Checkin.Method.choices}
        walk_ins = _("Walk-ins")
    values = (Checkin.objects.filter(event=event).order_by("at", "pk")
              .values_list("at", "person__name_hi", "person__name_en", "unit_path", "walk_ins", "method",
                           "checked_in_by__name_hi", "checked_in_by__name_en"))
    batch: list[tuple] = []

    def out(chunk):
        names.prepare(r[3] for r in chunk if r[3])
        for at, hi, en, path, n, method, by_hi, by_en in chunk:
            who = pick(hi, en, lang) if hi or en else walk_ins
            yield [at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), who, names.text(path) if path else "",
                   n or 1, methods.get(method, method), pick(by_hi, by_en, lang)]

    for row in values.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield from out(batch)
            batch = []
    yield from out(batch)
