"""API authentication: a personal token (Authorization: Bearer ...) or the web session.

Session callers (the pages' own scripts) must send the CSRF token like any form; token callers
need not, since a browser never attaches a Bearer header by itself. Either way, a person who has not
consented to the current privacy notice (people.consent) is answered 403 except by BEFORE_CONSENT."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from sampark.people import consent, twofactor
from sampark.people.auth import person_for_token

# What a person may call before consenting to the current privacy notice: themselves, their data, the
# notice (the health probe has no authentication at all).
BEFORE_CONSENT = frozenset({"/api/v1/me", "/api/v1/me/data", "/api/v1/me/consent", "/api/v1/me/erasure"})


def consent_refusal(request, person) -> str | None:
    """Why this call is refused for want of consent to the current privacy notice, or None."""
    if request.path_info in BEFORE_CONSENT or consent.has_consented(person):
        return None
    return _("Read the privacy notice and agree to it first (GET and POST /api/v1/me/consent, or open "
             "Sampark in the browser).")


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is not None and (refusal := twofactor.token_refusal(person)):
            raise HttpError(403, refusal)
        if person is not None:
            request.person = person
            if refusal := consent_refusal(request, person):
                raise HttpError(403, refusal)
        return person


class SessionPerson(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # Without a signed-in person there is nothing to protect from forgery: the caller is simply
        # not authenticated (401), not refused for a missing CSRF token (403).
        if getattr(request, "person", None) is None:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        person = getattr(request, "person", None)
        if person is not None and (refusal := consent_refusal(request, person)):
            raise HttpError(403, refusal)
        return person
