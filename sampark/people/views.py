"""Pages for transfer requests: those who decide see the waiting ones with approve and reject; the
one who asked sees where their requests stand, without learning where the person is now."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.core import paths
from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404, leading_roots
from sampark.people.models import TransferRequest, TransferStatus
from sampark.people.services import PeopleError, approve_transfer, can_decide, reject_transfer

SHOWN = 100


def _transfers():
    return TransferRequest.objects.select_related("person", "from_unit__level", "to_unit__level", "requested_by")


@person_required
@require_GET
def transfers(request):
    me = request.person
    visible = _transfers().visible_to(me)
    waiting = [t for t in visible.filter(status=TransferStatus.PENDING)[:SHOWN] if can_decide(me, t)]
    asked = visible.filter(requested_by=me).order_by("-created_at", "-pk")[:SHOWN]
    # Approved into where I lead, asked and decided by others (leaders above both places know already).
    came = [t for t in visible.filter(status=TransferStatus.APPROVED).exclude(requested_by=me)
            .order_by("-decided_at", "-pk")[:SHOWN]
            if paths.in_subtrees(t.to_unit.path, leading_roots(me)) and not can_decide(me, t)]
    return render(request, "people/transfers.html", {"waiting": waiting, "asked": asked, "came": came})


@person_required
@require_POST
def approve(request, transfer_id: int):
    return _decide(request, transfer_id, approve_transfer, _("Transfer approved."))


@person_required
@require_POST
def reject(request, transfer_id: int):
    return _decide(request, transfer_id, reject_transfer, _("Transfer rejected."))


def _decide(request, transfer_id: int, service, done: str):
    t = get_visible_or_404(_transfers(), request.person, pk=transfer_id)
    try:
        service(request.person, t)
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("people:transfers")
