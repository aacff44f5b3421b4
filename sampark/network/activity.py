"""The coordinator's acts on a member's network, for the member's page (sampark.core.activity): a
handle verified, a count that jumped confirmed or rejected. Only handles the viewer may see."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sampark.core.activity import Item, register_activity
from sampark.network.models import Handle, Snapshot


def verified(viewer, person, limit: int) -> list[Item]:
    rows = (Handle.objects.visible_to(viewer).filter(person=person, verified_at__isnull=False)
            .select_related("platform").order_by("-verified_at")[:limit])
    return [Item(h.verified_at, "network", _("Handle verified: {platform} {handle}").format(
        platform=h.platform.name, handle=h.handle), reverse("network:handle", args=[h.pk])) for h in rows]


def reviewed(viewer, person, limit: int) -> list[Item]:
    seen = Handle.objects.visible_to(viewer).filter(person=person)
    rows = (Snapshot.objects.filter(handle__in=seen.values("pk"), reviewed_at__isnull=False)
            .select_related("handle__platform").order_by("-reviewed_at")[:limit])
    out = []
    for s in rows:
        text = (_("Count confirmed: {platform} {count}") if s.status == Snapshot.Status.COUNTED
                else _("Count not accepted: {platform} {count}"))
        out.append(Item(s.reviewed_at, "network", text.format(platform=s.handle.platform.name, count=s.count),
                        reverse("network:handle", args=[s.handle_id])))
    return out


def register() -> None:
    register_activity("network.verified", verified)
    register_activity("network.reviewed", reviewed)
