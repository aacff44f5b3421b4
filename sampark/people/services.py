"""Writes about people and posts: atomic, audited, unit counters kept right."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.text import ascii_digits, clean, gentle_key, skeleton_tokens
from sampark.org.models import Unit
from sampark.people.models import Person, PersonToken, Post, Role, Team


class PeopleError(ValueError):
    """Bad input about a person or post; the message is for the user."""


_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """Indian mobile numbers to E.164; accepts Devanagari digits, spaces, 0 or +91 prefixes."""
    value = _PHONE_JUNK.sub("", ascii_digits(clean(raw)))
    if value.startswith("+"):
        digits = value[1:]
        if not digits.isdigit():
            raise PeopleError(_("Enter a valid mobile number, e.g. 98765 43210."))
        if digits.startswith("91"):
            digits = digits[2:]
        else:
            if 8 <= len(digits) <= 15:
                return "+" + digits
            raise PeopleError(_("Enter a valid mobile number, e.g. 98765 43210."))
    else:
        digits = value
        if not digits.isdigit():
            raise PeopleError(_("Enter a valid mobile number, e.g. 98765 43210."))
        if len(digits) == 12 and digits.startswith("91"):
            digits = digits[2:]
        elif len(digits) == 11 and digits.startswith("0"):
            digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "6789":
        raise PeopleError(_("Enter a valid mobile number, e.g. 98765 43210."))
    return "+91" + digits


def person_tokens(name_hi: str, name_en: str) -> set[str]:
    return {t[:32] for t in set(skeleton_tokens(name_hi)) | set(skeleton_tokens(name_en)) if t}


def search_name(name_hi: str, name_en: str) -> str:
    return " | ".join(k for k in {gentle_key(name_hi), gentle_key(name_en)} if k)[:255]


def _snapshot(p: Person) -> dict:
    return {"name_hi": p.name_hi, "name_en": p.name_en, "phone": p.phone, "lang": p.lang, "is_active": p.is_active}


@transaction.atomic
def create_person(actor, *, phone: str, name_hi: str = "", name_en: str = "", lang: str = "hi") -> Person:
    name_hi, name_en = clean(name_hi), clean(name_en)
    if not (name_hi or name_en):
        raise PeopleError(_("A person needs a name in Hindi or English."))
    if lang not in ("hi", "en"):
        raise PeopleError(_("Language must be hi or en."))
    phone = normalize_phone(phone)
    if Person.objects.filter(phone=phone).exists():
        raise PeopleError(_("This phone number is already registered."))
    try:
        with transaction.atomic():
            person = Person.objects.create(phone=phone, name_hi=name_hi, name_en=name_en, lang=lang,
                                           search_name=search_name(name_hi, name_en))
    except IntegrityError as exc:
        raise PeopleError(_("This phone number is already registered.")) from exc
    PersonToken.objects.bulk_create([PersonToken(person=person, token=t) for t in sorted(person_tokens(name_hi, name_en))])
    audit.record(actor, "person.create", person, after=_snapshot(person))
    return person


@transaction.atomic
def update_person(actor, person: Person, *, name_hi: str | None = None, name_en: str | None = None,
                  lang: str | None = None) -> Person:
    before = _snapshot(person)
    if name_hi is not None:
        person.name_hi = clean(name_hi)
    if name_en is not None:
        person.name_en = clean(name_en)
    if lang is not None:
        if lang not in ("hi", "en"):
            raise PeopleError(_("Language must be hi or en."))
        person.lang = lang
    if not (person.name_hi or person.name_en):
        raise PeopleError(_("A person needs a name in Hindi or English."))
    person.search_name = search_name(person.name_hi, person.name_en)
    person.save(update_fields=["name_hi", "name_en", "lang", "search_name"])
    PersonToken.objects.filter(person=person).delete()
    PersonToken.objects.bulk_create(
        [PersonToken(person=person, token=t) for t in sorted(person_tokens(person.name_hi, person.name_en))]
    )
    audit.record(actor, "person.update", person, before=before, after=_snapshot(person))
    return person


@transaction.atomic
def add_post(actor, *, person: Person, unit: Unit, role: str, team: str = Team.ORGANISATION) -> Post:
    if role not in Role.values:
        raise PeopleError(_("Unknown role."))
    if team not in Team.values:
        raise PeopleError(_("Unknown team."))
    unit = Unit.objects.get(pk=unit.pk)  # the current path, even if the subtree moved meanwhile
    post, created = Post.objects.get_or_create(person=person, unit=unit, role=role, team=team,
                                               defaults={"unit_path": unit.path})
    if not created and post.active:
        return post
    if not created:
        post.active = True
        post.unit_path = unit.path
        post.save(update_fields=["active", "unit_path"])
    Unit.objects.filter(pk__in=paths.ancestor_ids(unit.path)).update(member_count=F("member_count") + 1)
    audit.record(actor, "post.add", post, after={"person": person.pk, "unit": unit.pk, "role": role, "team": team})
    return post


@transaction.atomic
def end_post(actor, post: Post) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.active:
        return post
    post.active = False
    post.save(update_fields=["active"])
    Unit.objects.filter(pk__in=paths.ancestor_ids(post.unit_path)).update(member_count=F("member_count") - 1)
    audit.record(actor, "post.end", post, before={"active": True}, after={"active": False})
    return post
