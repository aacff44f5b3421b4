"""Phone numbers and minimum access (issue 13, the DPDP Act's data minimisation).

Every list, page, search result, API answer and export shows a number masked
(``Person.masked_phone``: "+91 98XXX XX123"); a person sees their own in full. Who leads a unit
above the person (``can_see_phone``) may *reveal* one number: a logged action (an audit row with
ids only, and a PhoneReveal row), at most ``people.daily_phone_reveals`` a day. The reveal that
reaches the cap, or the first refused after it, tells the revealer's superior once that day.

A people export with full numbers is a bulk reveal: it needs the second factor freshly given and is
one audit row with the count of numbers; it is its own logged action and does not count toward
the daily cap (the cap is about many single reveals; an export is already behind step-up)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampark.core import audit
from sampark.core.channels import sms_channel
from sampark.core.locks import named_lock
from sampark.people.models import LEADING_ROLES, Person, PhoneReveal, Post
from sampark.people.policies import daily_phone_reveals
from sampark.people.visibility import can_see_phone

CAP_REACHED = gettext_lazy("You have revealed {n} phone numbers today, the daily limit. Ask your coordinator "
                           "if you need more.")


class RevealRefused(Exception):
    """The day's cap is reached; the message is for the user."""


def may_reveal(viewer, person, active_paths: list[str] | None = None) -> bool:
    """The viewer leads a unit above one of the person's active posts (or it is their own number).
    ``active_paths`` saves the query when the caller has the posts already."""
    if viewer.pk == person.pk:
        return True
    if active_paths is None:
        active_paths = list(Post.objects.filter(person=person, active=True).values_list("unit_path", flat=True))
    return any(can_see_phone(viewer, path) for path in active_paths)


def _day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def reveals_today(viewer, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return PhoneReveal.objects.filter(viewer=viewer, at__gte=_day_start(now), kind=PhoneReveal.Kind.REVEAL).count()


def superiors(person) -> list[Person]:
    """Those who lead the unit just above the person's highest active post(s); none at the top."""
    posts = list(Post.objects.filter(person=person, active=True).select_related("unit"))
    if not posts:
        return []
    top = min(len(p.unit_path) for p in posts)
    parents = {p.unit.parent_id for p in posts if len(p.unit_path) == top and p.unit.parent_id}
    if not parents:
        return []
    ids = (Post.objects.filter(unit_id__in=parents, active=True, role__in=LEADING_ROLES)
           .exclude(person=person).values("person_id"))
    return list(Person.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _alert_once(viewer, cap: int, now: datetime) -> None:
    """Tell the superiors, once a day: the cap row is the marker (read under the viewer's lock)."""
    if PhoneReveal.objects.filter(viewer=viewer, at__gte=_day_start(now), kind=PhoneReveal.Kind.CAP).exists():
        return
    PhoneReveal.objects.create(viewer=viewer, person=viewer, kind=PhoneReveal.Kind.CAP, at=now)
    audit.record(viewer, "person.phone_reveal_cap", viewer, after={"cap": cap})
    for boss in superiors(viewer):
        def send(boss=boss):
            with translation.override(boss.lang or "hi"):
                body = _("Sampark: {name} has revealed {n} members' phone numbers today, the daily limit.").format(
                    name=viewer.name or viewer.masked_phone, n=cap)
                sms_channel().send(boss.phone, body)

        transaction.on_commit(send)


def reveal_phone(viewer, person, *, now: datetime | None = None) -> str:
    """The full number, logged; the caller checked ``may_reveal``. Raises RevealRefused at the cap
    (the refusal is audited too). One's own number is not a reveal."""
    if viewer.pk == person.pk:
        return person.phone
    now = now or timezone.now()
    cap = daily_phone_reveals()
    with transaction.atomic():
        named_lock(f"phone-reveal:{viewer.pk}")  # one viewer's reveals one at a time: the count stays true
        used = reveals_today(viewer, now)
        if used >= cap:
            _alert_once(viewer, cap, now)
            audit.record(viewer, "person.phone_reveal_refused", person)
            refused = True
        else:
            PhoneReveal.objects.create(viewer=viewer, person=person, at=now)
            audit.record(viewer, "person.phone_reveal", person)
            if used + 1 >= cap:
                _alert_once(viewer, cap, now)
            refused = False
    if refused:
        raise RevealRefused(CAP_REACHED.format(n=cap))
    return person.phone


def record_bulk_reveal(viewer, unit, count: int) -> None:
    """A people export with full numbers: one audit row, the count, no numbers."""
    audit.record(viewer, "people.export_phones", unit, after={"count": count})
