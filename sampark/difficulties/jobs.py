"""Timed work for difficulties: escalate the ones nobody answered in time, remind owners of overdue
action items. Each row is claimed with a conditional UPDATE, so concurrent workers never act twice."""

from datetime import datetime

from sampark.difficulties.models import WAITING, ActionItem, Difficulty
from sampark.difficulties.services import escalate_due, remind_overdue_item

BATCH = 500


def tick(now: datetime) -> dict[str, int]:
    due = list(Difficulty.objects.filter(status__in=WAITING, due_at__lte=now)
               .order_by("due_at").values_list("pk", flat=True)[:BATCH])
    escalated = sum(escalate_due(pk, now) for pk in due)
    items = list(ActionItem.objects.filter(remind_at__lte=now, done_at=None)
                 .order_by("remind_at").values_list("pk", flat=True)[:BATCH])
    reminded = sum(remind_overdue_item(pk, now) for pk in items)
    return {"escalated": escalated, "reminded": reminded}
