"""A person's acknowledgements of directives, for their page (sampark.core.activity)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sampark.core.activity import Item, register_activity
from sampark.directives.models import Directive, Receipt


def acknowledgements(viewer, person, limit: int) -> list[Item]:
    """Directives the viewer may open that the person acknowledged. Newest directive first: that is
    the order of the (person, directive, kind) unique index, so no index is added to the table
    every acknowledgement writes (an acknowledgement's time follows its directive's closely)."""
    rows = (Receipt.objects.filter(person=person, kind=Receipt.Kind.ACK,
                                   directive__in=Directive.objects.visible_to(viewer).values("pk"))
            .select_related("directive").only("at", "reply", "directive_id", "directive__title")
            .order_by("-directive_id")[:limit])
    return [Item(r.at, "ack", _("Acknowledged: {title}").format(title=r.directive.title),
                 reverse("directives:detail", args=[r.directive_id]), r.reply) for r in rows]


def register() -> None:
    register_activity("directives.acknowledgements", acknowledgements)
