"""Export of people and their posts: the "people" kind of sampark.org.exports, in the shape
sampark.people.imports reads. One row per active post in the subtree; a phone is masked unless the
viewer leads the post's unit (or it is the viewer's own), so such a file cannot be re-imported by them."""

from collections.abc import Iterator

from sampark.org.exports import CHUNK, register_export, unit_ref
from sampark.org.io import PEOPLE_COLUMNS
from sampark.org.models import Unit
from sampark.people.models import Person, Post
from sampark.people.visibility import can_see_phone


def people_rows(viewer, unit: Unit) -> Iterator[list[str]]:
    rows = (Post.objects.in_subtree(unit.path).filter(active=True, person__is_active=True)
            .order_by("unit_path", "person__phone", "role", "team")
            .values_list("person_id", "person__phone", "person__name_hi", "person__name_en", "person__lang",
                         "unit_id", "unit__level__code", "unit__code", "unit_path", "role", "team"))
    for person_id, phone, name_hi, name_en, lang, unit_id, level, code, path, role, team in rows.iterator(
            chunk_size=CHUNK):
        if person_id != viewer.pk and not can_see_phone(viewer, path):
            phone = Person(phone=phone).masked_phone
        yield [phone, name_hi, name_en, lang, level, unit_ref(unit_id, code), role, team]


register_export("people", PEOPLE_COLUMNS, people_rows)
