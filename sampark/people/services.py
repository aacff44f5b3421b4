"""Writes about people and posts: atomic, audited, unit counters kept right."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.locks import tree_lock
from sampark.core.text import ascii_digits, clean, gentle_key, name_tokens
from sampark.org.models import Unit
from sampark.org.services import rewrite_paths
from sampark.people.models import Person, PersonToken, Post, Role, Team
from sampark.people.visibility import forget

NAME_MAX = 200


class PeopleError(ValueError):
    """Bad input about a person or post; the message is for the user."""


_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """Indian mobile numbers to E.164 (+91 and ten digits starting 6-9); accepts Devanagari
    digits, spaces, dashes, and the 0, 91, +91 or 0091 prefixes people type. Another country's
    number is accepted only written in full with + (or 00) and its country code."""
    value = _PHONE_JUNK.sub("", ascii_digits(clean(raw or "")))
    bad = PeopleError(_("Enter a valid mobile number, e.g. 98765 43210."))
    if value.startswith("00"):
        value = "+" + value[2:]
    international = value.startswith("+")
    digits = value[1:] if international else value
    if not digits.isascii() or not digits.isdigit():
        raise bad
    if international and not digits.startswith("91"):
        if digits[0] != "0" and 8 <= len(digits) <= 15:
            return "+" + digits
        raise bad
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0") and not international:
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "6789":
        raise bad
    return "+91" + digits


def person_tokens(name_hi: str, name_en: str) -> set[str]:
    return name_tokens(name_hi, name_en)


def search_name(name_hi: str, name_en: str) -> str:
    return " | ".join(k for k in {gentle_key(name_hi), gentle_key(name_en)} if k)[:255]


def _snapshot(p: Person) -> dict:
    return {"name_hi": p.name_hi, "name_en": p.name_en, "phone": p.phone, "lang": p.lang, "is_active": p.is_active}


def _clean_names(name_hi: str, name_en: str) -> tuple[str, str]:
    name_hi, name_en = clean(name_hi), clean(name_en)
    if not (name_hi or name_en):
        raise PeopleError(_("A person needs a name in Hindi or English."))
    if len(name_hi) > NAME_MAX or len(name_en) > NAME_MAX:
        raise PeopleError(_("A name may have at most {n} characters.").format(n=NAME_MAX))
    return name_hi, name_en


def _check_lang(lang: str) -> None:
    if lang not in ("hi", "en"):
        raise PeopleError(_("Language must be hi or en."))


def _write_tokens(person: Person) -> None:
    PersonToken.objects.filter(person=person).delete()
    PersonToken.objects.bulk_create(
        [PersonToken(person=person, token=t) for t in sorted(person_tokens(person.name_hi, person.name_en))]
    )


@transaction.atomic
def create_person(actor, *, phone: str, name_hi: str = "", name_en: str = "", lang: str = "hi") -> Person:
    name_hi, name_en = _clean_names(name_hi, name_en)
    _check_lang(lang)
    phone = normalize_phone(phone)
    if Person.objects.filter(phone=phone).exists():
        raise PeopleError(_("This phone number is already registered."))
    try:
        with transaction.atomic():
            person = Person.objects.create(phone=phone, name_hi=name_hi, name_en=name_en, lang=lang,
                                           search_name=search_name(name_hi, name_en))
    except IntegrityError as exc:  # registered by a concurrent request
        raise PeopleError(_("This phone number is already registered.")) from exc
    _write_tokens(person)
    audit.record(actor, "person.create", person, after=_snapshot(person))
    return person


@transaction.atomic
def update_person(actor, person: Person, *, name_hi: str | None = None, name_en: str | None = None,
                  lang: str | None = None) -> Person:
    """Change a person's names or language; returns the updated row (the argument may be stale)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = _snapshot(person)
    person.name_hi, person.name_en = _clean_names(person.name_hi if name_hi is None else name_hi,
                                                  person.name_en if name_en is None else name_en)
    if lang is not None:
        _check_lang(lang)
        person.lang = lang
    person.search_name = search_name(person.name_hi, person.name_en)
    person.save(update_fields=["name_hi", "name_en", "lang", "search_name"])
    _write_tokens(person)
    audit.record(actor, "person.update", person, before=before, after=_snapshot(person))
    return person


@transaction.atomic
def add_post(actor, *, person: Person, unit: Unit, role: str, team: str = Team.ORGANISATION) -> Post:
    if role not in Role.values:
        raise PeopleError(_("Unknown role."))
    if team not in Team.values:
        raise PeopleError(_("Unknown team."))
    tree_lock()
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
    forget(person)
    return post


@transaction.atomic
def end_post(actor, post: Post) -> Post:
    tree_lock()
    if Post.person.is_cached(post):
        forget(post.person)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.active:
        return post
    post.active = False
    post.save(update_fields=["active"])
    Unit.objects.filter(pk__in=paths.ancestor_ids(post.unit_path)).update(member_count=F("member_count") - 1)
    audit.record(actor, "post.end", post, before={"active": True}, after={"active": False})
    return post


def on_subtree_moved(sender, unit, old_path: str, new_path: str, new_parent, **kwargs) -> None:  # noqa: ARG001
    """A subtree moved (org.signals.subtree_moved, inside move_unit's transaction): the posts in it
    follow, so their holders see the subtree at its new place."""
    rewrite_paths(Post, "unit_path", old_path, new_path)
