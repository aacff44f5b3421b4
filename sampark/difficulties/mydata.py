"""Difficulties' sections of "my data": the difficulties the person raised, and the action items they own."""

from django.utils.translation import gettext_lazy as _

from sampark.core.mydata import register_section
from sampark.difficulties.models import ActionItem, Difficulty


def difficulties(p) -> list[dict]:
    return [{"id": d.pk, "unit": d.unit_id, "unit_name": d.unit.name, "category": d.category.code, "text": d.text, "link": d.link,
             "status": d.status, "answer": d.answer, "rating": d.rating, "created_at": d.created_at}
            for d in Difficulty.objects.filter(raised_by=p).select_related("unit", "category").order_by("created_at")]


def action_items(p) -> list[dict]:
    return [{"id": a.pk, "unit": a.unit_id, "unit_name": a.unit.name, "text": a.text, "due_on": a.due_on, "done_at": a.done_at,
             "created_at": a.created_at}
            for a in ActionItem.objects.filter(owner=p).select_related("unit").order_by("due_on", "pk")]


def register() -> None:
    register_section("difficulties", _("Difficulties"), difficulties, covers=["difficulties.Difficulty.raised_by"])
    register_section("action_items", _("Action items"), action_items, covers=["difficulties.ActionItem.owner"])
