"""API authentication: a personal token (Authorization: Bearer ...) or the web session.

Session callers (the pages' own scripts) must send the CSRF token like any form; token callers
need not, since a browser never attaches a Bearer header by itself."""

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from sampark.people import twofactor
from sampark.people.auth import person_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is not None and (refusal := twofactor.token_refusal(person)):
            raise HttpError(403, refusal)
        if person is not None:
            request.person = person
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
        return getattr(request, "person", None)
