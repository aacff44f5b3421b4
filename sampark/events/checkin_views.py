"""Check-in pages (issue 15): the volunteer's page (typed code, camera scan where the browser has
BarcodeDetector, phone number, name search, walk-ins; each check-in goes through the phone's outbox,
web/checkin.js, so it works with no network and is taken once) and the printable list of invitees
with their codes and QR codes (organisers only, a page at a time)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core.decorators import person_required
from sampark.events import checkins, selectors, services
from sampark.events.services import EventError
from sampark.people.search import search_people

LIST_PAGE = 50


def _event(request, event_id):
    try:
        return checkins.get_for_check_in(request.person, event_id)
    except EventError as exc:
        raise PermissionDenied(str(exc)) from None


@person_required
def checkin(request, event_id: int):
    event = _event(request, event_id)
    if request.method == "POST":  # without the page's script: sent at once, never twice (the form's id)
        try:
            client_id = uuid.UUID(request.POST.get("id", ""))
        except ValueError:
            client_id = uuid.uuid4()
        try:
            result = checkins.check_in(
                request.person, event, id=client_id, person=request.POST.get("person") or None,
                phone=request.POST.get("phone") or None, code=request.POST.get("code") or None,
                walk_ins=request.POST.get("walk_ins") or None, now=timezone.now())
        except EventError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, result.message)
        return redirect("events:checkin", event.pk)
    query = request.GET.get("q", "").strip()
    found = search_people(request.person, query, limit=10) if query else []
    response = render(request, "events/checkin.html", {
        "event": event, "counts": checkins.counts(event), "query": query, "found": found,
        "client_id": uuid.uuid4(), "can_manage": services.can_manage(request.person, event),
    })
    response["Cache-Control"] = "no-cache, private"
    return response


@person_required
def codes_list(request, event_id: int):
    event = selectors.get_event(request.person, event_id)
    if not services.can_manage(request.person, event):
        raise PermissionDenied(_("Only the organisers can change this event."))
    page = Paginator(checkins.invitees(event), LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/codes.html", {
        "event": event, "page": page, "rows": checkins.with_codes(event, page.object_list)})
