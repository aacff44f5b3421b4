"""Pages for the network: thin handlers, each starting from visibility (selectors.get_handle, the
member's own handles, or a unit through Unit.objects.visible_to).

The member's pages are for a booth worker's phone: /network/ lists their handles, each with a
small form for this month's count (two handles, two counts, one screen; with no network the count
waits in the phone's outbox, web/outbox.js type "network", and is sent once to the snapshot API),
and the form to add one (with no network it waits too, type "network_handle", and is sent here with
its client_uuid and the day it was entered; the answer is then JSON). A retry never makes a second handle (client_uuid) or count (one per handle
and day)."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.core.decorators import person_required
from sampark.core.names import pick
from sampark.network import reminders, selectors, services
from sampark.network.forms import HandleEditForm, HandleForm, SnapshotForm, client_uuid
from sampark.network.services import NetworkError


def _home_unit(person):
    units = services.member_units(person)
    return units[-1] if units else None


def _counts(h) -> str:
    """What the handle's platform counts (followers, subscribers, members), in the page's language."""
    return pick(h.platform.counts_hi, h.platform.counts_en)


def _enter_count(request, handles, today):
    """The inline "this month's count" of one of the member's own handles: (handle id, error)."""
    h = next((x for x in handles if str(x.pk) == request.POST.get("handle_id", "").strip()), None)
    if h is None:
        raise Http404
    try:
        services.add_snapshot(request.person, h, date=today, count=request.POST.get("count", ""))
    except NetworkError as exc:
        return h.pk, str(exc)
    return h.pk, ""


@person_required
def index(request):
    """My handles: this month's count for each, add one (with today's count)."""
    today, person = timezone.localdate(), request.person
    units = services.member_units(person)
    handles = selectors.my_handles(person)
    adding = request.method == "POST" and "handle_id" not in request.POST
    outbox = adding and request.headers.get("X-Sampark-Outbox") == "1"
    form = HandleForm(request.POST if adding else None, units=units)
    count_error, count_for = "", None
    if request.method == "POST" and not adding:
        count_for, count_error = _enter_count(request, handles, today)
        if not count_error:
            messages.success(request, _("Count saved."))
            return redirect("network:index")
    elif adding and form.is_valid():
        data = form.cleaned_data
        # From the phone's outbox (web/outbox.js, type network_handle): the day it was entered there.
        day = (request.POST.get("date") or today) if outbox else today
        try:
            with transaction.atomic():
                h, created = services.register_handle(
                    person, platform=data["platform"], handle=data["handle"], url=data["url"],
                    unit=data.get("unit") or None, client_uuid=client_uuid(request), now=timezone.now())
                if (data.get("count") or "").strip():
                    services.add_snapshot(person, h, date=day, count=data["count"])
        except NetworkError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if outbox:
                return JsonResponse({"id": h.pk, "url": f"/network/handles/{h.pk}/"}, status=201 if created else 200)
            messages.success(request, _("Handle added."))
            return redirect("network:index")
    if outbox and form.errors:
        errors = {k: " ".join(v) for k, v in form.errors.items()}
        return JsonResponse({"detail": errors.pop("__all__", ""), "errors": errors}, status=400)
    failed = bool(form.errors or count_error)
    return render(request, "network/index.html", {
        "form": form, "rows": reminders.month_rows(handles, today), "home": _home_unit(person),
        "client_uuid": client_uuid(request) if adding and client_uuid(request) else uuid.uuid4(),
        "today": today, "count_for": count_for, "count_error": count_error,
        "count_value": request.POST.get("count", "") if count_error else "",
        "leads": bool(person.leading_roots()),
    }, status=400 if failed else 200)


@person_required
def handle_detail(request, handle_id: int):
    """A handle: its history, a dated count, and (its member) the text, link and unit."""
    h = selectors.get_handle(request.person, handle_id)
    mine = h.person_id == request.person.pk
    units = services.member_units(request.person) if mine else []
    editing = request.method == "POST" and request.POST.get("form") == "edit"
    form = SnapshotForm(None if editing else (request.POST or None), initial={"date": timezone.localdate()})
    edit = HandleEditForm(request.POST if editing else None, units=units,
                          initial={"handle": h.handle, "url": h.url, "unit": h.unit_id})
    if editing and mine and edit.is_valid():
        data = edit.cleaned_data
        try:
            services.update_handle(request.person, h, handle=data["handle"], url=data["url"],
                                   unit=data.get("unit") or None)
        except NetworkError as exc:
            edit.add_error(exc.field if exc.field in edit.fields else None, str(exc))
        else:
            messages.success(request, _("Handle changed."))
            return redirect("network:handle", h.pk)
    elif editing and not mine:
        raise Http404
    elif request.method == "POST" and form.is_valid():
        try:
            services.add_snapshot(request.person, h, date=form.cleaned_data["date"], count=form.cleaned_data["count"])
        except NetworkError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Count saved."))
            return redirect("network:handle", h.pk)
    return render(request, "network/handle.html", {
        "h": h, "form": form, "edit": edit, "history": selectors.history(h), "mine": mine,
        "can_review": services.can_review(request.person, h), "counts": _counts(h),
    }, status=400 if (form.errors or edit.errors) else 200)


@require_POST
@person_required
def handle_act(request, handle_id: int, action: str):
    """Hide, show, remove (after a confirmation step), verify or take verification back."""
    h = selectors.get_handle(request.person, handle_id)
    steps = {
        "hide": (lambda: services.update_handle(request.person, h, status="hidden"), _("Hidden: only you see it.")),
        "show": (lambda: services.update_handle(request.person, h, status="active"), _("Shown again.")),
        "remove": (lambda: services.remove_handle(request.person, h), _("Handle removed.")),
        "verify": (lambda: services.verify_handle(request.person, h), _("Marked as verified.")),
        "unverify": (lambda: services.verify_handle(request.person, h, verified=False), _("No longer verified.")),
    }
    if action not in steps:
        raise Http404
    if action == "remove" and h.person_id == request.person.pk and request.POST.get("confirm") != "yes":
        return render(request, "network/handle.html", {"h": h, "confirm_remove": True, "mine": True,
                                                       "history": selectors.history(h), "counts": _counts(h)})
    step, done = steps[action]
    try:
        step()
    except NetworkError as exc:
        messages.error(request, str(exc))
        return redirect("network:handle", h.pk)
    messages.success(request, done)
    return redirect("network:index") if action == "remove" else redirect("network:handle", h.pk)
