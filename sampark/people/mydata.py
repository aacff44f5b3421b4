"""People's sections of "my data" (sampark.core.mydata): the person row, posts, sessions, second-factor
enrolment (facts only: never a secret or a hash), API tokens (labels and dates) and transfers about them."""

from django.utils.translation import gettext_lazy as _

from sampark.core.mydata import register_section
from sampark.people.models import (
    ApiToken,
    Consent,
    ErasureRequest,
    Passkey,
    PersonSession,
    PhoneReveal,
    Post,
    RecoveryCode,
    TOTPDevice,
    TransferRequest,
)


def person(p) -> list[dict]:
    return [{"id": p.pk, "name_hi": p.name_hi, "name_en": p.name_en, "phone": p.phone, "lang": p.lang,
             "notify": p.notify, "is_active": p.is_active, "created_at": p.created_at}]


def posts(p) -> list[dict]:
    return [{"id": post.pk, "role": post.role, "team": post.team, "active": post.active, "unit": post.unit_id,
             "unit_name_hi": post.unit.name_hi, "unit_name_en": post.unit.name_en, "unit_path": post.unit_path,
             "created_at": post.created_at}
            for post in Post.objects.filter(person=p).select_related("unit").order_by("created_at", "pk")]


def sessions(p) -> list[dict]:
    return [{"device": s.user_agent, "network_prefix": s.ip_prefix, "created_at": s.created_at,
             "last_seen_at": s.last_seen_at, "expires_at": s.expire_date}
            for s in PersonSession.objects.filter(person=p).order_by("created_at")]


def second_factor(p) -> list[dict]:
    items = [{"kind": "authenticator", "created_at": d.created_at, "enrolled_at": d.confirmed_at}
             for d in TOTPDevice.objects.filter(person=p)]
    codes = RecoveryCode.objects.filter(person=p)
    if codes.exists():
        items.append({"kind": "recovery_codes", "created_at": codes.order_by("created_at").first().created_at,
                      "codes_left": codes.filter(used_at__isnull=True).count()})
    items += [{"kind": "passkey", "label": k.label, "created_at": k.created_at, "last_used_at": k.last_used_at}
              for k in Passkey.objects.filter(person=p).order_by("created_at", "pk")]
    return items


def api_tokens(p) -> list[dict]:
    return [{"label": t.label, "prefix": t.prefix, "created_at": t.created_at, "last_used_at": t.last_used_at,
             "revoked_at": t.revoked_at}
            for t in ApiToken.objects.filter(person=p).order_by("created_at", "pk")]


def transfers(p) -> list[dict]:
    return [{"id": t.pk, "from_unit": t.from_unit_id, "from_unit_name": t.from_unit.name, "to_unit": t.to_unit_id,
             "to_unit_name": t.to_unit.name, "role": t.role, "team": t.team, "status": t.status,
             "created_at": t.created_at, "decided_at": t.decided_at}
            for t in TransferRequest.objects.filter(person=p).select_related("from_unit", "to_unit")]


def phone_reveals(p) -> list[dict]:
    """Numbers the person revealed (whose, when), and when their own number was revealed (not by
    whom: that is the revealer's data)."""
    mine = [{"kind": r.kind, "person": r.person_id, "at": r.at}
            for r in PhoneReveal.objects.filter(viewer=p).order_by("at", "pk")]
    theirs = [{"kind": "your_number_revealed", "at": at}
              for at in PhoneReveal.objects.filter(person=p, kind=PhoneReveal.Kind.REVEAL)
              .exclude(viewer=p).order_by("at").values_list("at", flat=True)]
    return mine + theirs


def erasure_requests(p) -> list[dict]:
    return [{"id": r.pk, "reason": r.reason, "requested_at": r.requested_at, "takes_effect_at": r.due_at,
             "done_at": r.done_at} for r in ErasureRequest.objects.filter(person=p).order_by("requested_at", "pk")]


def consents(p) -> list[dict]:
    return [{"notice_version": c.notice_version, "given_at": c.given_at, "withdrawn_at": c.withdrawn_at}
            for c in Consent.objects.filter(person=p).order_by("given_at", "pk")]


def register() -> None:
    register_section("person", _("About you"), person)
    register_section("posts", _("Posts"), posts, covers=["people.Post.person"])
    register_section("sessions", _("Sessions"), sessions, covers=["people.PersonSession.person"])
    register_section("second_factor", _("Second factor"), second_factor, covers=[
        "people.TOTPDevice.person", "people.RecoveryCode.person", "people.Passkey.person"])
    register_section("api_tokens", _("API tokens"), api_tokens, covers=["people.ApiToken.person"])
    register_section("transfers", _("Transfer requests"), transfers, covers=["people.TransferRequest.person"])
    register_section("phone_reveals", _("Phone numbers shown"), phone_reveals,
                     covers=["people.PhoneReveal.viewer", "people.PhoneReveal.person"])
    register_section("erasure_requests", _("Erasure requests"), erasure_requests,
                     covers=["people.ErasureRequest.person"])
    register_section("consents", _("Consent to the privacy notice"), consents, covers=["people.Consent.person"])
