from sampark.people.models import Person

SESSION_KEY = "sampark_person"


class PersonMiddleware:
    """Sets request.person from the session (pages) ; the API authenticates tokens itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.person = None
        pid = request.session.get(SESSION_KEY)
        if pid:
            request.person = Person.objects.filter(pk=pid, is_active=True).first()
        return self.get_response(request)


def login(request, person: Person) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = person.pk
    request.person = person


def logout(request) -> None:
    request.session.flush()
    request.person = None
