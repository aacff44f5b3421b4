"""Writes about people and posts: atomic, audited, unit counters kept right."""


from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit, paths
from sampark.core.locks import tree_lock
from sampark.core.text import clean, gentle_key, name_tokens
from sampark.core.visibility import is_person, leading_roots
from sampark.org.models import Unit
from sampark.org.services import rewrite_paths
from sampark.people import vacancies
from sampark.people.models import (
    Notify,
    Person,
    PersonToken,
    Post,
    Role,
    Team,
    TransferRequest,
    TransferStatus,
)
from sampark.people.phone_numbers import PeopleError, normalize_phone  # noqa: F401 - where callers find them
from sampark.people.teams import is_team
from sampark.people.transfers import state_roots, tell_deciders
from sampark.people.visibility import forget

NAME_MAX = 200


def person_tokens(name_hi: str, name_en: str) -> set[str]:
    return name_tokens(name_hi, name_en)


def search_name(name_hi: str, name_en: str) -> str:
    return " | ".join(k for k in {gentle_key(name_hi), gentle_key(name_en)} if k)[:255]


def _snapshot(p: Person) -> dict:
    """What the audit keeps of a person: no name nor phone (the id says who), see core/audit.py."""
    return {"lang": p.lang, "is_active": p.is_active}


def _personal(p: Person) -> dict:
    """The personal values, only to tell the audit which of them changed."""
    return {"name_hi": p.name_hi, "name_en": p.name_en, "phone": p.phone}


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
                  lang: str | None = None, notify: str | None = None) -> Person:
    """Change a person's names, language or when directives reach their phone (notify); returns the
    updated row (the argument may be stale)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before, old = _snapshot(person), _personal(person)
    person.name_hi, person.name_en = _clean_names(person.name_hi if name_hi is None else name_hi,
                                                  person.name_en if name_en is None else name_en)
    if lang is not None:
        _check_lang(lang)
        person.lang = lang
    if notify is not None:
        if notify not in Notify.values:
            raise PeopleError(_("Choose when directives reach your phone: immediately, once a day, or only in the app."))
        person.notify = notify
    person.search_name = search_name(person.name_hi, person.name_en)
    person.save(update_fields=["name_hi", "name_en", "lang", "notify", "search_name"])
    _write_tokens(person)
    audit.record(actor, "person.update", person, before=before,
                 after={**_snapshot(person), "changed": audit.changed(old, _personal(person))})
    return person


def unknown_unit() -> str:
    return _("Unknown unit, or outside the part of the organisation you lead.")


def active_paths(person: Person) -> list[str]:
    return list(Post.objects.filter(person=person, active=True).values_list("unit_path", flat=True))


def in_reach(actor, person: Person) -> bool:
    """The person holds an active post where the actor leads: the actor may give them more posts."""
    roots = leading_roots(actor)
    return any(paths.in_subtrees(p, roots) for p in active_paths(person))


def _check_role(role: str, team: str) -> None:
    if role not in Role.values:
        raise PeopleError(_("Unknown role."))
    if not is_team(team):  # a team of the people.TeamName table (people.teams)
        raise PeopleError(_("Unknown team."))


@transaction.atomic
def add_post(actor, *, person: Person, unit: Unit, role: str, team: str = Team.ORGANISATION) -> Post:
    """Give a post. A person acting (not the system, ``actor=None``) gives posts only at units they
    lead, and only to people already inside that reach or members nowhere: someone who is a member
    elsewhere moves by a transfer request (``request_transfer``), never by being taken."""
    _check_role(role, team)
    if is_person(actor):
        if not paths.in_subtrees(Unit.objects.get(pk=unit.pk).path, leading_roots(actor)):
            raise PeopleError(unknown_unit(), status=404)
        here = active_paths(person)
        if here and not any(paths.in_subtrees(p, leading_roots(actor)) for p in here):
            raise PeopleError(_("This person is a member elsewhere: ask for a transfer."), status=409)
    return _give_post(actor, person=person, unit=unit, role=role, team=team)


def _give_post(actor, *, person: Person, unit: Unit, role: str, team: str) -> Post:
    tree_lock()
    unit = Unit.objects.get(pk=unit.pk)  # the current path, even if the subtree moved meanwhile
    post, created = Post.objects.get_or_create(person=person, unit=unit, role=role, team=team,
                                               defaults={"unit_path": unit.path})
    if not created and post.active:
        return post
    if not created:
        post.active, post.ended_at = True, None
        post.unit_path = unit.path
        post.save(update_fields=["active", "unit_path", "ended_at"])
    Unit.objects.filter(pk__in=paths.ancestor_ids(unit.path)).update(member_count=F("member_count") + 1)
    vacancies.post_changed(post)
    Person.objects.filter(pk=person.pk, inactive_since__isnull=False).update(inactive_since=None)  # retention
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
    post.active, post.ended_at = False, timezone.now()
    post.save(update_fields=["active", "ended_at"])
    Unit.objects.filter(pk__in=paths.ancestor_ids(post.unit_path)).update(member_count=F("member_count") - 1)
    vacancies.post_changed(post)
    if not Post.objects.filter(person_id=post.person_id, active=True).exists():  # idle from now (retention)
        Person.objects.filter(pk=post.person_id).update(inactive_since=post.ended_at)
    audit.record(actor, "post.end", post, before={"active": True}, after={"active": False})
    return post


def _leads(actor, unit: Unit) -> Unit:
    """The unit, re-read, when the actor leads it or a unit above; otherwise the 404 error."""
    unit = Unit.objects.filter(pk=unit.pk).first()
    if unit is None or not paths.in_subtrees(unit.path, leading_roots(actor)):
        raise PeopleError(unknown_unit(), status=404)
    return unit


@transaction.atomic
def add_member(actor, *, unit: Unit, phone: str, role: str, team: str = Team.ORGANISATION, name_hi: str = "",
               name_en: str = "", lang: str = "hi") -> Person | TransferRequest:
    """A leader adds someone at a unit they lead: a new person with the post. A phone of someone
    already inside the leader's reach is refused (open their page instead); one of a member
    elsewhere becomes a transfer request, as the import does, so nobody is taken from another place;
    someone who is a member nowhere any more is taken in with the names given."""
    unit = _leads(actor, unit)
    _check_role(role, team)
    name_hi, name_en = _clean_names(name_hi, name_en)
    _check_lang(lang)
    phone = normalize_phone(phone)
    existing = Person.objects.filter(phone=phone).first()
    if existing is None:
        person = create_person(actor, phone=phone, name_hi=name_hi, name_en=name_en, lang=lang)
    elif in_reach(actor, existing):
        raise PeopleError(_("This phone number belongs to a member already here: open their page to give a post."),
                          status=409)
    elif active_paths(existing):
        return request_transfer(actor, existing, unit=unit, role=role, team=team)
    else:
        person = update_person(actor, existing, name_hi=name_hi, name_en=name_en, lang=lang)
    _give_post(actor, person=person, unit=unit, role=role, team=team)
    return person


def may_manage(actor, person: Person) -> bool:
    """The actor leads a unit where the person holds an active post: they may edit and move them."""
    return person.pk != getattr(actor, "pk", None) and in_reach(actor, person)


@transaction.atomic
def end_member_post(actor, post: Post) -> Post:
    """A leader ends a post at a unit they lead (the post stays, inactive, with its end time)."""
    _leads(actor, post.unit)
    return end_post(actor, post)


@transaction.atomic
def move_member(actor, post: Post, *, unit: Unit) -> Post:
    """Move a post to another unit of the actor's reach: the old post ends and the new one is given,
    in one transaction. A place outside it is asked for by a leader there (``request_transfer``)."""
    _leads(actor, post.unit)
    target = _leads(actor, unit)
    end_post(actor, post)
    return _give_post(actor, person=post.person, unit=target, role=post.role, team=post.team)


def on_subtree_moved(sender, unit, old_path: str, new_path: str, new_parent, **kwargs) -> None:  # noqa: ARG001
    """A subtree moved (org.signals.subtree_moved, inside move_unit's transaction): the posts in it
    follow, so their holders see the subtree at its new place."""
    rewrite_paths(Post, "unit_path", old_path, new_path)
    transfers_after_move(old_path, new_path)


# --- transfers: a member elsewhere moves only when a leader above both places agrees -------------

def _common_ancestor(a: str, b: str) -> str:
    """The path of the lowest unit above (or at) both paths."""
    n = 0
    while n < min(len(a), len(b)) and a[n:n + paths.SEGMENT] == b[n:n + paths.SEGMENT]:
        n += paths.SEGMENT
    return a[:n]


def _snapshot_transfer(t: TransferRequest) -> dict:
    return {"person": t.person_id, "from_unit": t.from_unit_id, "to_unit": t.to_unit_id, "role": t.role,
            "team": t.team, "status": t.status}


@transaction.atomic
def request_transfer(actor: Person, person: Person, *, unit: Unit, role: str,
                     team: str = Team.ORGANISATION) -> TransferRequest:
    """Ask that a member be given a post at ``unit`` and leave their place: asked by a leader there
    (for a member elsewhere), or by one who leads all the person's posts (a move out of their reach,
    to a unit of their state). The same request still waiting is returned as it is."""
    _check_role(role, team)
    unit = Unit.objects.get(pk=unit.pk)
    here, roots = active_paths(person), leading_roots(actor)
    if not paths.in_subtrees(unit.path, roots):
        mine = [p for p in here if paths.in_subtrees(p, roots)]
        if not (mine and paths.in_subtrees(unit.path, state_roots(actor))):
            raise PeopleError(unknown_unit(), status=404)
        if len(mine) < len(here):
            raise PeopleError(_("Some of this person's posts lie outside the part you lead: a leader of those "
                                "places, or above them, must ask for the transfer."), status=403)
    if not here:
        raise PeopleError(_("This person is a member nowhere: no transfer is needed."))
    source = here[0]
    for p in here[1:]:
        source = _common_ancestor(source, p)
    from_unit = Unit.objects.get(pk=paths.ancestor_ids(source)[-1])
    waiting = TransferRequest.objects.filter(person=person, to_unit=unit, role=role, team=team,
                                             status=TransferStatus.PENDING).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            t = TransferRequest.objects.create(person=person, from_unit=from_unit, to_unit=unit, role=role, team=team,
                                               approver_path=_common_ancestor(from_unit.path, unit.path),
                                               requested_by=actor)
    except IntegrityError:  # the same request, asked at the same moment (a retry): that one stands
        return TransferRequest.objects.get(person=person, to_unit=unit, role=role, team=team,
                                           status=TransferStatus.PENDING)
    audit.record(actor, "transfer.request", t, after=_snapshot_transfer(t))
    tell_deciders(t)
    return t


def can_decide(person, t: TransferRequest) -> bool:
    """A leader of the lowest unit above both places, or of a unit above it."""
    return paths.in_subtrees(_common_ancestor(t.from_unit.path, t.to_unit.path), leading_roots(person))


def _pending_for_decision(actor, t: TransferRequest) -> TransferRequest:
    t = (TransferRequest.objects.select_for_update(of=("self",))
         .select_related("from_unit", "to_unit", "person").get(pk=t.pk))
    if not can_decide(actor, t):
        raise PeopleError(_("Only a leader above both places can decide on this transfer."), status=403)
    if t.status != TransferStatus.PENDING:
        raise PeopleError(_("This transfer was already decided."), status=409)
    return t


@transaction.atomic
def approve_transfer(actor: Person, t: TransferRequest) -> TransferRequest:
    """End the person's posts under ``from_unit`` and give the new post, in one transaction."""
    t = _pending_for_decision(actor, t)
    before = _snapshot_transfer(t)
    lo, hi = paths.subtree_range(t.from_unit.path)
    for post in Post.objects.filter(person=t.person, active=True, unit_path__gte=lo, unit_path__lt=hi):
        end_post(actor, post)
    _give_post(actor, person=t.person, unit=t.to_unit, role=t.role, team=t.team)
    t.status, t.decided_by, t.decided_at = TransferStatus.APPROVED, actor, timezone.now()
    t.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, "transfer.approve", t, before=before, after=_snapshot_transfer(t))
    return t


@transaction.atomic
def reject_transfer(actor: Person, t: TransferRequest) -> TransferRequest:
    t = _pending_for_decision(actor, t)
    before = _snapshot_transfer(t)
    t.status, t.decided_by, t.decided_at = TransferStatus.REJECTED, actor, timezone.now()
    t.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, "transfer.reject", t, before=before, after=_snapshot_transfer(t))
    return t


def transfers_after_move(old_path: str, new_path: str) -> None:
    """A subtree moved: waiting transfers touching it get their deciding unit again."""
    lo, hi = paths.subtree_range(new_path)
    moved = Q(from_unit__path__gte=lo, from_unit__path__lt=hi) | Q(to_unit__path__gte=lo, to_unit__path__lt=hi)
    for t in TransferRequest.objects.filter(moved, status=TransferStatus.PENDING).select_related("from_unit",
                                                                                                  "to_unit"):
        t.approver_path = _common_ancestor(t.from_unit.path, t.to_unit.path)
        t.save(update_fields=["approver_path"])
