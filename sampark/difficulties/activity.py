"""The difficulties a person raised, for their page (sampark.core.activity)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sampark.core.activity import Item, register_activity
from sampark.difficulties.models import Difficulty


def difficulties(viewer, person, limit: int) -> list[Item]:
    """Raised by the person and visible to the viewer: the (raised_by, created_at) index, newest first."""
    rows = (Difficulty.objects.visible_to(viewer).filter(raised_by=person).select_related("category")
            .order_by("-created_at")[:limit])
    return [Item(d.created_at, "difficulty",
                 _("Difficulty: {category} ({status})").format(category=d.category.name,
                                                                 status=d.get_status_display()),
                 reverse("difficulties:detail", args=[d.pk])) for d in rows]


def register() -> None:
    register_activity("difficulties.difficulties", difficulties)
