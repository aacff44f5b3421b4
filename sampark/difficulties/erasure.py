"""Difficulties' eraser (sampark.core.erasure): what an erased person wrote becomes the marker: the
difficulties they raised (text, link; the photo goes, file and row field), every step of a
difficulty they wrote, the copies of their text in merge steps, answers they gave, review notes and
action items they wrote. Difficulties, their states and times stay, so the counts do too. History
and notes are append-only; this is the one writer allowed to change their text (core.erasure.rewrite)."""

from django.db import transaction
from django.db.models import OuterRef, Subquery

from sampark.core import files
from sampark.core.erasure import register_eraser, rewrite
from sampark.core.models import OutboxMessage
from sampark.difficulties.models import ActionItem, Difficulty, DifficultyEvent, EventKind, ReviewNote


def _sent_on(texts: list[str]) -> int:
    """SMS that carried the person's text to whoever it was passed to: they lose that text too."""
    n = 0
    for text in {t[:100] for t in texts if len(t) >= 8}:
        n += OutboxMessage.objects.filter(body__contains=text).delete()[0]
    return n


def erase(person, marker: str) -> int:
    raised = Difficulty.objects.filter(raised_by=person)
    passed = list(raised.filter(events__kind=EventKind.ASSIGNED).values_list("text", flat=True).distinct())
    photos = [p for p in raised.exclude(photo="").values_list("photo", flat=True) if p]
    n = _sent_on(passed)
    n += raised.update(text=marker, link="", photo="")
    n += rewrite(DifficultyEvent.objects.filter(actor=person).exclude(text=""), text=marker)
    n += rewrite(DifficultyEvent.objects.filter(kind=EventKind.MERGED, difficulty__merged_into__raised_by=person)
                 .exclude(text=""), text=marker)
    # An answer they gave, when it is still the difficulty's latest.
    last_answerer = Subquery(DifficultyEvent.objects.filter(difficulty=OuterRef("pk"), kind=EventKind.ANSWERED)
                             .order_by("-pk").values("actor_id")[:1])
    answered = list(Difficulty.objects.filter(events__actor=person, events__kind=EventKind.ANSWERED)
                    .annotate(answerer=last_answerer).filter(answerer=person.pk).exclude(answer="")
                    .values_list("pk", flat=True).distinct())
    n += Difficulty.objects.filter(pk__in=answered).update(answer=marker)
    n += rewrite(ReviewNote.objects.filter(author=person), text=marker)
    n += ActionItem.objects.filter(created_by=person).update(text=marker)
    transaction.on_commit(lambda: [files.remove(p) for p in photos])
    return n


def register() -> None:
    register_eraser("difficulties", erase, covers=[
        "difficulties.Difficulty.text", "difficulties.Difficulty.link", "difficulties.Difficulty.photo",
        "difficulties.Difficulty.answer", "difficulties.DifficultyEvent.text", "difficulties.ReviewNote.text",
        "difficulties.ActionItem.text"])
