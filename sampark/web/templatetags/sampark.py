from django import template
from django.utils.html import json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sampark.core.text import indian_grouping

register = template.Library()


@register.filter
def num(value):
    """Numbers in Indian grouping (1,05,000) in Hindi; international grouping in English."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return value
    if (get_language() or "hi").startswith("hi"):
        return indian_grouping(n)
    return f"{n:,}"


@register.filter
def phone(value):
    """+919000000004 -> +91 90000 00004 (also for masked numbers), easier to read and dial."""
    value = str(value or "")
    if value.startswith("+91") and len(value) == 13:
        return f"+91 {value[3:8]} {value[8:]}"
    return value


@register.simple_tag
def outbox_texts():
    """The words the phone's outbox list uses (web/app.js), in the page's language."""
    return json_script({
        "report": _("Report"), "ack": _("Acknowledgement"), "difficulty": _("Difficulty"),
        "waiting": _("Waiting to send"), "sent": _("Sent"), "rejected": _("Refused"),
        "photo": _("Sent; photo waiting"), "offline": _("No network; will retry."),
        "busy": _("The server is busy; will retry."), "login": _("Log in again to send."),
        "photoRejected": _("Photo not accepted:"),
        "checkin": _("Check-in"),
        "network": _("Social media count"),
        "network_handle": _("Social media handle"),
    }, "outbox-texts")
