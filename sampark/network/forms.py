"""Forms of the network's pages: they only parse; the services check and write."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from sampark.network.models import Platform


class HandleForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"))
    handle = forms.CharField(label=_("Handle (name after @)"), max_length=100, required=False)
    url = forms.CharField(label=_("Link to your page or profile"), max_length=300)
    count = forms.CharField(label=_("Followers / subscribers today"), required=False,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", "—")] + [(p.code, p.name) for p in Platform.objects.filter(active=True)]
        self.fields["unit"].choices = [(u.pk, f"{u.name} ({u.level.name})") for u in units]
        if len(units) < 2:
            self.fields["unit"].widget = forms.HiddenInput()


class HandleEditForm(forms.Form):
    """The member changes their handle's text, link or unit (services.update_handle checks them)."""

    handle = forms.CharField(label=_("Handle (name after @)"), max_length=100, required=False)
    url = forms.CharField(label=_("Link to your page or profile"), max_length=300)
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, f"{u.name} ({u.level.name})") for u in units]
        if len(units) < 2:
            self.fields["unit"].widget = forms.HiddenInput()


class SnapshotForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.CharField(label=_("Count"), widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


def client_uuid(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("client_uuid", ""))
    except ValueError:
        return None
