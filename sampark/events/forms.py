import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampark.directives.forms import leadable_units
from sampark.events.models import EventKind
from sampark.org.models import Level
from sampark.people.models import Role, team_choices

DATETIME = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]}


class EventForm(forms.Form):
    """The page's fields; the service checks them again and names what is wrong."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of event"))
    unit = forms.TypedChoiceField(label=_("Organised by"), coerce=int)
    starts_at = forms.DateTimeField(label=_("Starts"), **DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), **DATETIME)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    description = forms.CharField(label=_("About the event"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    capacity = forms.IntegerField(label=_("Capacity (optional)"), required=False, min_value=1)
    audience_unit = forms.TypedChoiceField(label=_("Invite"), coerce=int, required=False)
    levels = forms.MultipleChoiceField(label=_("Only these levels"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    roles = forms.MultipleChoiceField(label=_("Only these roles"), required=False, choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple)
    teams = forms.MultipleChoiceField(label=pgettext_lazy("filter", "Only these teams"), required=False,
                                      choices=team_choices, widget=forms.CheckboxSelectMultiple)
    is_review = forms.BooleanField(label=_("A review: record each unit's activities, difficulties and instructions"),
                                   required=False)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(u.pk, f"{u.name} ({u.level.name})") for u in leadable_units(person)]
        self.fields["unit"].choices = units
        self.fields["audience_unit"].choices = [("", _("The organising unit"))] + units
        self.fields["kind"].choices = [(k.code, k.name) for k in EventKind.objects.filter(active=True)]
        self.fields["levels"].choices = [(lv.code, lv.name) for lv in Level.objects.all()]


def client_uuid(request) -> uuid.UUID | None:
    """The id a page's form was given when it was shown: sending the form again (a retry, a double
    tap) sends the same id, and the service takes it once."""
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return None
