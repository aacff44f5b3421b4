"""Transfers out of a leader's reach: where a member may be asked for (the units of the leader's
state, found by name: the 404 rule protects members and activity, not the names of places), and
telling those who decide. The writes are people.services.request_transfer, approve and reject."""

from datetime import timedelta

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sampark.core import paths
from sampark.core.channels import sms_channel
from sampark.core.visibility import leading_roots
from sampark.org.models import Unit
from sampark.people.models import LEADING_ROLES, Post, TransferRequest, TransferStatus
from sampark.people.search import search_units

LIMIT = 20
CHILDREN = 100
BURST = timedelta(hours=1)
STATE_DEPTH = 2  # segments of a state's path: the Centre's and its own


def state_roots(actor) -> list[str]:
    """The states (the units right below the Centre) holding the units the actor leads; a leader of
    the Centre itself gets the Centre."""
    return paths.minimal_roots(r[:paths.SEGMENT * STATE_DEPTH] for r in leading_roots(actor))


def place_labels(units) -> dict[int, str]:
    """"बूथ 2 · शक्ति केंद्र 2 · मंडल 2 · बोधगया · गया" for each unit: its name and those above it,
    below the state, whoever asks (names of places only; one query for all)."""
    ids = {i for u in units for i in paths.ancestor_ids(u.path)[STATE_DEPTH:]}
    by_id = Unit.objects.in_bulk(ids) if ids else {}
    return {u.pk: " · ".join(by_id[i].name for i in reversed(paths.ancestor_ids(u.path)[STATE_DEPTH:]) if i in by_id)
            or u.name for u in units}


def destination_parent(actor, under_id: int | None) -> Unit | None:
    """The unit whose children are listed (``under``), when it lies in the actor's states."""
    if not under_id:
        return None
    unit = Unit.objects.filter(pk=under_id).select_related("level").first()
    return unit if unit is not None and paths.in_subtrees(unit.path, state_roots(actor)) else None


def destinations(actor, query: str = "", under: Unit | None = None) -> list[Unit]:
    """Units a member may be asked for at, each with ``label``: found by name (any spelling) among
    all units of the actor's states, or within ``under``; without a query, ``under``'s children."""
    roots = [under.path] if under is not None else state_roots(actor)
    if not roots:
        return []
    if query.strip():
        units = search_units(actor, query, LIMIT, within=roots)
    elif under is not None:
        units = list(Unit.objects.filter(parent=under).select_related("level").order_by("path")[:CHILDREN])
    else:
        units = list(Unit.objects.filter(path__in=roots).select_related("level"))
    labels = place_labels(units)
    for u in units:
        u.label = labels[u.pk]
    return units


def tell_deciders(t: TransferRequest) -> None:
    """After the commit, a message to the leaders of the lowest unit above both places (or of the
    nearest unit above it that has leaders), each in their language. One message for a burst (an
    import asking for many): not again while the same asker's earlier request there still waits."""
    burst = TransferRequest.objects.filter(approver_path=t.approver_path, requested_by=t.requested_by_id,
                                           status=TransferStatus.PENDING, created_at__gte=t.created_at - BURST)
    if burst.exclude(pk=t.pk).exists():
        return
    ids = paths.ancestor_ids(t.approver_path)
    posts = list(Post.objects.filter(unit_id__in=ids, role__in=LEADING_ROLES, active=True, person__is_active=True)
                 .select_related("person"))
    if not posts:
        return
    nearest = max(len(p.unit_path) for p in posts)
    people = {p.person_id: p.person for p in posts if len(p.unit_path) == nearest and p.person_id != t.requested_by_id}
    person, to_unit = t.person, t.to_unit

    def send():
        for p in people.values():
            with translation.override(p.lang or "hi"):
                sms_channel().send(p.phone, _("Sampark: a transfer of {name} to {unit} waits for your decision. "
                                              "Open Transfer requests.").format(name=person.name, unit=to_unit.name))

    transaction.on_commit(send)
