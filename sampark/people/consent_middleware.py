"""Holds a logged-in person who has not consented to the current privacy notice (people.notice) on the
notice page: every other page redirects there and comes back afterwards, except logging in and out,
the language switch, the public pages, the second factor's pages (asked first, by
people.twofactor_middleware) and "my data" (the right of access does not wait for consent). The API
is held by its own authentication (sampark.api.auth), which sees token callers too."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from sampark.people import consent
from sampark.people.twofactor_middleware import OPEN as SECOND_FACTOR_OPEN

# Pages a person who has not consented may open (URL names).
OPEN = SECOND_FACTOR_OPEN | {"consent", "my-data", "ask-erasure"}  # asking to be erased needs no consent


class ConsentMiddleware:
    """Place after sampark.people.twofactor_middleware.SecondFactorMiddleware (the second factor is
    asked first) and after sampark.web.middleware.LanguageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = request.person
        if person is not None and not request.path_info.startswith("/api/") and not consent.has_consented(person):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = None
            if name is not None and name not in OPEN:
                target = reverse("consent")
                if request.method == "GET":
                    return redirect(target + "?" + urlencode({"next": request.get_full_path()}))
                return redirect(target)
        return self.get_response(request)
