"""A leader asks to move a member out of the part they lead: the place is found by name among the
units of the leader's state (names of places only: no people, counts or activity), and a leader
above both places decides (people.views.transfers)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404
from sampark.org.models import Unit
from sampark.people import services
from sampark.people.models import Person, Post, Role, Team
from sampark.people.search import QUERY_MAX
from sampark.people.transfers import destination_parent, destinations

MAX_ID = 2**63 - 1


def _id(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


@person_required
@require_http_methods(["GET", "POST"])
def person_transfer(request, person_id: int):
    """GET: the destination chooser (``q`` a name, ``under`` a unit to look inside, ``post`` the post
    whose role and team the new one takes). POST: ask for the transfer (``to_unit``, ``role``, ``team``)."""
    me = request.person
    if person_id > MAX_ID:
        raise Http404
    person = get_visible_or_404(Person, me, pk=person_id)
    if not services.may_manage(me, person):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    posts = list(Post.objects.filter(person=person, active=True).order_by("created_at", "pk"))
    moved = next((p for p in posts if p.pk == _id(data.get("post"))), posts[0] if posts else None)
    query = data.get("q", "")[:QUERY_MAX]
    under = destination_parent(me, _id(data.get("under")))
    context = {"person": person, "q": query, "under": under, "moved": moved, "roles": Role.choices,
               "teams": Team.choices, "role": data.get("role") or (moved.role if moved else Role.WORKER),
               "team": data.get("team") or (moved.team if moved else Team.ORGANISATION)}
    if request.method == "GET":
        context["results"] = destinations(me, query, under) if (query.strip() or under) else []
        return render(request, "people/transfer_new.html", context)
    unit = Unit.objects.filter(pk=_id(data.get("to_unit"))).first()
    try:
        if unit is None:
            raise services.PeopleError(services.unknown_unit(), status=404)
        services.request_transfer(me, person, unit=unit, role=data.get("role", ""),
                                  team=data.get("team", Team.ORGANISATION))
    except services.PeopleError as exc:
        return render(request, "people/transfer_new.html", {**context, "results": [], "error": str(exc)},
                      status=404 if exc.status == 404 else 400)
    messages.success(request, _("Transfer requested: a leader above both places decides."))
    return redirect("people:transfers")
