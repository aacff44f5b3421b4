"""The demo log-ins: well-known phone numbers placed in the generated organisation."""

import base64
import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sampark.people import twofactor
from sampark.people.models import Person, Post, Role, Team


@dataclass(frozen=True)
class DemoLogin:
    phone: str
    name_hi: str
    name_en: str
    role: str
    team: str
    where: str  # "centre", "state", "district:<census code>" or "booth:<ac_no>" (its first booth)
    label: object  # what the login is for, translatable


# Created at every scale; `sampark demo_logins` prints them. Names are common ones, not real people.
DEMO_LOGINS = [
    DemoLogin("+919900000000", "सुरेश चतुर्वेदी", "Suresh Chaturvedi", Role.INCHARGE, Team.ORGANISATION,
              "centre", _("Centre in-charge (administrator)")),
    DemoLogin("+919900000001", "अनीता सिन्हा", "Anita Sinha", Role.COORDINATOR, Team.SOCIAL_MEDIA,
              "state", _("Bihar state social-media coordinator")),
    DemoLogin("+919900000002", "अमित श्रीवास्तव", "Amit Srivastava", Role.COORDINATOR, Team.SOCIAL_MEDIA,
              "district:230", _("Patna district coordinator")),
    DemoLogin("+919900000003", "संजय मांझी", "Sanjay Manjhi", Role.COORDINATOR, Team.SOCIAL_MEDIA,
              "district:236", _("Gaya district coordinator")),
    DemoLogin("+919900000004", "प्रीति कुमारी", "Preeti Kumari", Role.WORKER, Team.SOCIAL_MEDIA,
              "booth:182", _("Booth worker in Patna (Bankipur)")),
    DemoLogin("+919900000005", "मनोज पासवान", "Manoj Paswan", Role.WORKER, Team.SOCIAL_MEDIA,
              "booth:230", _("Booth worker in Gaya (Gaya Town)")),
]


def demo_login_rows() -> list[tuple[DemoLogin, Person | None, list[Post]]]:
    """Each demo log-in with its person and active posts (units and levels loaded), if present."""
    people = {p.phone: p for p in Person.objects.filter(phone__in=[d.phone for d in DEMO_LOGINS])}
    posts: dict[int, list[Post]] = {}
    for post in Post.objects.filter(person__in=people.values(), active=True).select_related("unit__level"):
        posts.setdefault(post.person_id, []).append(post)
    return [(d, people.get(d.phone), posts.get(people[d.phone].pk, []) if d.phone in people else [])
            for d in DEMO_LOGINS]


def demo_totp_secret(phone: str) -> str:
    """The demo leader's authenticator secret: derived from the phone alone, so it is the same in
    every demo database, and published on purpose (README, `sampark demo_logins`). Demo data only."""
    return base64.b32encode(hashlib.sha256(f"sampark demo authenticator {phone}".encode()).digest()[:20]).decode()


def enrol_demo_leaders() -> int:
    """Enrol every demo log-in who must have a second factor (the leaders at district level and
    above) and has none yet with their published secret; returns how many. Called by the demo
    load in demo mode."""
    enrolled = 0
    for person in Person.objects.filter(phone__in=[d.phone for d in DEMO_LOGINS]):
        s = twofactor.status(person, fresh=True)
        if s.required and not s.enrolled:
            twofactor.enrol_totp(None, person, demo_totp_secret(person.phone))
            enrolled += 1
    return enrolled
