"""Step-up: before a page reveals phone numbers in bulk (a people export), the person gives their
second factor again if they last gave it more than SAMPARK_STEP_UP_MINUTES ago. The people app's
middleware puts ``request.second_factor`` on every request; pages below it ask here."""

from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.urls import reverse


def step_up_redirect(request, come_back: str | None = None):
    """A redirect to the second-factor page (coming back here afterwards, or to ``come_back``: a
    POST's own address cannot be come back to), or None when the person need not give it now."""
    check = getattr(request, "second_factor", None)
    if check is None:
        raise ImproperlyConfigured("the second-factor middleware (SecondFactorMiddleware) is not in MIDDLEWARE")
    if not check.step_up_needed():
        return None
    return redirect(reverse("second-factor-confirm") + "?" + urlencode({"next": come_back or request.get_full_path()}))
