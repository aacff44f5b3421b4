"""Pages for the programme, the review inside the event, photos and editing an event. Thin handlers:
each starts from selectors.get_event (404 for what the person cannot see) and calls a service; a
refused change shows its message in the user's language with nothing written."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampark.core import files
from sampark.core.decorators import person_required
from sampark.difficulties import review as district_review
from sampark.events import editing, photos, programme, review, selectors, services
from sampark.events.forms import EventForm
from sampark.events.services import EventError
from sampark.people.search import search_people

QUERY_MAX = 100


def _back(event, anchor: str) -> str:
    return reverse("events:detail", args=[event.pk]) + anchor


# --- the programme ---------------------------------------------------------------------------------

@person_required
@require_http_methods(["GET", "POST"])
def programme_page(request, event_id: int):
    """The programme with the organisers' form; ``q`` finds members by name (Roman or Devanagari)."""
    event, me = selectors.get_event(request.person, event_id), request.person
    if not services.can_manage(me, event):
        return _forbidden(request)
    ctx = {"event": event, "can_manage": True, **programme.detail_context(event, me, timezone.now())}
    status = 200
    if request.method == "POST":
        post = request.POST
        guest = post.get("person", "guest") in ("guest", "")
        try:
            programme.add_item(me, event, role=post.get("role", ""), person=None if guest else post.get("person"),
                               guest_name=post.get("guest_name", "") if guest else "",
                               guest_title=post.get("guest_title", "") if guest else "",
                               text=post.get("text", ""), now=timezone.now())
        except EventError as exc:
            ctx["programme_error"], ctx["programme_form"], status = str(exc), post, exc.status
        else:
            messages.success(request, _("Added to the programme."))
            return redirect(_back(event, "#programme"))
    q = (request.GET.get("q") or request.POST.get("q") or "")[:QUERY_MAX]
    ctx["programme_q"] = q
    ctx["programme_people"] = search_people(me, q, limit=20) if q.strip() else []
    return render(request, "events/programme.html", ctx, status=status)


def _forbidden(request):
    return render(request, "events/forbidden.html", {"message": _("Only the organisers can change this event.")},
                  status=403)


@person_required
@require_POST
def programme_item(request, event_id: int, item_id: int, action: str):
    """Remove an item, or move it up or down."""
    event, me = selectors.get_event(request.person, event_id), request.person
    try:
        if action == "remove":
            programme.remove_item(me, event, item_id)
        elif action in ("up", "down"):
            programme.move_item(me, event, item_id, action)
        else:
            raise Http404
    except EventError as exc:
        if exc.status == 403:
            return _forbidden(request)
        messages.error(request, str(exc))
    return redirect(_back(event, "#programme"))


# --- the review inside the event ---------------------------------------------------------------------

@person_required
@require_http_methods(["GET", "POST"])
def review_page(request, event_id: int):
    """Unit by unit (prev/next), what was reported, the difficulties and the instructions."""
    event, me, now = selectors.get_event(request.person, event_id), request.person, timezone.now()
    if not event.is_review:
        raise Http404
    at = request.POST.get("unit") or request.GET.get("at")
    ctx = review.review_context(event, me, at, now)
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            review.add_entry(me, event, unit=post.get("unit", ""), kind=post.get("kind", ""),
                             text=post.get("text", ""), owner=post.get("owner") or None, due=post.get("due") or None,
                             now=now)
        except EventError as exc:
            if exc.status == 403:
                return _forbidden(request)
            ctx["error"], ctx["form"], status = str(exc), post, exc.status
        else:
            messages.success(request, _("Recorded."))
            return redirect(reverse("events:review", args=[event.pk]) + f"?at={ctx['current'].pk}")
    ctx["owner_q"] = request.GET.get("owner_q", "")[:QUERY_MAX]
    ctx["owners"] = district_review.owner_choices(me, ctx["current"], ctx["owner_q"]) if ctx["can_record"] else []
    return render(request, "events/review.html", ctx, status=status)


# --- photos -------------------------------------------------------------------------------------

@person_required
@require_POST
def photo_add(request, event_id: int):
    event, me = selectors.get_event(request.person, event_id), request.person
    try:
        photos.add_photo(me, event, photo_id=request.POST.get("id", ""), upload=request.FILES.get("file"),
                         caption=request.POST.get("caption", ""), now=timezone.now())
    except EventError as exc:
        if exc.status == 403:
            return _forbidden(request)
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The photo was added."))
    return redirect(_back(event, "#photos"))


@person_required
@require_POST
def photo_remove(request, event_id: int, photo_id):
    event, me = selectors.get_event(request.person, event_id), request.person
    try:
        photos.remove_photo(me, event, photo_id)
    except EventError:
        return _forbidden(request)
    messages.success(request, _("The photo was removed."))
    return redirect(_back(event, "#photos"))


@person_required
def photo(request, event_id: int, photo_id):
    return files.serve_file(request, photos.photo_of(request.person, event_id, photo_id).file,
                            content_type="image/jpeg", max_age=86400)


@person_required
def photo_thumb(request, event_id: int, photo_id):
    return files.serve_thumbnail(request, photos.photo_of(request.person, event_id, photo_id).file)


# --- editing ------------------------------------------------------------------------------------

@person_required
@require_http_methods(["GET", "POST"])
def edit(request, event_id: int):
    event, me = selectors.get_event(request.person, event_id), request.person
    if not services.can_manage(me, event):
        return _forbidden(request)
    form = EventForm(request.POST or None, person=me, initial=editing.form_initial(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(me, event, now=timezone.now(), **form.cleaned_data)
        except EventError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("events:detail", event.pk)
    return render(request, "events/edit.html", {"form": form, "event": event}, status=400 if form.errors else 200)
