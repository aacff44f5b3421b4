"""The event's programme: ordered items, each a role (data: presiding, chief guest, address, stage
conduct, vote of thanks, session, other…) and a member the organiser can see, or a guest who is not a
member (name and title), with a short summary of what was said. Only the event's organisers
(services.can_manage) change it; every change is atomic and audited. Positions stay 1..n without
gaps. Adding the very same item again (a phone's retry) returns the first one."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.text import clean, clean_multiline
from sampark.events.models import Event, ProgrammeItem, ProgrammeRole
from sampark.events.services import EventError, can_manage
from sampark.people.models import Person

GUEST_NAME_MAX = 120
GUEST_TITLE_MAX = 200
TEXT_MAX = 2_000


def items(event: Event) -> list[ProgrammeItem]:
    return list(event.programme.select_related("role", "person").order_by("position", "pk"))


def roles() -> list[ProgrammeRole]:
    return list(ProgrammeRole.objects.filter(active=True))


def who(item: ProgrammeItem) -> str:
    """The name shown for an item: the member's, or the guest's with their title."""
    if item.person_id:
        return item.person.name
    return f"{item.guest_name} ({item.guest_title})" if item.guest_title else item.guest_name


def _check(actor, event: Event) -> Event:
    e = Event.objects.select_for_update().filter(pk=event.pk).first()
    if e is None:
        raise Http404
    if not can_manage(actor, e):
        raise EventError(_("Only the organisers can change this event."), status=403)
    if e.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be changed."), status=409)
    return e


def _role(code) -> ProgrammeRole:
    if isinstance(code, ProgrammeRole):
        return code
    code = clean(str(code or ""))
    role = ProgrammeRole.objects.filter(code=code, active=True).first()
    if role is None:
        raise EventError(_("Unknown programme role: {}").format(code) if code else _("Choose a role."), field="role")
    return role


def _who(actor, person, guest_name, guest_title) -> tuple[Person | None, str, str]:
    guest_name, guest_title = clean(str(guest_name or "")), clean(str(guest_title or ""))
    if person not in (None, ""):
        if guest_name or guest_title:
            raise EventError(_("Give either a member or a guest, not both."), field="person")
        pk = getattr(person, "pk", person)
        found = Person.objects.visible_to(actor).filter(pk=pk, is_active=True).first() \
            if str(pk).isdigit() else None
        if found is None:
            raise EventError(_("No such member among the people you can see."), field="person")
        return found, "", ""
    if not guest_name:
        raise EventError(_("Choose a member, or give the guest's name and title."), field="guest_name")
    if not guest_title:
        raise EventError(_("Give the guest's title (e.g. MP, State President)."), field="guest_title")
    if len(guest_name) > GUEST_NAME_MAX:
        raise EventError(_("The name is too long (at most {n} characters).").format(n=GUEST_NAME_MAX),
                         field="guest_name")
    if len(guest_title) > GUEST_TITLE_MAX:
        raise EventError(_("The title is too long (at most {n} characters).").format(n=GUEST_TITLE_MAX),
                         field="guest_title")
    return None, guest_name, guest_title


def _text(text) -> str:
    text = clean_multiline(str(text or ""))
    if len(text) > TEXT_MAX:
        raise EventError(_("The text is too long (at most {n} characters).").format(n=TEXT_MAX), field="text")
    return text


def _snapshot(item: ProgrammeItem) -> dict:
    return {"position": item.position, "role": item.role.code, "person": item.person_id,
            "guest": bool(item.guest_name), "text_len": audit.length(item.text)}


@transaction.atomic
def add_item(actor, event: Event, *, role, person=None, guest_name: str = "", guest_title: str = "",
             text: str = "", now: datetime | None = None) -> tuple[ProgrammeItem, bool]:
    """A new item at the end. Returns (item, created); the very same item again is the first one."""
    now = now or timezone.now()
    e = _check(actor, event)
    values = {"role": _role(role)}
    values["person"], values["guest_name"], values["guest_title"] = _who(actor, person, guest_name, guest_title)
    values["text"] = _text(text)
    same = e.programme.filter(**values).order_by("pk").first()
    if same is not None:
        return same, False
    last = e.programme.aggregate(m=Max("position"))["m"] or 0
    item = ProgrammeItem.objects.create(event=e, position=last + 1, created_at=now, **values)
    audit.record(actor, "event.programme_add", item, after=_snapshot(item))
    return item, True


def _item(e: Event, item_id) -> ProgrammeItem:
    item = e.programme.select_related("role").filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        raise Http404
    return item


@transaction.atomic
def update_item(actor, event: Event, item_id, *, role=None, person=None, guest_name=None, guest_title=None,
                text=None) -> ProgrammeItem:
    """Change what is given (None keeps it). Giving a member replaces a guest and the other way round."""
    e = _check(actor, event)
    item = _item(e, item_id)
    before = _snapshot(item)
    if role is not None:
        item.role = _role(role)
    if person not in (None, "") or guest_name is not None or guest_title is not None:
        item.person, item.guest_name, item.guest_title = _who(
            actor, person, item.guest_name if guest_name is None and person in (None, "") else guest_name,
            item.guest_title if guest_title is None and person in (None, "") else guest_title)
    if text is not None:
        item.text = _text(text)
    item.save()
    audit.record(actor, "event.programme_update", item, before=before, after=_snapshot(item))
    return item


def _renumber(e: Event) -> None:
    for i, row in enumerate(e.programme.order_by("position", "pk"), start=1):
        if row.position != i:
            ProgrammeItem.objects.filter(pk=row.pk).update(position=i)


@transaction.atomic
def remove_item(actor, event: Event, item_id) -> None:
    """Remove an item; those after it move up. Removing one already gone is a 404."""
    e = _check(actor, event)
    item = _item(e, item_id)
    audit.record(actor, "event.programme_remove", item, before=_snapshot(item))
    item.delete()
    _renumber(e)


@transaction.atomic
def move_item(actor, event: Event, item_id, direction: str) -> ProgrammeItem:
    """Swap an item with the one before ("up") or after ("down"); at either end nothing changes."""
    if direction not in ("up", "down"):
        raise EventError(_("Move an item up or down."), field="move")
    e = _check(actor, event)
    _renumber(e)
    item = _item(e, item_id)
    before = _snapshot(item)
    rows = list(e.programme.order_by("position", "pk"))
    i = next(n for n, row in enumerate(rows) if row.pk == item.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(rows):
        other = rows[j]
        ProgrammeItem.objects.filter(pk=item.pk).update(position=other.position)
        ProgrammeItem.objects.filter(pk=other.pk).update(position=item.position)
        item.refresh_from_db()
        audit.record(actor, "event.programme_move", item, before=before, after=_snapshot(item))
    return item


def detail_context(event, person, now) -> dict:
    """What the event page shows of this part (events/_programme.html)."""
    rows = items(event)
    for row in rows:
        row.who = who(row)
    return {"programme": rows, "programme_roles": roles() if can_manage(person, event) else []}
