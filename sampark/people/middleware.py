from sampark.people import sessions
from sampark.people.models import Person
from sampark.people.sessions import SESSION_KEY

__all__ = ["SESSION_KEY", "PersonMiddleware", "login", "logout"]


class PersonMiddleware:
    """Sets request.person from the session (pages); the API authenticates tokens itself. The
    session and its person come in one query (people.sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.person = None
        pid = request.session.get(SESSION_KEY)
        if pid:
            person = sessions.person_of(request.session, pid)
            if person is None:
                request.session.flush()
            else:
                request.person = person
                sessions.touch(request.session, request)
        return self.get_response(request)


def login(request, person: Person) -> None:
    """A new session key for the person (what the browser held before logging in is dropped)."""
    request.session.cycle_key()
    sessions.begin(request.session, request, person)
    request.person = person


def logout(request) -> None:
    """Ends the session on the server: a copy of the cookie no longer works."""
    request.session.flush()
    request.person = None
