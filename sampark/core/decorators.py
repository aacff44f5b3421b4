"""Page decorators every app's views share (the people app's middleware sets ``request.person``)."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def person_required(view):
    """Pages for logged-in people; others go to the login page and come back here afterwards."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.person is None:
            if request.method == "GET":
                return redirect(reverse("login") + "?" + urlencode({"next": request.get_full_path()}))
            return redirect("login")
        return view(request, *args, **kwargs)

    return wrapper
