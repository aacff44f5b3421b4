"""Deactivating a member (kept apart from erasure, which removes their data): their active posts end
(the history stays), they can no longer log in, their sessions end and their API tokens are revoked.
A leader who led one of those posts may reactivate them: the posts ended by the deactivation come
back, those at units the leader leads."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.core.visibility import leading_roots, subtree_q
from sampark.people.models import ApiToken, ErasureRequest, Person, PersonSession, Post
from sampark.people.services import PeopleError, _give_post, end_post, may_manage
from sampark.people.visibility import forget


def _unknown() -> PeopleError:
    return PeopleError(_("Unknown member, or outside the part of the organisation you lead."), status=404)


def _ended_by_deactivation(person: Person):
    """The posts the deactivation ended: they all carry its time (people.inactive_since)."""
    if person.inactive_since is None:
        return Post.objects.none()
    return Post.objects.filter(person=person, active=False, ended_at=person.inactive_since)


def deactivated_in_reach(actor, person_id: int) -> Person | None:
    """A deactivated (not erased) member whose deactivated posts include one where the actor leads."""
    person = Person.objects.filter(pk=person_id, is_active=False).first()
    if person is None or person.pk == getattr(actor, "pk", None):
        return None
    if ErasureRequest.objects.filter(person=person, done_at__isnull=False).exists():
        return None
    if not _ended_by_deactivation(person).filter(subtree_q("unit_path", leading_roots(actor))).exists():
        return None
    return person


def may_reactivate(actor, person: Person) -> bool:
    return not person.is_active and deactivated_in_reach(actor, person.pk) is not None


@transaction.atomic
def deactivate_person(actor, person: Person) -> Person:
    if not may_manage(actor, person):
        raise _unknown()
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        return person
    now = timezone.now()
    ended = [end_post(actor, post).pk for post in Post.objects.filter(person=person, active=True)]
    # One time for all of them, so reactivating finds exactly these posts.
    Post.objects.filter(pk__in=ended).update(ended_at=now)
    person.is_active, person.inactive_since = False, now
    person.save(update_fields=["is_active", "inactive_since"])
    sessions = PersonSession.objects.filter(person=person).delete()[0]
    tokens = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(actor, "person.deactivate", person,
                 after={"posts": ended, "sessions_ended": sessions, "tokens_revoked": tokens})
    forget(person)
    return person


@transaction.atomic
def reactivate_person(actor, person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        if may_manage(actor, person):
            return person
        raise _unknown()
    if deactivated_in_reach(actor, person.pk) is None:
        raise _unknown()
    back = list(_ended_by_deactivation(person).filter(subtree_q("unit_path", leading_roots(actor)))
                .select_related("unit"))
    person.is_active = True
    person.save(update_fields=["is_active"])
    for post in back:
        _give_post(actor, person=person, unit=post.unit, role=post.role, team=post.team)
    audit.record(actor, "person.reactivate", person, after={"posts": [p.pk for p in back]})
    forget(person)
    return Person.objects.get(pk=person.pk)
