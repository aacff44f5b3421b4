"""The platforms' setup page (/setup/network/): the Centre's leaders add a platform, change its names
and hosts, or deactivate it; a state's leaders may look; anybody else gets 404 (people.visibility.
setup_access, as every setup page). A refused change answers 400 with its message, nothing written."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.core.decorators import person_required
from sampark.network import setup
from sampark.network.models import Platform
from sampark.org.setup import SetupError
from sampark.people.visibility import SETUP_EDIT, setup_access

FIELDS = ("name_hi", "name_en", "hosts", "counts_hi", "counts_en")


def _platform(raw) -> Platform:
    text = str(raw or "").strip()
    p = Platform.objects.filter(pk=int(text)).first() if text.isdigit() and int(text) < 2**63 else None
    if p is None:
        raise Http404
    return p


def _add(me, data) -> str:
    setup.add_platform(me, code=data.get("code"), **{f: data.get(f) for f in FIELDS})
    return _("The platform was added.")


def _update(me, data) -> str:
    setup.update_platform(me, _platform(data.get("platform")), active=data.get("active") in ("1", "on", "true"),
                          **{f: data.get(f) for f in FIELDS})
    return _("Saved.")


@person_required
@require_http_methods(["GET", "POST"])
def platforms(request):
    access = setup_access(request.person)
    if access is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        action = {"add_platform": _add, "update_platform": _update}.get(request.POST.get("op", ""))
        if access != SETUP_EDIT:
            error, status = _("Only the Centre's leaders change the setup; you may look."), 403
        elif action is None:
            error, status = _("Unknown action."), 400
        else:
            try:
                done = action(request.person, request.POST)
            except SetupError as exc:
                error, status = str(exc), 400
            else:
                messages.success(request, done)
                return redirect(request.path)
    return render(request, "network/setup.html", {
        "platforms": Platform.objects.all(), "edit": access == SETUP_EDIT, "error": error,
        "form": request.POST if status != 200 else {}}, status=status)
