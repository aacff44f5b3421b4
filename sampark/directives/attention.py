"""What directives ask of a person now (core.attention): directives to read or acknowledge, and for
the directives they sent, the reports asked for that have not come and the silent units directly
below the target.

Only directives published in the last RECENT_DAYS count. A sent directive needs its author once its
time to act has passed: its due time, or a day after publishing when it has none (before that, every
unit is still "silent" and every report still "missing")."""

from datetime import datetime, timedelta

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Value, When
from django.urls import reverse

from sampark.core.attention import ITEMS_PER_KIND, Item, Part, register_attention
from sampark.directives.models import Directive, Receipt, UnitCount
from sampark.directives.policies import silent_below_percent
from sampark.directives.report_status import reported_many
from sampark.directives.selectors import inbox_queryset
from sampark.org.models import Unit

RECENT_DAYS = 30
NO_DUE_GRACE = timedelta(days=1)
SENT_LIMIT = 10  # the author's newest directives looked at


def _receipt(person, kind: str) -> Exists:
    return Exists(Receipt.objects.filter(person=person, directive=OuterRef("pk"), kind=kind))


def _to_ack(person, now: datetime, with_items: bool) -> Part:
    """Published to the person (not by them) lately, not yet acknowledged (or read, when no
    acknowledgement is asked): one query for the count and the poll's mark, one for the items."""
    qs = (inbox_queryset(person).exclude(author=person)
          .alias(acked=_receipt(person, Receipt.Kind.ACK), read=_receipt(person, Receipt.Kind.READ)))
    pending = (Q(requires_ack=True, acked=False) | Q(requires_ack=False, read=False)) & Q(
        published_at__gte=now - timedelta(days=RECENT_DAYS))
    got = qs.aggregate(n=Count("pk", filter=pending), all=Count("pk"), last=Max("pk"), edited=Max("edited_at"))
    part = Part(counts={"directives_to_ack": got["n"]},
                mark=f"{got['all']}.{got['last']}.{got['edited'].timestamp() if got['edited'] else ''}")
    if with_items and got["n"]:
        rows = (qs.filter(pending).order_by(Case(When(due_at__lte=now, then=Value(0)), default=Value(1)),
                                            F("due_at").asc(nulls_last=True), "-priority", "-published_at", "-pk")
                .values("pk", "title", "due_at", "priority")[:ITEMS_PER_KIND])
        part.items = [Item("directives_to_ack", 1, r["title"], reverse("directives:detail", args=[r["pk"]]),
                           r["due_at"], bool(r["due_at"] and r["due_at"] <= now),
                           r["priority"] == Directive.Priority.URGENT) for r in rows]
    return part


def _sent_needing_me(person, now: datetime) -> list[Directive]:
    """The person's own published directives whose time to act has passed, newest first."""
    if not person.leading_roots():  # only leaders send directives: no query for the others
        return []
    since = now - timedelta(days=RECENT_DAYS)
    due = Q(due_at__lte=now) | Q(due_at__isnull=True, published_at__lte=now - NO_DUE_GRACE)
    return list(Directive.objects.visible_to(person)
                .filter(due, author=person, status=Directive.Status.PUBLISHED, published_at__gte=since)
                .only("pk", "title", "target_unit_id", "target_path", "required_report_type_id", "published_at",
                      "due_at", "requires_ack", "priority").order_by("-published_at", "-pk")[:SENT_LIMIT])


def _silent(person, sent: list[Directive]) -> dict[int, int]:
    """Silent units directly below each directive's target (selectors.silent_counts' rule), one query."""
    if not sent:
        return {}
    threshold = F("expected") * silent_below_percent()
    which = Q(pk__in=[])
    for d in sent:
        done = "acks100" if d.requires_ack else "reads100"
        which |= Q(directive_id=d.pk, parent_id=d.target_unit_id, **{f"{done}__lt": threshold})
    rows = (UnitCount.objects.visible_to(person).filter(expected__gt=0)
            .alias(acks100=F("acks") * 100, reads100=F("reads") * 100).filter(which)
            .order_by().values("directive_id").annotate(n=Count("pk")).values_list("directive_id", "n"))
    return dict(rows)


def _missing(person, sent: list[Directive]) -> dict[int, tuple[int, int]]:
    """(units not yet reported, units) directly below each report-asking directive's target: one
    query for the units, one for who reported (report_status's rule, for all the directives at once)."""
    asking = [d for d in sent if d.required_report_type_id is not None]
    if not asking:
        return {}
    children: dict[int, list[Unit]] = {}
    for u in (Unit.objects.visible_to(person).filter(parent_id__in={d.target_unit_id for d in asking})
              .only("pk", "path", "parent_id")):
        children.setdefault(u.parent_id, []).append(u)
    asked = [(d, children.get(d.target_unit_id, [])) for d in asking]
    sent = reported_many(asked)
    return {d.pk: (len(units) - len(sent[d.pk]), len(units)) for d, units in asked if units}


def _sent(person, now: datetime, with_items: bool) -> Part:
    sent = _sent_needing_me(person, now)
    silent, missing = _silent(person, sent), _missing(person, sent)
    part = Part(counts={"silent_units": sum(silent.values()),
                        "reports_missing": sum(n for n, _m in missing.values())})
    if with_items:
        for kind, found, page in (("reports_missing", {k: v[0] for k, v in missing.items()}, "directives:rollup"),
                                  ("silent_units", silent, "directives:silent")):
            part.items += [Item(kind, found[d.pk], d.title, reverse(page, args=[d.pk]), d.due_at,
                                bool(d.due_at and d.due_at <= now), d.is_urgent)
                           for d in sent if found.get(d.pk)][:ITEMS_PER_KIND]
    return part


def source(person, now: datetime, with_items: bool) -> Part:
    mine, sent = _to_ack(person, now, with_items), _sent(person, now, with_items)
    return Part(counts={**mine.counts, **sent.counts}, items=mine.items + sent.items, mark=mine.mark)


def register() -> None:
    register_attention("directives", source)
