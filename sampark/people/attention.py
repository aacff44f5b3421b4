"""What the members' side asks of a leader now (core.attention): transfer requests to decide
(selectors.transfers_to_decide's rule) and erasure requests they may confirm (the erasures page's).
No query at all for someone who leads nowhere."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from sampark.core.attention import Item, Part, register_attention
from sampark.core.visibility import subtree_q
from sampark.people.models import ErasureRequest, TransferRequest, TransferStatus


def _transfers(person, roots: list[str]) -> int:
    return (TransferRequest.objects.visible_to(person)
            .filter(subtree_q("approver_path", roots), status=TransferStatus.PENDING).count())


def _erasures(person) -> tuple[int, datetime | None]:
    """Waiting requests are few (the partial index on due_at): read them first, then ask the
    visibility layer about those only, so no leader's whole subtree of posts is ever scanned."""
    waiting = list(ErasureRequest.objects.filter(done_at__isnull=True).exclude(person=person)
                   .values_list("pk", flat=True)[:1000])
    if not waiting:
        return 0, None
    mine = list(ErasureRequest.objects.visible_to(person).filter(pk__in=waiting).order_by("due_at")
                .values_list("due_at", flat=True))
    return len(mine), (mine[0] if mine else None)


def source(person, now: datetime, with_items: bool) -> Part:
    person.load_roots()  # the sources after this one ask for both lists: one query for the two
    roots = person.leading_roots()
    if not roots:
        return Part(counts={"transfers_to_decide": 0, "erasures_to_approve": 0})
    transfers = _transfers(person, roots)
    erasures, first_due = _erasures(person)
    part = Part(counts={"transfers_to_decide": transfers, "erasures_to_approve": erasures})
    if with_items and transfers:
        part.items.append(Item("transfers_to_decide", transfers, ngettext(
            "{n} transfer request waits for your decision", "{n} transfer requests wait for your decision",
            transfers).format(n=transfers), reverse("people:transfers")))
    if with_items and erasures:
        part.items.append(Item("erasures_to_approve", erasures, ngettext(
            "{n} member asked for their data to be erased", "{n} members asked for their data to be erased",
            erasures).format(n=erasures), reverse("people:erasures"), first_due))
    return part


def register() -> None:
    register_attention("people", source)
