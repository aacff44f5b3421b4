"""Pages for difficulties and the district review: thin handlers, each starting from visibility."""

import uuid
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from sampark.core import files, tables
from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404, visible_roots
from sampark.difficulties import exports, review, selectors, services
from sampark.difficulties.models import ActionItem, Difficulty, DifficultyCategory, Status
from sampark.org import selectors as org_selectors
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Person, Post
from sampark.people.search import search_units

RATINGS = [1, 2, 3, 4, 5]
AREA_CHILDREN = 500
AREA_STATUS_LABELS = [
    ("all", pgettext_lazy("difficulty filter", "All")), ("open", gettext_lazy("Open")), ("with_me", gettext_lazy("With me")),
    ("below", gettext_lazy("Waiting below me")), ("answered", gettext_lazy("Answered")),
    ("solved", gettext_lazy("Solved")),
]


def _difficulty(request, difficulty_id):
    return get_visible_or_404(
        Difficulty.objects.select_related("category", "unit__level", "handling_unit__level", "raised_by",
                                          "assigned_to", "closed_by_unit"),
        request.person, pk=difficulty_id)


@person_required
def index(request):
    me, now = request.person, timezone.now()
    review_units = [p.unit for p in Post.objects.filter(person=me, active=True, role__in=LEADING_ROLES)
                    .select_related("unit__level").order_by("unit_path") if p.unit.child_count]
    return render(request, "difficulties/index.html", {
        "mine": selectors.raised_by(me), "waiting": selectors.waiting_for(me),
        "updates": selectors.recent_updates(me), "items": selectors.action_items_owned(me),
        "review_units": review_units, "now": now, "today": timezone.localdate(now),
    })


def _area_filter(request):
    """The list's filters from the query string: a bad value is a message (400), an unseen unit 404."""
    g = request.GET
    return selectors.area_filter(request.person, status=g.get("status", ""), category=g.get("category", ""),
                                 unit=g.get("unit"), older_than_days=g.get("age"), order=g.get("order", ""),
                                 page=g.get("page") or 1)


@person_required
def area(request):
    """All difficulties in the person's area, filtered by status, category, unit and age, paged."""
    me, now = request.person, timezone.now()
    try:
        f = _area_filter(request)
    except selectors.AreaFilterError as exc:
        if exc.status == 404:
            raise Http404 from exc
        return render(request, "difficulties/area.html", {
            "error": exc.message, "f": selectors.AreaFilter(), "query": "", "q_nostatus": "", "q_nounit": "",
            **area_choices(me, None, "")}, status=400)
    page = selectors.area_list(me, f, now)
    return render(request, "difficulties/area.html", {
        "f": f, "p": page, "now": now, **_area_queries(request.GET),
        "tabs": [(code, label, page.counts[code]) for code, label in AREA_STATUS_LABELS],
        **area_choices(me, f.unit, request.GET.get("uq", "")),
    })


def _area_queries(get) -> dict:
    """The query string without the page (for the pager and exports), and also without the status or
    the unit (for the links that set them)."""
    def without(*names):
        q = get.copy()
        for name in ("page", "uq", *names):
            q.pop(name, None)
        return q.urlencode()

    return {"query": without(), "q_nostatus": without("status"), "q_nounit": without("unit")}


@person_required
def area_export(request, fmt: str):
    """The list's rows with the same filters, every page, as CSV or Excel."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    me = request.person
    try:
        f = _area_filter(request)
    except selectors.AreaFilterError as exc:
        if exc.status == 404:
            raise Http404 from exc
        return HttpResponseBadRequest(exc.message)
    qs = selectors.area_rows(me, f, timezone.now())
    if problem := tables.too_many_rows(fmt, qs.count()):
        return HttpResponseBadRequest(problem)
    roots = [f.unit.path] if f.unit is not None else visible_roots(me)
    name = "difficulties-{unit}-{day:%Y%m%d}.{fmt}".format(unit=f.unit.pk if f.unit else "area",
                                                           day=timezone.localdate(), fmt=fmt)
    return tables.table_response(name, fmt, exports.columns(), exports.rows(qs, roots), title=_("Difficulties"))


def area_choices(me, unit, unit_query: str) -> dict:
    """The filter form's choices: categories, statuses, ages, the unit's path and the units below
    it to drill down to (or the person's own top units), and units found by name."""
    if unit is None:
        tops = list(Unit.objects.filter(path__in=visible_roots(me)).select_related("level").order_by("path"))
        # One top unit: its whole area is that unit, so offer the units right below it.
        below = list(org_selectors.children(tops[0])[:AREA_CHILDREN]) if len(tops) == 1 else tops
        crumbs = []
    else:
        below = list(org_selectors.children(unit)[:AREA_CHILDREN])
        crumbs = [*org_selectors.breadcrumbs(unit, visible_roots(me)), unit]
    return {
        "categories": list(DifficultyCategory.objects.all()), "statuses": AREA_STATUS_LABELS,
        "ages": selectors.AREA_AGES, "below": below, "unit_crumbs": crumbs,
        "unit_query": unit_query, "found_units": search_units(me, unit_query, limit=10) if unit_query.strip() else [],
    }


@person_required
def new(request):
    me = request.person
    units = [p.unit for p in Post.objects.filter(person=me, active=True).select_related("unit__level")
             .order_by("-unit_path")]
    categories = list(DifficultyCategory.objects.filter(active=True))
    ctx = {"units": units, "categories": categories, "key": uuid.uuid4(), "values": {}}
    # The phone's outbox sending a difficulty made with no network (web/app.js) wants JSON back.
    outbox = request.headers.get("X-Sampark-Outbox") == "1"
    if request.method == "POST":
        ctx["values"] = request.POST
        status = 400
        try:
            key = uuid.UUID(request.POST.get("id", ""))
            unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
            if unit is None:
                raise services.DifficultyError(_("Choose the unit where you hold a post."))
            d, created = services.raise_difficulty(
                me, id=key, unit=unit, category=request.POST.get("category", ""), text=request.POST.get("text", ""),
                link=request.POST.get("link", ""), photo=request.FILES.get("photo"), now=timezone.now())
        except ValueError:
            ctx["error"] = _("The form expired; please send it again.")
        except services.DifficultyError as exc:
            ctx["error"], ctx["key"], status = exc.message, request.POST.get("id"), exc.status
        else:
            messages.success(request, _("Your difficulty has been sent."))
            if outbox:  # a retry of the same id answers the same, once more
                url = reverse("difficulties:detail", args=[d.pk])
                return JsonResponse({"id": str(d.pk), "url": url}, status=201 if created else 200)
            return redirect("difficulties:detail", d.pk)
        if outbox:
            return JsonResponse({"detail": ctx["error"]}, status=status)
        return render(request, "difficulties/new.html", ctx, status=400)
    return render(request, "difficulties/new.html", ctx)


@person_required
def detail(request, difficulty_id):
    d = _difficulty(request, difficulty_id)
    me = request.person
    acts = services.can_act(me, d)
    return render(request, "difficulties/detail.html", {
        "d": d, "history": selectors.history(d), "can_act": acts, "is_raiser": d.raised_by_id == me.pk,
        "candidates": selectors.merge_candidates(d, me) if acts else [],
        "people": selectors.assignable_people(d) if acts and d.status in (Status.OPEN, Status.REOPENED) else [],
        "ratings": RATINGS, "now": timezone.now(), "Status": Status,
    })


def _photo_of(request, difficulty_id) -> str:
    """The difficulty's photo file, for a person who may see the difficulty (else 404)."""
    d = get_visible_or_404(Difficulty.objects.all(), request.person, pk=difficulty_id)
    if not d.photo:
        raise Http404
    return d.photo


@person_required
def photo(request, difficulty_id):
    return files.serve_file(request, _photo_of(request, difficulty_id))


@person_required
def photo_thumb(request, difficulty_id):
    return files.serve_thumbnail(request, _photo_of(request, difficulty_id))


@person_required
@require_POST
def act(request, difficulty_id, action):
    d = _difficulty(request, difficulty_id)
    me, now, post = request.person, timezone.now(), request.POST
    try:
        if action == "answer":
            services.answer_difficulty(me, d, text=post.get("text", ""), now=now)
        elif action == "request-info":
            services.request_info(me, d, text=post.get("text", ""), now=now)
        elif action == "info":
            services.give_info(me, d, text=post.get("text", ""), now=now)
        elif action == "assign":
            person = Person.objects.visible_to(me).filter(pk=post.get("person") or 0).first()
            if person is None:
                raise services.DifficultyError(_("Choose a person."))
            services.assign_difficulty(me, d, person=person, text=post.get("text", ""), now=now)
        elif action == "merge":
            ids = [i for i in post.getlist("ids") if _is_uuid(i)]
            others = list(Difficulty.objects.visible_to(me).filter(pk__in=ids))
            services.merge_difficulties(me, d, others, now=now)
        elif action == "reopen":
            services.reopen_difficulty(me, d, rating=post.get("rating"), text=post.get("text", ""), now=now)
        elif action == "confirm":
            services.confirm_difficulty(me, d, rating=post.get("rating"), text=post.get("text", ""), now=now)
        else:
            raise Http404
    except services.DifficultyError as exc:
        messages.error(request, exc.message)
    return redirect("difficulties:detail", d.pk)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# ---- the district review -----------------------------------------------------------------------

def _review_unit(request, unit_id):
    unit = get_visible_or_404(Unit.objects.select_related("level", "parent"), request.person, pk=unit_id)
    if not services.can_review(request.person, unit):
        raise Http404
    return unit


@person_required
def review_page(request, unit_id):
    unit = _review_unit(request, unit_id)
    ctx = review.review_context(unit, request.GET.get("at"), timezone.now())
    ctx["owner_q"] = request.GET.get("owner_q", "")[:100]
    ctx["owners"] = review.owner_choices(request.person, ctx["current"], ctx["owner_q"])
    return render(request, "difficulties/review.html", ctx)


@person_required
@require_POST
def review_add(request, unit_id, what):
    unit = _review_unit(request, unit_id)
    child = get_visible_or_404(Unit.objects.all(), request.person, pk=request.POST.get("unit") or 0,
                               parent=unit)
    me, post = request.person, request.POST
    try:
        if what == "note":
            services.add_review_note(me, child, text=post.get("text", ""), now=timezone.now())
        elif what == "item":
            owner_id = post.get("owner", "")
            if not owner_id.isdigit() or len(owner_id) > 18:
                raise services.DifficultyError(_("Choose an owner."))
            # Only the reviewer or someone with a post in the unit's subtree; anyone else names nothing.
            owner = get_visible_or_404(Person.objects.all(), me, pk=int(owner_id))
            if not review.may_own(owner, child, me):
                raise Http404
            services.add_action_item(me, child, owner=owner, text=post.get("text", ""),
                                     due_on=_date(post.get("due_on")), now=timezone.now())
        else:
            raise Http404
    except services.DifficultyError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("difficulties:review", args=[unit.pk]) + f"?at={child.pk}")


def _date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


@person_required
@require_POST
def item_done(request, item_id):
    item = get_visible_or_404(ActionItem.objects.all(), request.person, pk=item_id)
    try:
        services.complete_action_item(request.person, item, now=timezone.now())
    except services.DifficultyError as exc:
        messages.error(request, exc.message)
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/difficulties/") else "difficulties:index")


@person_required
def review_pdf(request, unit_id):
    """The whole review (every unit below, notes and action items) as a Hindi PDF via WeasyPrint."""
    unit = _review_unit(request, unit_id)
    ctx = review.summary_context(unit, timezone.now())
    html = render(request, "difficulties/review_pdf.html", ctx).content.decode()
    try:
        from weasyprint import HTML
    except ImportError:  # WeasyPrint or its Pango libraries missing: the printable page still works
        return HttpResponse(html)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{unit.pk}.pdf"'
    return response
