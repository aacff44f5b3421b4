"""Pages for members: a person's page (posts now and before, each with its unit path), and the
forms a leader uses inside the units they lead: add a member, correct names and language, give,
end and move posts. Every write goes through people.services (atomic, audited)."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampark.core import paths
from sampark.core.activity import recent_activity
from sampark.core.audit import AuditEntry
from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404, leading_roots
from sampark.org.models import Unit
from sampark.people import deactivation, services
from sampark.people.models import Person, Post, Role, Team, TransferRequest
from sampark.people.phones import may_reveal
from sampark.people.selectors import unit_labels
from sampark.people.teams import team_choices

MAX_ID = 2**63 - 1
ACTIVITY = 10  # recent acknowledgements, reports and difficulties on a person's page
SIBLINGS = 300  # units offered in a picker: those beside the person's posts, enough for one mandal


def _id(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def _picker(viewer, posts) -> list[Unit]:
    """Units the viewer leads beside the person's active posts (same parent), and the viewer's own
    top units: where a post may be given or moved to."""
    roots = leading_roots(viewer)
    parents = {p.unit.parent_id for p in posts if p.active and p.unit.parent_id}
    q = Q(path__in=roots)
    if parents:
        q |= Q(parent_id__in=parents)
    units = Unit.objects.filter(q).select_related("level").order_by("path")[:SIBLINGS]
    return [u for u in units if paths.in_subtrees(u.path, roots)]


def _person_page(request, person: Person, *, status: int = 200, error: str = "", form=None, revealed: str = ""):
    me = request.person
    posts = list(Post.objects.visible_to(me).filter(person=person).select_related("unit__level")
                 .order_by("-active", "-created_at", "-pk"))
    active = [p for p in posts if p.active]
    manage = services.may_manage(me, person)
    picker = _picker(me, posts) if manage else []
    labels = unit_labels(me, [p.unit for p in posts] + picker)
    for p in posts:
        p.label = labels[p.unit_id]
    for u in picker:
        u.label = labels[u.pk]
    reactivate = deactivation.may_reactivate(me, person)
    added = AuditEntry.objects.filter(action="person.create", object_type="people.person",
                                      object_id=str(person.pk)).first()
    added_by = (Person.objects.visible_to(me).filter(pk=added.actor_id).first()
                if added and added.actor_id else None)
    return render(request, "people/person.html", {
        "person": person, "active": active, "ended": [p for p in posts if not p.active],
        # Masked for everyone but the person; a leader above reveals it (logged, capped: people.phones).
        "own": person.pk == me.pk, "revealed": revealed,
        "may_reveal": person.pk != me.pk and may_reveal(me, person, [p.unit_path for p in active]),
        "activity": recent_activity(me, person, ACTIVITY),
        "manage": manage, "picker": picker, "roles": Role.choices, "teams": team_choices(with_inactive=False),
        "added": added, "added_by": added_by, "error": error, "form": form or {}, "reactivate": reactivate,
    }, status=status)


def _managed(request, person_id: int) -> Person:
    person = get_visible_or_404(Person, request.person, pk=person_id)
    if not services.may_manage(request.person, person):
        raise Http404
    return person


@person_required
def person_detail(request, person_id: int):
    if person_id > MAX_ID:
        raise Http404
    # A member deactivated where the viewer leads stays on its page, to be reactivated.
    person = (Person.objects.visible_to(request.person).filter(pk=person_id).first()
              or deactivation.deactivated_in_reach(request.person, person_id))
    if person is None:
        raise Http404
    return _person_page(request, person)


@person_required
@require_POST
def person_edit(request, person_id: int):
    person = _managed(request, person_id)
    try:
        services.update_person(request.person, person, name_hi=request.POST.get("name_hi", ""),
                               name_en=request.POST.get("name_en", ""), lang=request.POST.get("lang", ""))
    except services.PeopleError as exc:
        return _person_page(request, person, status=400, error=str(exc), form=request.POST)
    messages.success(request, _("Saved."))
    return redirect("people:person", person.pk)


def _unit_from(request, person) -> Unit:
    unit = Unit.objects.filter(pk=_id(request.POST.get("unit"))).first()
    if unit is None:
        raise services.PeopleError(services.unknown_unit(), status=404)
    return unit


@person_required
@require_POST
def person_post(request, person_id: int):
    """Give a post at a unit the leader leads."""
    person = _managed(request, person_id)
    try:
        services.add_post(request.person, person=person, unit=_unit_from(request, person),
                          role=request.POST.get("role", ""), team=request.POST.get("team", Team.ORGANISATION))
    except services.PeopleError as exc:
        return _person_page(request, person, status=400, error=str(exc), form=request.POST)
    messages.success(request, _("The post was given."))
    return redirect("people:person", person.pk)


def _own_post(request, post_id: int) -> Post:
    post = get_visible_or_404(Post.objects.select_related("person", "unit"), request.person, pk=post_id)
    if not services.may_manage(request.person, post.person):
        raise Http404
    return post


@person_required
@require_POST
def post_end(request, post_id: int):
    post = _own_post(request, post_id)
    try:
        services.end_member_post(request.person, post)
    except services.PeopleError as exc:
        return _person_page(request, post.person, status=400, error=str(exc))
    messages.success(request, _("The post was ended; it stays in the history."))
    return redirect("people:person", post.person_id)


@person_required
@require_POST
def post_move(request, post_id: int):
    """Move a post to another unit the leader leads (the old one ends, kept in the history)."""
    post = _own_post(request, post_id)
    try:
        services.move_member(request.person, post, unit=_unit_from(request, post.person))
    except services.PeopleError as exc:
        return _person_page(request, post.person, status=400, error=str(exc))
    messages.success(request, _("Moved."))
    return redirect("people:person", post.person_id)


@person_required
@require_http_methods(["GET", "POST"])
def member_new(request):
    """Add a member at a unit the leader leads (``?unit=`` prefills it, from the unit's page)."""
    me = request.person
    if not leading_roots(me):
        return render(request, "people/member_new.html", {"refused": True}, status=403)
    data = request.POST if request.method == "POST" else request.GET
    unit_id = _id(data.get("unit"))
    unit = get_visible_or_404(Unit.objects.select_related("level"), me, pk=unit_id) if unit_id else None
    context = {"unit": unit, "roles": Role.choices, "teams": team_choices(with_inactive=False), "form": data}
    if request.method == "GET":
        # Most people added are workers: the form starts there, not at the first role of the list.
        # A vacancy's "fill" link names the role and team (?role=worker&team=social_media); unknown ones are dropped.
        asked = data.dict()
        for key, known in (("role", Role.values), ("team", [code for code, _n in team_choices(with_inactive=False)])):
            if asked.get(key) not in known:
                asked.pop(key, None)
        context["form"] = {"role": Role.WORKER, **asked}
        return render(request, "people/member_new.html", context)
    try:
        if unit is None:
            raise services.PeopleError(services.unknown_unit(), status=404)
        done = services.add_member(me, unit=unit, phone=data.get("phone", ""), role=data.get("role", ""),
                                   team=data.get("team", Team.ORGANISATION), name_hi=data.get("name_hi", ""),
                                   name_en=data.get("name_en", ""), lang=data.get("lang", "hi"))
    except services.PeopleError as exc:
        return render(request, "people/member_new.html", {**context, "error": str(exc)},
                      status=404 if exc.status == 404 else 400)
    if isinstance(done, TransferRequest):
        messages.info(request, _("This phone number belongs to a member elsewhere: a transfer was requested, "
                                 "which a leader above both places decides."))
        return redirect(reverse("unit", args=[unit.pk]))
    messages.success(request, _("Member added."))
    return redirect("people:person", done.pk)
