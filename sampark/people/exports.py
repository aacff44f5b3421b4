"""Export of people and their posts: the "people" kind of sampark.org.exports, in the shape
sampark.people.imports reads. One row per active post in the subtree. Phones are masked ("+91 98XXX
XX123", as everywhere) except the viewer's own; with ``phones=True`` (the caller has checked the
second factor) full numbers where the viewer leads the post's unit: a bulk reveal, written as one
audit row with the count of numbers revealed before the file is streamed (see people.phones)."""

from collections.abc import Iterator

from sampark.core.visibility import leading_roots, subtree_q
from sampark.org.exports import CHUNK, register_export, unit_ref
from sampark.org.io import PEOPLE_COLUMNS
from sampark.org.models import Unit
from sampark.people.models import Post, mask_phone
from sampark.people.phones import record_bulk_reveal
from sampark.people.visibility import can_see_phone


def _rows(viewer, unit: Unit, phones: bool) -> Iterator[list[str]]:
    rows = (Post.objects.in_subtree(unit.path).filter(active=True, person__is_active=True)
            .order_by("unit_path", "person__phone", "role", "team")
            .values_list("person_id", "person__phone", "person__name_hi", "person__name_en", "person__lang",
                         "unit_id", "unit__level__code", "unit__code", "unit_path", "role", "team"))
    for person_id, phone, name_hi, name_en, lang, unit_id, level, code, path, role, team in rows.iterator(
            chunk_size=CHUNK):
        if person_id != viewer.pk and not (phones and can_see_phone(viewer, path)):
            phone = mask_phone(phone)
        yield [phone, name_hi, name_en, lang, level, unit_ref(unit_id, code), role, team]


def revealed_count(viewer, unit: Unit) -> int:
    """How many people's numbers an export with phones shows in full: one count query."""
    return (Post.objects.in_subtree(unit.path).filter(subtree_q("unit_path", leading_roots(viewer)), active=True,
                                                      person__is_active=True)
            .exclude(person_id=viewer.pk).values("person_id").distinct().count())


def people_rows(viewer, unit: Unit, phones: bool = False) -> Iterator[list[str]]:
    """Called when the export is asked for (not lazily), so the audit row is written then."""
    if phones:
        record_bulk_reveal(viewer, unit, revealed_count(viewer, unit))
    return _rows(viewer, unit, phones)


register_export("people", PEOPLE_COLUMNS, people_rows)
