"""Holds a logged-in person who must give a second factor to it (sampark.people.twofactor).

A session whose person is asked for a second factor (they must have one, or have one) and has not
given it in this session sees only the pages to enrol or give it, log out and switch language:
every other page redirects there (enrolment when there is none yet, else the factor page) and
comes back afterwards; the API answers 403 JSON. Every request also gets ``request.second_factor``,
which step-up checks read (sampark.core.stepup)."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from sampark.people import twofactor

# Pages a person who still owes the factor may open (URL names).
OPEN = frozenset({
    "login", "login-code", "login-resend", "logout", "set-language", "about",
    "second-factor-enrol", "second-factor-confirm", "second-factor-passkey-options",
    "second-factor-passkey-verify", "reports:sw", "reports:manifest", "reports:icon", "reports:outbox-js",
    "sw", "manifest", "offline",
})


class SecondFactorCheck:
    """What this request's person has done about the second factor (read lazily)."""

    def __init__(self, request):
        self.request = request

    def step_up_needed(self) -> bool:
        """True when the person is asked for a second factor and last gave it too long ago."""
        person = self.request.person
        if person is None:
            return False
        return twofactor.status(person).asked and not twofactor.is_fresh(self.request.session)

    def fresh(self) -> bool:
        """The second factor was given in this session within the step-up window (a bulk reveal)."""
        return self.request.person is not None and twofactor.is_fresh(self.request.session)


class SecondFactorMiddleware:
    """Place after sampark.people.middleware.PersonMiddleware (it reads request.person)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.second_factor = SecondFactorCheck(request)
        person = request.person
        if person is not None and twofactor.passed_at(request.session) is None:
            held = self._hold(request, person)
            if held is not None:
                return held
        return self.get_response(request)

    def _hold(self, request, person):
        s = twofactor.status(person)
        if not s.asked:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Give your second factor in the app first.") if s.enrolled else
                                 _("Enrol a second factor (authenticator app) in Sampark first.")}, status=403)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if name in OPEN:
            return None
        target = reverse("second-factor-confirm" if s.enrolled else "second-factor-enrol")
        if request.method == "GET":
            return redirect(target + "?" + urlencode({"next": request.get_full_path()}))
        return redirect(target)
