"""Answers to an event's invitation (RSVP): yes, maybe or no, one row per person (the latest answer).

Only invitees answer: a person with an active post in the invitation's audience (the directive's own
rule, directives.audience). ``Rsvp.unit_path`` is the unit of that post, so the answers roll up by
unit: one GROUP BY on the path cut at the child's segment (paths are fixed-width, core.paths). How
many were invited per unit comes from the invitation directive's own counters (directives.UnitCount,
``expected``: the matching posts in each unit's subtree, counted by the worker after publishing)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from sampark.core import attention, audit, paths
from sampark.core.visibility import visible_roots
from sampark.directives.audience import audience_q, matches, post_keys
from sampark.directives.models import Directive, UnitCount
from sampark.events.models import Event, Rsvp
from sampark.events.services import EventError
from sampark.org.models import Unit

ANSWERS = tuple(Rsvp.Answer.values)


def invitee_post(person, event: Event):
    """The post that makes the person an invitee (the first matching one), or None."""
    d = event.invitation if event.invitation_id else None
    if d is None or event.status != Event.Status.PUBLISHED:
        return None
    return next((k for k in post_keys(person) if matches(d, k)), None)


def is_invitee(person, event: Event) -> bool:
    return invitee_post(person, event) is not None


def can_answer(event: Event, now: datetime) -> bool:
    return event.status == Event.Status.PUBLISHED and event.ends_at > now


def answer(person, event: Event, value, now: datetime) -> tuple[Rsvp, bool]:
    """The person's answer (yes, maybe, no); a new answer replaces the old one, the same answer again
    changes nothing. Returns (rsvp, changed). 403 for those not invited, 409 once the event is over
    or cancelled, 422 for an answer that is none of the three."""
    value = str(value or "").strip().lower()
    if value not in ANSWERS:
        raise EventError(_("Answer yes, maybe or no."), field="answer")
    if event.status == Event.Status.CANCELLED:
        raise EventError(_("The event is cancelled; it takes no answers."), status=409)
    if not can_answer(event, now):
        raise EventError(_("The event is over; it takes no answers."), status=409)
    key = invitee_post(person, event)
    if key is None:
        raise EventError(_("Only those invited can answer this invitation."), status=403)
    for _attempt in range(2):  # a retry racing the first insert finds its row the second time
        try:
            with transaction.atomic():
                row = Rsvp.objects.select_for_update().filter(event=event, person=person).first()
                if row is not None and row.answer == value:
                    return row, False
                before = {"answer": row.answer} if row else None
                if row is None:
                    row = Rsvp.objects.create(event=event, person=person, answer=value, unit_path=key.unit_path,
                                              answered_at=now)
                else:
                    row.answer, row.unit_path, row.answered_at = value, key.unit_path, now
                    row.save(update_fields=["answer", "unit_path", "answered_at"])
                audit.record(person, "event.rsvp", row, before=before, after={"event": event.pk, "answer": value})
        except IntegrityError:
            continue
        attention.forget(person)
        return row, True
    raise EventError(_("Please try again."), status=409)


def mine(person, event: Event) -> Rsvp | None:
    return Rsvp.objects.filter(event=event, person=person).first() if getattr(person, "pk", None) else None


def totals(event: Event) -> dict[str, int]:
    """Yes, maybe and no for the whole event (one query)."""
    got = dict(Rsvp.objects.filter(event=event).order_by().values_list("answer").annotate(n=Count("pk")))
    return {a: got.get(a, 0) for a in ANSWERS}


@dataclass
class RollupRow:
    unit: Unit
    yes: int = 0
    maybe: int = 0
    no: int = 0
    invited: int | None = None

    @property
    def answered(self) -> int:
        return self.yes + self.maybe + self.no


def rollup_unit(person, event: Event, unit_id=None) -> Unit:
    """The unit whose children the person looks at: a unit they can see inside the organiser's
    subtree; by default the invited unit, or the highest unit they see inside it. 404 otherwise."""
    if unit_id in (None, ""):
        roots = visible_roots(person)
        if paths.in_subtrees(event.audience_path, roots):
            unit_id = event.audience_unit_id
        else:
            inside = sorted((r for r in roots if r.startswith(event.audience_path)), key=len)
            if not inside:
                raise Http404
            unit_id = paths.ancestor_ids(inside[0])[-1]
    unit = (Unit.objects.visible_to(person).select_related("level").filter(pk=unit_id).first()
            if str(unit_id).isdigit() else None)
    if unit is None or not unit.path.startswith(event.unit_path):
        raise Http404
    return unit


def rollup(event: Event, unit: Unit) -> tuple[RollupRow, list[RollupRow]]:
    """The unit's own totals and one row per child unit: the answers by one GROUP BY on the path cut
    at the child's segment, the invited from the invitation's counters (none before the worker
    counted them, or for a unit outside the audience)."""
    cut = len(unit.path) + paths.SEGMENT
    grouped = (Rsvp.objects.filter(Q(event=event) & Q(unit_path__gte=unit.path, unit_path__lt=unit.path + paths.END))
               .annotate(child=Substr("unit_path", 1, cut)).order_by().values_list("child", "answer")
               .annotate(n=Count("pk")))
    by_child: dict[str, dict[str, int]] = {}
    total = RollupRow(unit)
    for child, ans, n in grouped:
        setattr(total, ans, getattr(total, ans) + n)
        if len(child) == cut:
            by_child.setdefault(child, {})[ans] = n
    invited: dict[int, int] = {}
    if event.invitation_id:
        invited = dict(UnitCount.objects.filter(Q(directive_id=event.invitation_id)
                                                & (Q(parent_id=unit.pk) | Q(unit_id=unit.pk)))
                       .values_list("unit_id", "expected"))
    counted = bool(invited)
    total.invited = invited.get(unit.pk, 0) if counted else None
    rows = []
    for child in Unit.objects.filter(parent=unit).select_related("level").order_by("code", "name_en", "pk"):
        got = by_child.get(child.path, {})
        rows.append(RollupRow(child, got.get("yes", 0), got.get("maybe", 0), got.get("no", 0),
                              invited.get(child.pk, 0) if counted else None))
    return total, rows


def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_rsvp.html)."""
    if event.status == Event.Status.DRAFT:
        return {}
    return {"rsvp_invitee": is_invitee(person, event), "rsvp_mine": mine(person, event),
            "rsvp_open": can_answer(event, now), "rsvp_totals": totals(event), "rsvp_answers": Rsvp.Answer.choices}


UPCOMING = timedelta(days=14)


def unanswered(person, now: datetime):
    """Published events starting within UPCOMING (and not yet started) that invite the person and
    that they have not answered: the invitation in their inbox (directives.audience_q), no Rsvp row."""
    invitations = Directive.objects.filter(audience_q(person), status=Directive.Status.PUBLISHED)
    return (Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + UPCOMING,
                                 invitation__in=invitations.values("pk"))
            .exclude(rsvps__person=person).order_by("starts_at", "pk"))
