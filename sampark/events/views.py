"""Pages for events: thin handlers, each starting from visibility (selectors.get_event)."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.core.decorators import person_required
from sampark.events import checkins, photos, programme, report, review, rsvp, selectors, services
from sampark.events.forms import EventForm, client_uuid
from sampark.events.services import EventError


@person_required
def index(request):
    now = timezone.now()
    return render(request, "events/index.html", {
        "upcoming": selectors.upcoming(request.person, now), "past": selectors.past(request.person, now),
        "can_organise": bool(request.person.leading_roots()), "now": now,
    })


@person_required
def new(request):
    form = EventForm(request.POST or None, person=request.person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            event, _created = services.create_event(
                request.person, client_uuid=client_uuid(request), publish="publish" in request.POST,
                now=timezone.now(), **data)
        except EventError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Invitations sent.") if event.is_published else _("Saved as a draft."))
            return redirect("events:detail", event.pk)
    return render(request, "events/new.html", {"form": form, "client_uuid": client_uuid(request) or uuid.uuid4()},
                  status=400 if form.errors else 200)


@person_required
def detail(request, event_id: int):
    event, now = selectors.get_event(request.person, event_id), timezone.now()
    ctx = {"event": event, "can_manage": services.can_manage(request.person, event), "now": now}
    # Each part of the event adds what its section of the page (events/_<part>.html) shows.
    for part in (rsvp, programme, checkins, review, photos, report):
        ctx.update(part.detail_context(event, request.person, now))
    return render(request, "events/detail.html", ctx)


@require_POST
@person_required
def act(request, event_id: int, action: str):
    event = selectors.get_event(request.person, event_id)
    steps = {"publish": (services.publish_event, _("Invitations sent.")),
             "cancel": (services.cancel_event, _("The event is cancelled; its invitation was withdrawn."))}
    step, done = steps[action]
    try:
        step(request.person, event, now=timezone.now())
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("events:detail", event.pk)
