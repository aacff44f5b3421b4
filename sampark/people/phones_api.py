"""POST /people/{id}/phone: reveal one member's full number (people.phones): logged and capped."""

from django.http import Http404
from ninja import Router, Schema

from sampark.core.errors import WRITE, error_body, error_responses
from sampark.core.visibility import get_visible_or_404
from sampark.people.models import Person
from sampark.people.phones import RevealRefused, may_reveal, reveal_phone

router = Router(tags=["people"])
MAX_ID = 2**63 - 1


class PhoneOut(Schema):
    phone: str  # E.164, e.g. +919876543210


@router.post("/people/{person_id}/phone", response={200: PhoneOut, **error_responses(WRITE, 429)})
def reveal(request, person_id: int):
    """The person's full number, for a caller who leads a unit above one of their posts (or their
    own). Each reveal is audited and counts toward the caller's daily cap (429 once it is reached,
    and the caller's superior is told); a person one cannot see, or whose number one may not see, is 404."""
    if not 0 < person_id <= MAX_ID:
        raise Http404
    person = get_visible_or_404(Person.objects.all(), request.person, pk=person_id)
    if not may_reveal(request.person, person):
        raise Http404
    try:
        return 200, {"phone": reveal_phone(request.person, person)}
    except RevealRefused as exc:
        return 429, error_body(exc)
