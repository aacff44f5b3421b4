"""The privacy notice and the caller's consent to it, in the API. These answer before consent (api.auth
lets /me, /me/data and /me/consent through), so an app can show the notice and send the "I agree"."""

from datetime import datetime
from typing import Annotated

from ninja import Router, Schema
from pydantic import WithJsonSchema

from sampark.core.errors import error_body, error_responses
from sampark.people import consent, notice

router = Router(tags=["people"])


class Bilingual(Schema):
    hi: str
    en: str


class NoticeItemOut(Schema):
    key: str
    what: Bilingual
    kept: Bilingual


class NoticeSectionOut(Schema):
    key: str
    title: Bilingual
    text: Bilingual


class ConsentOut(Schema):
    """The current privacy notice in Hindi and English (durations as they are now), and whether the
    caller has consented to this version."""

    version: str
    consented: bool
    given_at: datetime | None
    intro: Bilingual
    items: list[NoticeItemOut]
    sections: list[NoticeSectionOut]
    my_data_url: str


class ConsentIn(Schema):
    model_config = {"extra": "forbid"}

    # Documented as the one version accepted; another is read as text and answered 422 with a message.
    version: Annotated[str, WithJsonSchema({
        "type": "string", "enum": [notice.NOTICE_VERSION],
        "description": "the version of the notice read (GET /me/consent); only the current one is accepted"})]


def _both(hi: dict, en: dict, *keys: str) -> dict:
    return {k: {"hi": hi[k], "en": en[k]} for k in keys}


def consent_out(person) -> dict:
    hi, en = notice.rendered("hi"), notice.rendered("en")
    given = consent.standing(person)
    return {
        "version": notice.NOTICE_VERSION, "consented": given is not None,
        "given_at": given.given_at if given else None, **_both(hi, en, "intro"),
        "items": [{"key": h["key"], **_both(h, e, "what", "kept")} for h, e in zip(hi["items"], en["items"], strict=True)],
        "sections": [{"key": h["key"], **_both(h, e, "title", "text")}
                     for h, e in zip(hi["sections"], en["sections"], strict=True)],
        "my_data_url": notice.MY_DATA_URL,
    }


@router.get("/me/consent", response={200: ConsentOut, **error_responses(401)})
def my_consent(request):
    return consent_out(request.person)


@router.post("/me/consent", response={201: ConsentOut, **error_responses(400, 401, 403, 413, 422)})
def give_consent(request, data: ConsentIn):
    """Consent to the notice of ``version``, which must be the current one (else 422). Sending it again
    answers the same, and records nothing more."""
    try:
        consent.give_consent(request.person, data.version)
    except consent.ConsentError as exc:
        return exc.status, error_body(exc, {"version": str(exc)})
    return 201, consent_out(request.person)
