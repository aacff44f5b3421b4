from django import template
from django.utils.translation import get_language

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
