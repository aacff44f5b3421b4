"""Pages for answers to an event's invitation: answer from the event page, and the answers rolled up
by unit (drill down one level at a time). Each starts from visibility (selectors.get_event)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.core.decorators import person_required
from sampark.core.visibility import can_see_path
from sampark.events import rsvp, selectors
from sampark.events.services import EventError
from sampark.org.selectors import breadcrumbs


@require_POST
@person_required
def answer(request, event_id: int):
    event = selectors.get_event(request.person, event_id)
    try:
        row, _changed = rsvp.answer(request.person, event, request.POST.get("answer"), timezone.now())
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your answer: {answer}.").format(answer=row.get_answer_display()))
    return redirect("events:detail", event.pk)


@person_required
def rollup(request, event_id: int):
    person = request.person
    event = selectors.get_event(person, event_id)
    unit = rsvp.rollup_unit(person, event, request.GET.get("unit"))
    total, rows = rsvp.rollup(event, unit)
    crumbs = [u for u in breadcrumbs(unit, [event.unit_path]) if can_see_path(person, u.path)]
    return render(request, "events/rsvps.html", {"event": event, "unit": unit, "total": total, "rows": rows,
                                                 "crumbs": crumbs})
