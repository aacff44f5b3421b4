"""Transfer requests in the API: asking (by a leader of the destination or of all the person's
posts), finding a destination by name, listing and deciding. Who decides: a leader of the lowest
unit above both places, or above it (people.services)."""

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema

from sampark.core.errors import READ, WRITE, error_body, error_responses
from sampark.core.visibility import can_see_path, get_visible_or_404
from sampark.org.models import Unit
from sampark.org.schemas import LevelOut
from sampark.people import services
from sampark.people.models import Person, Post, TransferRequest
from sampark.people.search import QUERY_MAX
from sampark.people.transfers import destination_parent, destinations, place_labels

router = Router(tags=["transfers"])
MAX_ID = 2**63 - 1
SHOWN = 100


class PlaceOut(Schema):
    """A place by its name only: no people, counts or activity."""

    id: int
    name_hi: str
    name_en: str
    level: LevelOut
    label: str  # its name and those above it, below the state: "बूथ 2 · शक्ति केंद्र 2 · मंडल 2 · बोधगया · गया"


class TransferIn(Schema):
    """Ask that a person (whom you can see) be given a post at ``to_unit`` and leave their place.
    Role and team default to those of the person's first active post."""

    model_config = {"extra": "forbid"}

    person: int
    to_unit: int
    role: str | None = None
    team: str | None = None


class TransferOut(Schema):
    id: int
    status: str  # pending, approved, rejected
    status_label: str
    person: int
    person_name: str | None  # only for those who may see the person
    phone: str  # masked unless the caller decides
    from_unit: PlaceOut | None  # only for those who may see it
    to_unit: PlaceOut
    role: str
    role_label: str
    team: str
    team_label: str
    asked_by_me: bool
    can_decide: bool
    created_at: datetime
    decided_at: datetime | None


def place_out(u, labels) -> dict:
    return {"id": u.pk, "name_hi": u.name_hi, "name_en": u.name_en, "label": labels.get(u.pk, u.name),
            "level": {"code": u.level.code, "name_hi": u.level.name_hi, "name_en": u.level.name_en}}


def _selected():
    return TransferRequest.objects.select_related("person", "from_unit__level", "to_unit__level")


def transfers_out(viewer, transfers) -> list[dict]:
    transfers = list(transfers)
    seen = set(Person.objects.visible_to(viewer).filter(pk__in={t.person_id for t in transfers})
               .values_list("pk", flat=True))
    labels = place_labels([u for t in transfers for u in (t.from_unit, t.to_unit)])
    out = []
    for t in transfers:
        decides = services.can_decide(viewer, t)
        out.append({
            "id": t.pk, "status": t.status, "status_label": str(t.get_status_display()), "person": t.person_id,
            "person_name": t.person.name if decides or t.person_id in seen else None,
            "phone": t.person.phone if decides else t.person.masked_phone,
            "from_unit": place_out(t.from_unit, labels) if decides or can_see_path(viewer, t.from_unit.path) else None,
            "to_unit": place_out(t.to_unit, labels), "role": t.role, "role_label": str(t.get_role_display()),
            "team": t.team, "team_label": str(t.get_team_display()), "asked_by_me": t.requested_by_id == viewer.pk,
            "can_decide": decides and t.status == "pending", "created_at": t.created_at, "decided_at": t.decided_at})
    return out


@router.get("/transfers/destinations", response={200: list[PlaceOut], **error_responses(READ)})
def transfer_destinations(request, q: str = "", under: int | None = None):
    """Places a member may be asked for at: by name (Devanagari or Roman) among all units of the
    caller's state, or inside ``under`` (without ``q``: its children). Names only. A caller who
    leads nowhere finds nothing; ``under`` outside the caller's state is 404."""
    parent = None
    if under is not None:
        parent = destination_parent(request.person, under if 0 < under <= MAX_ID else None)
        if parent is None:
            raise Http404
    units = destinations(request.person, q[:QUERY_MAX], parent)
    labels = {u.pk: u.label for u in units}
    return [place_out(u, labels) for u in units]


@router.get("/transfers", response={200: list[TransferOut], **error_responses(READ)})
def list_transfers(request):
    """Transfer requests the caller sees, newest first: those they may decide, those they asked,
    and approved ones that brought a member to where they lead."""
    return transfers_out(request.person, _selected().visible_to(request.person).order_by("-created_at", "-pk")[:SHOWN])


@router.post("/transfers", response={201: TransferOut, **error_responses(WRITE)})
def ask_transfer(request, data: TransferIn):
    """Ask for a transfer. Asking again for the same person, place, role and team while the first
    request waits returns that request (201 again), never a second one. A person or unit the caller
    cannot reach: 404; a person some of whose posts lie outside the caller's reach: 403."""
    me = request.person
    if not (0 < data.person <= MAX_ID and 0 < data.to_unit <= MAX_ID):
        raise Http404
    person = get_visible_or_404(Person.objects.all(), me, pk=data.person)
    unit = Unit.objects.filter(pk=data.to_unit).first()
    first = Post.objects.filter(person=person, active=True).order_by("created_at", "pk").first()
    try:
        if unit is None:
            raise services.PeopleError(services.unknown_unit(), status=404)
        t = services.request_transfer(me, person, unit=unit, role=data.role or (first.role if first else ""),
                                      team=data.team or (first.team if first else "organisation"))
    except services.PeopleError as exc:
        return exc.status, error_body(exc)
    return 201, transfers_out(me, [_selected().get(pk=t.pk)])[0]


def _decide(request, transfer_id: int, service):
    if not 0 < transfer_id <= MAX_ID:
        raise Http404
    t = get_visible_or_404(_selected(), request.person, pk=transfer_id)
    try:
        service(request.person, t)
    except services.PeopleError as exc:
        return exc.status, error_body(exc)
    return 200, transfers_out(request.person, [_selected().get(pk=t.pk)])[0]


@router.post("/transfers/{transfer_id}/approve", response={200: TransferOut, **error_responses(WRITE, 409)})
def approve_transfer(request, transfer_id: int):
    """Approve: the person's posts in the old place end and the new post is given. 403 for one who
    sees the request but may not decide it (who asked it); 409 once decided."""
    return _decide(request, transfer_id, services.approve_transfer)


@router.post("/transfers/{transfer_id}/reject", response={200: TransferOut, **error_responses(WRITE, 409)})
def reject_transfer(request, transfer_id: int):
    """Reject: nothing moves. 403 for one who sees the request but may not decide it; 409 once decided."""
    return _decide(request, transfer_id, services.reject_transfer)
