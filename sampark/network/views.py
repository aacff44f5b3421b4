"""Pages for the network: thin handlers, each starting from visibility (selectors.get_handle, or a
unit through Unit.objects.visible_to)."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.core.decorators import person_required
from sampark.network import selectors, services
from sampark.network.forms import HandleForm, SnapshotForm, client_uuid
from sampark.network.services import NetworkError


def _home_unit(person):
    units = services.member_units(person)
    return units[-1] if units else None


@person_required
def index(request):
    """My handles: add one (with today's count), enter new counts, hide, remove."""
    units = services.member_units(request.person)
    form = HandleForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                h, _created = services.register_handle(
                    request.person, platform=data["platform"], handle=data["handle"], url=data["url"],
                    unit=data.get("unit") or None, client_uuid=client_uuid(request), now=timezone.now())
                if (data.get("count") or "").strip():
                    services.add_snapshot(request.person, h, date=timezone.localdate(), count=data["count"])
        except NetworkError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Handle added."))
            return redirect("network:index")
    return render(request, "network/index.html", {
        "form": form, "handles": selectors.my_handles(request.person), "home": _home_unit(request.person),
        "client_uuid": client_uuid(request) or uuid.uuid4(), "today": timezone.localdate(),
    }, status=400 if form.errors else 200)


@person_required
def handle_detail(request, handle_id: int):
    h = selectors.get_handle(request.person, handle_id)
    form = SnapshotForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_snapshot(request.person, h, date=form.cleaned_data["date"], count=form.cleaned_data["count"])
        except NetworkError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Count saved."))
            return redirect("network:handle", h.pk)
    return render(request, "network/handle.html", {
        "h": h, "form": form, "history": selectors.history(h), "mine": h.person_id == request.person.pk,
        "can_review": services.can_review(request.person, h),
    }, status=400 if form.errors else 200)


@require_POST
@person_required
def handle_act(request, handle_id: int, action: str):
    h = selectors.get_handle(request.person, handle_id)
    steps = {
        "hide": (lambda: services.update_handle(request.person, h, status="hidden"), _("Hidden: only you see it.")),
        "show": (lambda: services.update_handle(request.person, h, status="active"), _("Shown again.")),
        "remove": (lambda: services.remove_handle(request.person, h), _("Handle removed.")),
        "verify": (lambda: services.verify_handle(request.person, h), _("Marked as verified.")),
        "unverify": (lambda: services.verify_handle(request.person, h, verified=False), _("No longer verified.")),
    }
    step, done = steps[action]
    try:
        step()
    except NetworkError as exc:
        messages.error(request, str(exc))
        return redirect("network:handle", h.pk)
    messages.success(request, done)
    return redirect("network:index") if action == "remove" else redirect("network:handle", h.pk)
