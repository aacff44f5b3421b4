"""Network's section of "my data": the member's own handles (platform, handle, link, unit, status,
whether and when verified) with every count entered for them, and the counts they entered or
confirmed for other members' handles (only the count, the date and whose handle by number)."""

from django.utils.translation import gettext_lazy as _

from sampark.core.mydata import register_section
from sampark.network.models import Handle, Snapshot


def handles(p) -> list[dict]:
    out = []
    for h in Handle.objects.filter(person=p).select_related("platform").order_by("created_at", "pk"):
        out.append({"kind": "handle", "handle_id": h.pk, "platform": h.platform.code, "handle": h.handle,
                    "url": h.url, "unit": h.unit_id, "status": h.status, "verified_at": h.verified_at,
                    "at": h.created_at})
    for s in Snapshot.objects.filter(handle__person=p).order_by("handle_id", "date"):
        out.append({"kind": "count", "handle_id": s.handle_id, "date": s.date, "count": s.count,
                    "status": s.status, "source": s.source, "at": s.created_at})
    return out


def counts_for_others(p) -> list[dict]:
    """Counts they entered, or confirmed or rejected, for someone else's handle."""
    entered = Snapshot.objects.filter(entered_by=p).exclude(handle__person=p).order_by("created_at", "pk")
    reviewed = Snapshot.objects.filter(reviewed_by=p).exclude(handle__person=p).order_by("reviewed_at", "pk")
    out = [{"kind": "entered", "handle_id": s.handle_id, "date": s.date, "count": s.count, "at": s.created_at}
           for s in entered]
    out += [{"kind": "reviewed", "handle_id": s.handle_id, "date": s.date, "count": s.count, "status": s.status,
             "at": s.reviewed_at} for s in reviewed]
    out += [{"kind": "verified", "handle_id": h.pk, "at": h.verified_at}
            for h in Handle.objects.filter(verified_by=p).exclude(person=p).order_by("verified_at", "pk")]
    return out


def register() -> None:
    register_section("network_handles", _("Your social media handles and their counts"), handles,
                     covers=["network.Handle.person"])
    register_section("network_reviewed", _("Counts you entered, confirmed or verified for other members"),
                     counts_for_others,
                     covers=["network.Snapshot.entered_by", "network.Snapshot.reviewed_by",
                             "network.Handle.verified_by"])
