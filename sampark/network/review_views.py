"""The coordinator's queue page (/network/review/): counts to confirm and handles to verify in the
units they lead, filtered by platform and unit, paged; and the POSTs that confirm, reject and verify.
Those who lead nowhere get 403; a unit or object outside their visibility is 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.core.decorators import person_required
from sampark.network import review, selectors
from sampark.network.models import Platform
from sampark.network.services import NetworkError


def _back(request):
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/network/review/") else "network:review")


@person_required
def queue(request):
    me = request.person
    if not me.leading_roots():
        return render(request, "network/review.html", {"refused": True}, status=403)
    error = ""
    try:
        f = review.filters_from(me, request.GET.get("platform"), request.GET.get("unit"))
    except NetworkError as exc:
        f, error = review.Filters(), str(exc)
    counts = Paginator(review.flagged(me, f), review.PAGE).get_page(request.GET.get("page"))
    handles = Paginator(review.unverified(me, f), review.PAGE).get_page(request.GET.get("hpage"))
    keep = request.GET.copy()
    for key in ("page", "hpage"):
        keep.pop(key, None)
    return render(request, "network/review.html", {
        "counts": counts, "rows": review.with_previous(list(counts.object_list)), "handles": handles,
        "platforms": Platform.objects.all(), "filters": f, "query": keep.urlencode(), "error": error,
        "units": review.filter_units(me),
        "here": request.get_full_path(),
    }, status=400 if error else 200)


@require_POST
@person_required
def decide(request, snapshot_id, action: str):
    if action not in ("confirm", "reject"):
        raise Http404
    snap = review.get_snapshot(request.person, snapshot_id)
    try:
        _snap, changed = review.decide(request.person, snap, accept=action == "confirm")
    except NetworkError as exc:
        messages.error(request, str(exc))
        return _back(request)
    if changed:
        messages.success(request, _("Count confirmed: it is counted now.") if action == "confirm"
                         else _("Count rejected: it is not counted."))
    return _back(request)


@require_POST
@person_required
def verify(request, handle_id: int):
    h = selectors.get_handle(request.person, handle_id)
    verified = request.POST.get("verified", "1") != "0"
    try:
        _h, changed = review.verify(request.person, h, verified=verified)
    except NetworkError as exc:
        messages.error(request, str(exc))
        return _back(request)
    if changed:
        messages.success(request, _("Marked as verified.") if verified else _("No longer verified."))
    return _back(request)
