"""Events' eraser (sampark.core.erasure). Answers and check-ins stay (they are counts, now under the
person's pseudonym, as reports are). What the person wrote becomes the marker: review entries they
wrote, captions of their photos, and the summary of what they said in a programme item naming them;
the photos they uploaded go, files and rows (a photo may show faces). The events they created, their
titles and published reports stay as the organisation's record, as directives do."""

from django.db import transaction

from sampark.core import files
from sampark.core.erasure import register_eraser, rewrite
from sampark.events.models import EventPhoto, ProgrammeItem, ReviewEntry


def erase(person, marker: str) -> int:
    n = rewrite(ProgrammeItem.objects.filter(person=person).exclude(text=""), text=marker)
    n += rewrite(ReviewEntry.objects.filter(author=person), text=marker)
    photos = EventPhoto.objects.filter(uploaded_by=person)
    gone = [f for f in photos.values_list("file", flat=True) if f]
    n += photos.delete()[0]
    transaction.on_commit(lambda: [files.remove(f) for f in gone])  # the files only once the rows are gone
    return n


def register() -> None:
    register_eraser("events", erase, covers=["events.ProgrammeItem.text", "events.ReviewEntry.text",
                                             "events.EventPhoto.*"])
