"""Pages for erasure and deactivation: a member asks for erasure (or withdraws consent) from "my
data"; their coordinators see the waiting requests and may erase at once; a leader deactivates or
reactivates a member from the person's page. Each button stands behind a confirmation that says what
happens; the server checks it was given (``confirm=yes``)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.core import paths
from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404, leading_roots
from sampark.people import deactivation, erasure, services
from sampark.people.models import ErasureRequest, Person, Post
from sampark.people.selectors import unit_labels

MAX_ID = 2**63 - 1
SHOWN = 200


def _confirmed(request) -> bool:
    if request.POST.get("confirm") == "yes":
        return True
    messages.error(request, _("Nothing was done: confirm first."))
    return False


@person_required
@require_POST
def ask_erasure(request):
    """From /account/data/: ``reason`` is erasure or withdraw_consent."""
    if _confirmed(request):
        try:
            req, _new = erasure.request_erasure(request.person, request.POST.get("reason", ""))
        except services.PeopleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request is recorded. Your data will be erased on {date}, or sooner "
                                        "if your coordinator confirms it.").format(date=_day(req.due_at)))
    return redirect("my-data")


def _day(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


@person_required
@require_GET
def erasures(request):
    """Waiting requests of the members the viewer leads (and the viewer's own)."""
    me = request.person
    waiting = list(ErasureRequest.objects.visible_to(me).filter(done_at__isnull=True).exclude(person=me)
                   .select_related("person").order_by("due_at", "pk")[:SHOWN])
    posts = list(Post.objects.visible_to(me).filter(person_id__in=[r.person_id for r in waiting], active=True)
                 .select_related("unit"))
    labels = unit_labels(me, [p.unit for p in posts])
    roots = leading_roots(me)
    for r in waiting:
        theirs = [p for p in posts if p.person_id == r.person_id]
        r.places = [labels[p.unit_id] for p in theirs]
        r.may_erase = any(paths.in_subtrees(p.unit_path, roots) for p in theirs)  # services.may_manage
    return render(request, "people/erasures.html", {"waiting": waiting, "own": erasure.pending_request(me)})


@person_required
@require_POST
def erase_now(request, request_id: int):
    if request_id > MAX_ID:
        raise Http404
    req = get_visible_or_404(ErasureRequest.objects.filter(done_at__isnull=True), request.person, pk=request_id)
    if req.person_id == request.person.pk:
        raise Http404  # one's own is erased by a coordinator, or when its time comes
    if _confirmed(request):
        try:
            erasure.confirm_erasure(request.person, req)
        except services.PeopleError as exc:
            if exc.status == 404:
                raise Http404 from None
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Erased. The member's reports and counts stay, under a pseudonym."))
    return redirect("people:erasures")


def _person(request, person_id: int) -> Person:
    if person_id > MAX_ID:
        raise Http404
    return get_visible_or_404(Person, request.person, pk=person_id)


@person_required
@require_POST
def person_deactivate(request, person_id: int):
    person = _person(request, person_id)
    if not services.may_manage(request.person, person):
        raise Http404
    if _confirmed(request):
        deactivation.deactivate_person(request.person, person)
        messages.success(request, _("Deactivated: their posts ended and they can no longer log in."))
        return redirect("people:person", person.pk)
    return redirect("people:person", person.pk)


@person_required
@require_POST
def person_reactivate(request, person_id: int):
    person = deactivation.deactivated_in_reach(request.person, person_id) if person_id <= MAX_ID else None
    if person is None:
        raise Http404
    if _confirmed(request):
        deactivation.reactivate_person(request.person, person)
        messages.success(request, _("Reactivated: they may log in again, with their posts here."))
    return redirect("people:person", person.pk)
