"""The page where a unit records a meeting it held (events.meetings): one short form."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampark.core.decorators import person_required
from sampark.events import meetings
from sampark.events.forms import DATETIME, client_uuid
from sampark.events.services import EventError


class MeetingForm(forms.Form):
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200)
    starts_at = forms.DateTimeField(label=gettext_lazy("Held on"), **DATETIME)
    ends_at = forms.DateTimeField(label=gettext_lazy("Ended (optional)"), required=False, **DATETIME)
    venue = forms.CharField(label=gettext_lazy("Venue (optional)"), max_length=300, required=False)
    attendance = forms.IntegerField(label=gettext_lazy("How many came"), min_value=1,
                                    max_value=meetings.ATTENDANCE_MAX)
    attendees = forms.TypedMultipleChoiceField(label=gettext_lazy("Members who came (optional)"), coerce=int,
                                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(p.pk, p.name) for p in meetings.members(unit)]


@person_required
def new(request):
    try:
        unit = meetings.unit_for(request.person, request.GET.get("unit"))
    except EventError as exc:
        raise PermissionDenied(str(exc)) from None
    initial = {"starts_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = MeetingForm(request.POST or None, unit=unit, initial=initial)
    cid = client_uuid(request)
    if request.method == "POST" and cid is None:
        form.add_error(None, _("The form is out of date: open it again."))
    elif request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.record_meeting(request.person, client_uuid=cid, unit=unit,
                                              **form.cleaned_data)
        except EventError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The meeting is recorded, with its attendance."))
            return redirect("events:detail", meeting.event.pk)
    return render(request, "events/meeting_new.html", {
        "form": form, "unit": unit, "client_uuid": cid or uuid.uuid4()}, status=400 if form.errors else 200)
