"""Network's eraser (sampark.core.erasure). The person's handles go, with their counts: a handle
names an account on a platform, which points at the person even under a pseudonym. What each
handle added to the roll-ups is taken back through the pending queue (the same change as a
removal by the member). Where the person acted on others' handles (entered a count, confirmed
one, verified a handle), the key to them is cleared; the counts stay."""

from sampark.core.erasure import register_eraser, rewrite
from sampark.network import rollups
from sampark.network.models import Handle, Snapshot


def erase(person, marker: str) -> int:
    n = 0
    for h in Handle.objects.filter(person=person).select_related("platform").order_by("pk"):
        rollups.queue_change(rollups.state(h), None)
        h.delete()
        n += 1
    n += rewrite(Snapshot.objects.filter(entered_by=person), entered_by=None)
    n += rewrite(Snapshot.objects.filter(reviewed_by=person), reviewed_by=None)
    n += rewrite(Handle.objects.filter(verified_by=person), verified_by=None)
    return n


def register() -> None:
    register_eraser("network", erase, covers=["network.Handle.*"])
