"""A person's reports, for their page (sampark.core.activity)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sampark.core.activity import Item, register_activity
from sampark.reports.models import Report


def reports(viewer, person, limit: int) -> list[Item]:
    """Reports the person wrote that the viewer may open: the (author, created_at) index, newest first."""
    rows = (Report.objects.visible_to(viewer).filter(author=person).select_related("type", "unit")
            .defer("values", "body_hash").order_by("-created_at")[:limit])
    return [Item(r.created_at, "report", _("Report: {type} · {unit}").format(type=r.type.name, unit=r.unit.name),
                 reverse("reports:detail", args=[r.pk])) for r in rows]


def register() -> None:
    register_activity("reports.reports", reports)
