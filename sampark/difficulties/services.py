"""Every write to difficulties and review items: atomic, audited, with a history row (STYLE rule 4).

Each service takes ``now`` so that tests and drills (``sampark tick --now``) run on a controlled clock.

The flow of a difficulty:
1. A member raises it at a unit where they hold a post. It waits at the parent unit, due after
   that level's time to answer (AnswerPolicy, counted in business hours if configured).
2. A coordinator there or above answers, asks for more information, passes it to a named person,
   or merges similar ones into one and answers them together.
3. If nobody answers in time, the tick claims the row and moves it one level up, telling the raiser;
   at the top it stays, marked overdue.
4. The raiser confirms it solved, or reopens it with a rating: back to the level that answered.
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sampark.core import audit, files, paths
from sampark.core.channels import sms_channel
from sampark.core.errors import NOT_FOUND
from sampark.core.text import clean
from sampark.difficulties.models import (
    UNRESOLVED,
    WAITING,
    ActionItem,
    AnswerPolicy,
    BusinessHours,
    Difficulty,
    DifficultyCategory,
    DifficultyEvent,
    EventKind,
    Holiday,
    ReviewNote,
    Status,
)
from sampark.directives.channels import phone_channel_name, queue_messages
from sampark.directives.models import Message
from sampark.people.models import LEADING_ROLES, Person, Post
from sampark.people.visibility import leading_roots

DEFAULT_HOURS = 48
MAX_TEXT = 4000
PHOTO_KIND = "difficulties"


class DifficultyError(Exception):
    """A request the user can fix; ``status`` is the HTTP status the API answers with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# ---- the clock: time to answer, counted in business hours --------------------------------------

def hours_for(level, category) -> int:
    """The most specific policy: (level, category), (level, any), (any, category), (any, any)."""
    rows = AnswerPolicy.objects.filter(Q(level__isnull=True) | Q(level=level) if level else Q(level__isnull=True)) \
        .filter(Q(category__isnull=True) | Q(category=category) if category else Q(category__isnull=True)) \
        .values_list("level_id", "category_id", "hours")
    best = None
    for level_id, category_id, hours in rows:
        score = (level_id is not None) * 2 + (category_id is not None)
        if best is None or score > best[0]:
            best = (score, hours)
    return best[1] if best else DEFAULT_HOURS


def due_after(start: datetime, hours: int) -> datetime:
    """``start`` plus ``hours`` of working time: holidays and, when configured, time outside business
    hours do not count. Without either, plain clock hours."""
    bh = BusinessHours.objects.first()
    tz = timezone.get_current_timezone()
    local = start.astimezone(tz)
    holidays = set(Holiday.objects.filter(date__gte=local.date(), date__lte=local.date() + timedelta(days=400))
                   .values_list("date", flat=True))
    if bh is None and not holidays:
        return start + timedelta(hours=hours)
    remaining = timedelta(hours=hours)
    t = local
    for _day in range(800):
        day = t.date()
        if bh is None:
            window_start = datetime.combine(day, datetime.min.time(), tz)
            window_end = window_start + timedelta(days=1)
            open_day = day not in holidays
        else:
            window_start = datetime.combine(day, bh.start, tz)
            window_end = datetime.combine(day, bh.end, tz)
            open_day = day not in holidays and str(day.weekday()) in bh.weekdays and window_end > window_start
        if open_day and t < window_end:
            t = max(t, window_start)
            available = window_end - t
            if remaining <= available:
                return t + remaining
            remaining -= available
        t = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    return start + timedelta(hours=hours)  # a calendar with no working time at all: fall back to clock hours


def _due(unit, category, now: datetime) -> datetime:
    return due_after(now, hours_for(unit.level, category))


# ---- helpers -----------------------------------------------------------------------------------

def _snapshot(d: Difficulty) -> dict:
    return {"status": d.status, "handling_unit": d.handling_unit_id, "due_at": d.due_at.isoformat() if d.due_at else None,
            "assigned_to": d.assigned_to_id, "merged_into": str(d.merged_into_id) if d.merged_into_id else None,
            "escalations": d.escalations, "rating": d.rating}


def _event(d: Difficulty, kind: str, actor, now, *, from_unit=None, to_unit=None, person=None, text="", rating=None):
    return DifficultyEvent.objects.create(difficulty=d, kind=kind, actor=actor, at=now, from_unit=from_unit,
                                          to_unit=to_unit, person=person, text=text, rating=rating)


def _sms_later(person: Person, build_body) -> None:
    """Send after the commit, in the person's language, so a rolled-back change sends nothing; never
    to someone deactivated or erased (their number is gone, or they asked to hear nothing)."""
    if not person.is_active:
        return

    def send():
        with translation.override(person.lang or "hi"):
            sms_channel().send(person.phone, str(build_body()))

    transaction.on_commit(send)


def _tell_leaders(d: Difficulty, event: DifficultyEvent, now) -> int:
    """The leaders of the unit a difficulty now waits at hear of it: in the app and by the phone
    channel, in their language. One message each per step (the event): a retry or a re-run of the
    escalation adds nothing (the message's ref)."""
    unit = d.handling_unit
    leaders = {p.person_id: p.person for p in Post.objects.filter(
        unit=unit, role__in=LEADING_ROLES, active=True, person__is_active=True).select_related("person")
        if p.person_id != d.raised_by_id}
    items = []
    for person in leaders.values():
        with translation.override(person.lang or "hi"):
            due = formats.date_format(timezone.localtime(d.due_at), "DATETIME_FORMAT") if d.due_at else "-"
            place, category = d.unit.name, d.category.name
            body = _("Sampark: a difficulty from {unit} ({category}) waits for your answer, due by {due}.").format(
                unit=place, category=category, due=due)
        items.append((person, body, "difficulty_waiting", [place, category, due]))
    return queue_messages(None, Message.Kind.DIFFICULTY, items, now=now, phone_channel=phone_channel_name(),
                          ref=f"difficulty-event:{event.pk}", link=f"/difficulties/{d.pk}/")


def _text(value: str, *, required: bool = True) -> str:
    value = clean(value or "")
    if required and not value:
        raise DifficultyError(_("Please write a few words."))
    if len(value) > MAX_TEXT:
        raise DifficultyError(_("Please keep it under {n} characters.").format(n=MAX_TEXT))
    return value


def can_act(person, d: Difficulty) -> bool:
    """A leader at the handling unit or above it; or the person it was passed to."""
    if person is None:
        return False
    if d.status == Status.ASSIGNED and d.assigned_to_id == person.pk:
        return True
    return paths.in_subtrees(d.handling_path, leading_roots(person))


def _locked(d: Difficulty) -> Difficulty:
    return Difficulty.objects.select_for_update(of=("self",)).select_related(
        "handling_unit__level", "handling_unit__parent__level", "category", "raised_by", "closed_by_unit__level",
    ).get(pk=d.pk)


def _save(d: Difficulty, now, fields: list[str]) -> None:
    d.updated_at = now
    d.save(update_fields=[*fields, "updated_at"])


def _body_hash(unit_id: int, category: str, text: str, link: str) -> str:
    body = json.dumps({"unit": unit_id, "category": category, "text": text, "link": link}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


# ---- raising -----------------------------------------------------------------------------------

def raise_difficulty(actor: Person, *, id: uuid.UUID, unit, category: str, text: str, link: str = "",
                     photo=None, now: datetime | None = None) -> tuple[Difficulty, bool]:
    """Returns (difficulty, created). The same id with the same body returns the first one; another
    body (or another person) with that id is a 409."""
    now = now or timezone.now()
    text = _text(text)
    link = clean(link or "")[:200]
    if link and not link.startswith(("http://", "https://")):
        raise DifficultyError(_("A link must start with http:// or https://"))
    image = _clean_photo(photo) if photo is not None else None
    body_hash = _body_hash(unit.pk, category, text, link)
    existing = Difficulty.objects.filter(pk=id).first()
    if existing is not None:
        return _same_or_conflict(existing, actor, body_hash), False
    cat = DifficultyCategory.objects.filter(code=category, active=True).first()
    if cat is None:
        raise DifficultyError(_("Please choose a category."))
    if not Post.objects.filter(person=actor, unit=unit, active=True).exists():
        raise DifficultyError(_("You can raise a difficulty only at a unit where you hold a post."), status=403)
    handler = unit.parent or unit
    relpath = files.store_photo(PHOTO_KIND, image) if image else ""
    try:
        with transaction.atomic():
            d = Difficulty.objects.create(
                id=id, raised_by=actor, unit=unit, unit_path=unit.path, handling_unit=handler,
                handling_path=handler.path, category=cat, text=text, link=link, photo=relpath,
                status=Status.OPEN, due_at=_due(handler, cat, now), created_at=now, updated_at=now,
                body_hash=body_hash)
            raised = _event(d, EventKind.RAISED, actor, now, from_unit=unit, to_unit=handler, text=text)
            audit.record(actor, "difficulty.raise", d, after=_snapshot(d))
            _tell_leaders(d, raised, now)
    except IntegrityError:
        if relpath:
            files.remove(relpath)
        # Two copies of the same retry raced; the first one won.
        existing = Difficulty.objects.filter(pk=id).first()
        if existing is None:
            raise
        return _same_or_conflict(existing, actor, body_hash), False
    except BaseException:
        if relpath:
            files.remove(relpath)
        raise
    return d, True


def _clean_photo(upload) -> files.Clean:
    """Any readable photo, as an upright JPEG without its EXIF (and so without the GPS location)."""
    try:
        return files.clean_photo(upload)
    except files.Rejected as exc:
        raise DifficultyError(str(exc), status=exc.status) from None


def _same_or_conflict(existing: Difficulty, actor, body_hash: str) -> Difficulty:
    # The id of a difficulty the actor cannot see answers as anything unseen does (404), so that a
    # client-made id never confirms it is taken elsewhere; a visible one is a plain conflict.
    if not Difficulty.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise DifficultyError(NOT_FOUND, status=404)
    if existing.raised_by_id != getattr(actor, "pk", None) or existing.body_hash != body_hash:
        raise DifficultyError(_("This id was already used for a different difficulty."), status=409)
    return existing


# ---- escalation (the timer) --------------------------------------------------------------------

def claim_due(pk, now: datetime) -> bool:
    """Take the timer of one due difficulty: 1 row updated means it is ours to escalate, 0 rows
    means it was answered or another worker took it first (STYLE rule 7). Call inside a transaction."""
    return Difficulty.objects.filter(pk=pk, due_at__lte=now, status__in=WAITING) \
        .update(due_at=None, claimed_at=now) == 1


def escalate_due(pk, now: datetime) -> bool:
    """Claim and move one level up, atomically. Returns whether this call did the escalation."""
    with transaction.atomic():
        if not claim_due(pk, now):
            return False
        d = _locked(Difficulty(pk=pk))
        before = _snapshot(d)
        here = d.handling_unit
        up = here.parent
        if up is None:
            _event(d, EventKind.AT_TOP, None, now, from_unit=here)
            audit.record(None, "difficulty.overdue_at_top", d, before=before, after=_snapshot(d))
            return True
        d.handling_unit, d.handling_path = up, up.path
        d.escalations += 1
        if d.status == Status.ASSIGNED:
            d.status, d.assigned_to = Status.OPEN, None
        d.due_at = _due(up, d.category, now)
        _save(d, now, ["handling_unit", "handling_path", "escalations", "status", "assigned_to", "due_at"])
        moved = _event(d, EventKind.ESCALATED, None, now, from_unit=here, to_unit=up)
        audit.record(None, "difficulty.escalate", d, before=before, after=_snapshot(d))
        _tell_leaders(d, moved, now)
        _sms_later(d.raised_by, lambda: _("Sampark: no answer in time to your difficulty, it has gone up to {unit}.")
                   .format(unit=up.name))
    return True


# ---- coordinators' actions ---------------------------------------------------------------------

def _check_can_act(actor, d: Difficulty, allowed: tuple) -> None:
    if not can_act(actor, d):
        raise DifficultyError(_("Only a coordinator at the unit handling it, or above, can do this."), status=403)
    if d.status not in allowed:
        raise DifficultyError(_("This cannot be done now: the difficulty is \"{status}\".")
                              .format(status=d.get_status_display()), status=409)


@transaction.atomic
def answer_difficulty(actor: Person, d: Difficulty, *, text: str, now: datetime | None = None) -> Difficulty:
    """An instruction (निर्देश). Difficulties merged into this one get the same answer."""
    now = now or timezone.now()
    text = _text(text)
    d = _locked(d)
    _check_can_act(actor, d, (*WAITING, Status.INFO_REQUESTED))
    _answer(actor, d, text, now)
    for m in Difficulty.objects.select_for_update(of=("self",)).select_related("handling_unit", "raised_by") \
            .filter(merged_into=d, status=Status.MERGED):
        _answer(actor, m, text, now, closed_by=d.handling_unit)
    return d


def _answer(actor, d: Difficulty, text: str, now, closed_by=None) -> None:
    before = _snapshot(d)
    if d.first_answered_at is None:
        d.first_answered_at = now
        d.answered_in_time = d.escalations == 0 and (d.due_at is None or now <= d.due_at)
    d.status, d.answer, d.due_at = Status.ANSWERED, text, None
    d.closed_by_unit = closed_by or d.handling_unit
    _save(d, now, ["status", "answer", "due_at", "closed_by_unit", "first_answered_at", "answered_in_time"])
    _event(d, EventKind.ANSWERED, actor, now, from_unit=d.closed_by_unit, text=text)
    audit.record(actor, "difficulty.answer", d, before=before, after=_snapshot(d))
    _sms_later(d.raised_by, lambda: _("Sampark: your difficulty has an answer: {text}").format(text=text[:100]))


@transaction.atomic
def request_info(actor: Person, d: Difficulty, *, text: str, now: datetime | None = None) -> Difficulty:
    """Ask the raiser for more; the timer stops until they answer."""
    now = now or timezone.now()
    text = _text(text)
    d = _locked(d)
    _check_can_act(actor, d, WAITING)
    before = _snapshot(d)
    d.status, d.due_at = Status.INFO_REQUESTED, None
    _save(d, now, ["status", "due_at"])
    _event(d, EventKind.INFO_REQUESTED, actor, now, from_unit=d.handling_unit, text=text)
    audit.record(actor, "difficulty.request_info", d, before=before, after=_snapshot(d))
    _sms_later(d.raised_by, lambda: _("Sampark: more information is asked about your difficulty: {text}")
               .format(text=text[:100]))
    return d


@transaction.atomic
def give_info(actor: Person, d: Difficulty, *, text: str, now: datetime | None = None) -> Difficulty:
    """The raiser answers the question; the handling level's clock starts again."""
    now = now or timezone.now()
    text = _text(text)
    d = _locked(d)
    if d.raised_by_id != actor.pk:
        raise DifficultyError(_("Only the person who raised it can do this."), status=403)
    if d.status != Status.INFO_REQUESTED:
        raise DifficultyError(_("No information was asked for."), status=409)
    before = _snapshot(d)
    d.status, d.due_at = Status.OPEN, _due(d.handling_unit, d.category, now)
    _save(d, now, ["status", "due_at"])
    _event(d, EventKind.INFO_GIVEN, actor, now, to_unit=d.handling_unit, text=text)
    audit.record(actor, "difficulty.give_info", d, before=before, after=_snapshot(d))
    return d


@transaction.atomic
def assign_difficulty(actor: Person, d: Difficulty, *, person: Person, text: str = "",
                      now: datetime | None = None) -> Difficulty:
    """Pass it down to a named person inside the handling unit's subtree; they then see and answer it.
    The handling level's clock runs for them."""
    now = now or timezone.now()
    text = _text(text, required=False)
    d = _locked(d)
    if not paths.in_subtrees(d.handling_path, leading_roots(actor)):
        raise DifficultyError(_("Only a coordinator at the unit handling it, or above, can do this."), status=403)
    _check_can_act(actor, d, (Status.OPEN, Status.REOPENED, Status.ASSIGNED))
    if not Post.objects.in_subtree(d.handling_path).filter(person=person, active=True).exists():
        raise DifficultyError(_("That person holds no post under the unit handling this difficulty."))
    before = _snapshot(d)
    d.status, d.assigned_to, d.due_at = Status.ASSIGNED, person, _due(d.handling_unit, d.category, now)
    _save(d, now, ["status", "assigned_to", "due_at"])
    _event(d, EventKind.ASSIGNED, actor, now, from_unit=d.handling_unit, person=person, text=text)
    audit.record(actor, "difficulty.assign", d, before=before, after=_snapshot(d))
    _sms_later(person, lambda: _("Sampark: a difficulty has been passed to you: {text}").format(text=d.text[:100]))
    return d


@transaction.atomic
def merge_difficulties(actor: Person, primary: Difficulty, others: list[Difficulty], *,
                       now: datetime | None = None) -> Difficulty:
    """Mark similar difficulties as one: they wait with ``primary`` and get its answer."""
    now = now or timezone.now()
    primary = _locked(primary)
    _check_can_act(actor, primary, (*WAITING, Status.INFO_REQUESTED))
    others = [o for o in others if o.pk != primary.pk]
    if not others:
        raise DifficultyError(_("Choose at least one other difficulty to merge."))
    merged = []
    for other in others:
        o = _locked(other)
        _check_can_act(actor, o, (*WAITING, Status.INFO_REQUESTED))
        before = _snapshot(o)
        o.status, o.merged_into, o.due_at, o.assigned_to = Status.MERGED, primary, None, None
        _save(o, now, ["status", "merged_into", "due_at", "assigned_to"])
        _event(o, EventKind.MERGED, actor, now, from_unit=o.handling_unit, text=primary.text[:200])
        merged.append((o, before))
    # Audited once every row is locked: the audit chain's head is locked last (no lock waits behind it).
    for o, before in merged:
        audit.record(actor, "difficulty.merge", o, before=before, after=_snapshot(o))
    _event(primary, EventKind.MERGED, actor, now, from_unit=primary.handling_unit,
           text=_("{n} similar difficulties merged into this one.").format(n=len(others)))
    return primary


# ---- the raiser's side -------------------------------------------------------------------------

def _rating(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise DifficultyError(_("A rating is a number from 1 to 5."))
    return rating


def _answered_for_raiser(actor: Person, d: Difficulty, not_answered: str) -> Difficulty:
    """The difficulty, locked, if the actor raised it and it has an answer to judge."""
    d = _locked(d)
    if d.raised_by_id != actor.pk:
        raise DifficultyError(_("Only the person who raised it can do this."), status=403)
    if d.status != Status.ANSWERED:
        raise DifficultyError(not_answered, status=409)
    return d


@transaction.atomic
def reopen_difficulty(actor: Person, d: Difficulty, *, rating, text: str = "",
                      now: datetime | None = None) -> Difficulty:
    """Not solved: back to the level that answered it, with a fresh clock; then up on timeout."""
    now = now or timezone.now()
    rating = _rating(rating)
    if rating is None:
        raise DifficultyError(_("Please rate the answer from 1 to 5."))
    text = _text(text, required=False)
    d = _answered_for_raiser(actor, d, _("Only an answered difficulty can be reopened."))
    before = _snapshot(d)
    here, back = d.handling_unit, d.closed_by_unit or d.handling_unit
    d.status, d.rating, d.handling_unit, d.handling_path = Status.REOPENED, rating, back, back.path
    d.due_at = _due(back, d.category, now)
    _save(d, now, ["status", "rating", "handling_unit", "handling_path", "due_at"])
    _event(d, EventKind.REOPENED, actor, now, from_unit=here, to_unit=back, text=text, rating=rating)
    audit.record(actor, "difficulty.reopen", d, before=before, after=_snapshot(d))
    return d


@transaction.atomic
def confirm_difficulty(actor: Person, d: Difficulty, *, rating=None, text: str = "",
                       now: datetime | None = None) -> Difficulty:
    now = now or timezone.now()
    rating = _rating(rating)
    text = _text(text, required=False)
    d = _answered_for_raiser(actor, d, _("Only an answered difficulty can be confirmed solved."))
    before = _snapshot(d)
    d.status, d.solved_at = Status.SOLVED, now
    if rating is not None:
        d.rating = rating
    _save(d, now, ["status", "solved_at", "rating"])
    _event(d, EventKind.SOLVED, actor, now, text=text, rating=rating)
    audit.record(actor, "difficulty.confirm", d, before=before, after=_snapshot(d))
    return d


# ---- the review: notes and action items --------------------------------------------------------

def can_review(person, unit) -> bool:
    return paths.in_subtrees(unit.path, leading_roots(person))


def _check_review(actor, unit) -> None:
    if not can_review(actor, unit):
        raise DifficultyError(_("Only a coordinator at this unit or above can do this."), status=403)


@transaction.atomic
def add_review_note(actor: Person, unit, *, text: str, now: datetime | None = None) -> ReviewNote:
    now = now or timezone.now()
    text = _text(text)
    _check_review(actor, unit)
    note = ReviewNote.objects.create(unit=unit, unit_path=unit.path, author=actor, text=text, created_at=now)
    audit.record(actor, "review.note", note, after={"unit": unit.pk, "text_len": audit.length(text)})
    return note


def _end_of_day(day, tz) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)


@transaction.atomic
def add_action_item(actor: Person, unit, *, owner: Person, text: str, due_on, now: datetime | None = None) -> ActionItem:
    now = now or timezone.now()
    text = _text(text)
    _check_review(actor, unit)
    if due_on is None:
        raise DifficultyError(_("Please give a due date."))
    if not Person.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise DifficultyError(_("Choose an owner from your own units."))
    item = ActionItem.objects.create(unit=unit, unit_path=unit.path, created_by=actor, owner=owner, text=text,
                                     due_on=due_on, created_at=now,
                                     remind_at=_end_of_day(due_on, timezone.get_current_timezone()))
    audit.record(actor, "review.action_item", item,
                 after={"unit": unit.pk, "owner": owner.pk, "text_len": audit.length(text),
                        "due_on": due_on.isoformat()})
    _sms_later(owner, lambda: _("Sampark: an action item for you, due {date}: {text}")
               .format(date=due_on.isoformat(), text=text[:100]))
    return item


@transaction.atomic
def complete_action_item(actor: Person, item: ActionItem, *, now: datetime | None = None) -> ActionItem:
    now = now or timezone.now()
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    # Leading the unit is not enough: an item closed by a third person would vanish from its
    # owner's list without their word, and from the giver's without their check.
    if actor.pk not in (item.owner_id, item.created_by_id):
        raise DifficultyError(_("Only its owner or the one who gave it can mark it done."), status=403)
    if item.done_at is not None:
        return item
    item.done_at, item.done_by, item.remind_at = now, actor, None
    item.save(update_fields=["done_at", "done_by", "remind_at"])
    audit.record(actor, "review.action_item_done", item, after={"done_at": now.isoformat()})
    return item


def remind_overdue_item(pk, now: datetime) -> bool:
    """Claim the one overdue reminder of an action item (same claimed-row rule as escalations)."""
    with transaction.atomic():
        if not ActionItem.objects.filter(pk=pk, remind_at__lte=now, done_at=None).update(remind_at=None):
            return False
        item = ActionItem.objects.select_related("owner").get(pk=pk)
        audit.record(None, "review.action_item_overdue", item)
        _sms_later(item.owner, lambda: _("Sampark: your action item is overdue: {text}").format(text=item.text[:100]))
    return True


__all__ = ["UNRESOLVED"]
