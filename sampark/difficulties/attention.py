"""What difficulties ask of a person now (core.attention): those waiting with them, due soonest
first, and the action items they own that are not done."""

from datetime import datetime, time

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from sampark.core.attention import ITEMS_PER_KIND, Item, Part, register_attention
from sampark.difficulties.models import ActionItem, Difficulty
from sampark.difficulties.selectors import waiting_q
from sampark.directives.audience import post_keys
from sampark.people.models import LEADING_ROLES


def _waiting(person, now: datetime, with_items: bool) -> Part:
    # The person's posts as the directives' source read them (cached for the request): no query here.
    leading = [k.unit_path for k in post_keys(person) if k.role in LEADING_ROLES]
    qs = Difficulty.objects.visible_to(person).filter(waiting_q(person, leading))
    if not with_items:
        return Part(counts={"difficulties_waiting": qs.count()})
    rows = list(qs.order_by(F("due_at").asc(nulls_last=True), "created_at")
                .select_related("category")[:ITEMS_PER_KIND])
    n = len(rows) if len(rows) < ITEMS_PER_KIND else qs.count()
    return Part(counts={"difficulties_waiting": n}, items=[
        Item("difficulties_waiting", 1, d.text[:80], reverse("difficulties:detail", args=[d.pk]), d.due_at,
             d.overdue_at(now)) for d in rows])


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _items(person, now: datetime, with_items: bool) -> Part:
    qs = ActionItem.objects.visible_to(person).filter(owner=person, done_at__isnull=True)
    if not with_items:
        return Part(counts={"action_items": qs.count()})
    rows = list(qs.order_by("due_on", "pk")[:ITEMS_PER_KIND])
    n = len(rows) if len(rows) < ITEMS_PER_KIND else qs.count()
    today = timezone.localdate(now)
    return Part(counts={"action_items": n}, items=[
        Item("action_items", 1, i.text[:80], reverse("difficulties:index"), _end_of(i.due_on), i.overdue_on(today))
        for i in rows])


def source(person, now: datetime, with_items: bool) -> Part:
    a, b = _waiting(person, now, with_items), _items(person, now, with_items)
    return Part(counts={**a.counts, **b.counts}, items=a.items + b.items)


def register() -> None:
    register_attention("difficulties", source)
