"""API authentication: a personal token (Authorization: Bearer ...) or the web session."""

from ninja.security import HttpBearer

from sampark.people.auth import person_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        person = person_for_token(token)
        if person is not None:
            request.person = person
        return person


def session_person(request):
    return getattr(request, "person", None)
