"""The privacy notice page: everyone may read it; a logged-in person who has not consented to the current
version is sent here (people.consent_middleware) and consents with one button, then goes on where they
were going."""

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from sampark.people import consent, notice


def _safe_next(request, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


@require_http_methods(["GET", "POST"])
def notice_page(request):
    person = request.person
    nxt = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    error = None
    if request.method == "POST":
        if person is None:
            return redirect("login")
        try:
            consent.give_consent(person, request.POST.get("version", ""))
        except consent.ConsentError as exc:
            error = str(exc)
        else:
            return redirect(nxt or "home")
    return render(request, "people/consent.html", {
        "notice": notice.rendered(get_language()), "given": consent.standing(person) if person else None,
        "next": nxt or "", "error": error})
