from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampark.directives.models import Directive
from sampark.org.models import Level, Unit
from sampark.people.models import LEADING_ROLES, Post, Role, Team


def leadable_units(person) -> list[Unit]:
    """Units the person leads, and the units directly below them: the targets the compose page offers."""
    led = list(Unit.objects.filter(pk__in=Post.objects.filter(person=person, active=True, role__in=LEADING_ROLES)
                                   .values("unit_id")).select_related("level").order_by("path"))
    below = Unit.objects.filter(parent__in=led).select_related("level").order_by("path")[:200]
    return sorted(led + [u for u in below if u not in led], key=lambda u: u.path)


class ComposeForm(forms.Form):
    target_unit = forms.TypedChoiceField(label=_("Send to"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10000)
    priority = forms.ChoiceField(label=_("Priority"), choices=Directive.Priority.choices, initial="normal",
                                 widget=forms.RadioSelect)
    requires_ack = forms.BooleanField(label=_("Acknowledgement required"), required=False, initial=True)
    due_at = forms.DateTimeField(label=_("Due by"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    levels = forms.MultipleChoiceField(label=_("Only these levels"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    roles = forms.MultipleChoiceField(label=_("Only these roles"), required=False, choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple)
    teams = forms.MultipleChoiceField(label=pgettext_lazy("filter", "Only these teams"), required=False,
                                      choices=Team.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_unit"].choices = [(u.pk, f"{u.name} ({u.level.name})") for u in leadable_units(person)]
        self.fields["levels"].choices = [(lv.code, lv.name) for lv in Level.objects.all()]


class AckForm(forms.Form):
    reply = forms.CharField(label=_("Reply (optional)"), max_length=500, required=False)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10000)
