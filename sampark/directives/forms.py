from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampark.directives.models import Directive
from sampark.org.models import Level, Unit
from sampark.people.models import LEADING_ROLES, Post, Role, team_choices


def leadable_units(person) -> list[Unit]:
    """Units the person leads, and the units directly below them: the targets the compose page offers."""
    led = list(Unit.objects.filter(pk__in=Post.objects.filter(person=person, active=True, role__in=LEADING_ROLES)
                                   .values("unit_id")).select_related("level").order_by("path"))
    below = Unit.objects.filter(parent__in=led).select_related("level").order_by("path")[:200]
    return sorted(led + [u for u in below if u not in led], key=lambda u: u.path)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type by content, size, count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/*"}))
        kwargs.setdefault("allow_empty_file", True)  # the service refuses it, naming the file
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def report_type_choices() -> list[tuple[str, str]]:
    from sampark.reports.models import ReportType

    return [("", _("No report needed"))] + [(t.code, t.name) for t in ReportType.objects.filter(active=True)]


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
                                      choices=team_choices, widget=forms.CheckboxSelectMultiple)

    required_action = forms.CharField(label=_("Required action (optional)"), max_length=300, required=False,
                                      help_text=_("For example: hold a booth meeting and report it."))
    required_report_type = forms.ChoiceField(label=_("Report it as"), required=False)
    attachments = MultipleFileField(label=_("Attachments (PDF or image, at most 5 MB each, up to 5)"),
                                    required=False)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_report_type"].choices = report_type_choices()
        self.fields["target_unit"].choices = [(u.pk, f"{u.name} ({u.level.name})") for u in leadable_units(person)]
        self.fields["levels"].choices = [(lv.code, lv.name) for lv in Level.objects.all()]


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Add an attachment"), widget=forms.ClearableFileInput(
        attrs={"accept": "application/pdf,image/*"}))


class AckForm(forms.Form):
    reply = forms.CharField(label=_("Reply (optional)"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10000)
