"""The "show number" button of a person's page (and of a unit's list of people): a POST that reveals
one member's full number, logged and capped (people.phones), answered with the person's page
showing it with a tel: link."""

from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sampark.core.decorators import person_required
from sampark.core.visibility import get_visible_or_404
from sampark.people.members import MAX_ID, _person_page
from sampark.people.models import Person
from sampark.people.phones import RevealRefused, may_reveal, reveal_phone


@never_cache  # the answer holds a full number: no cache keeps it
@person_required
@require_POST
def reveal(request, person_id: int):
    if person_id > MAX_ID:
        raise Http404
    person = get_visible_or_404(Person, request.person, pk=person_id)
    if not may_reveal(request.person, person):
        raise Http404
    try:
        phone = reveal_phone(request.person, person)
    except RevealRefused as exc:
        return _person_page(request, person, status=429, error=str(exc))
    return _person_page(request, person, revealed=phone)
