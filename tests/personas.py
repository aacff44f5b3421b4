"""Test personas (STYLE rule 9): a fixed mini-organisation used by every test module.

Centre → Bihar → Patna (district A) and Gaya (district B) → one constituency each → mandal →
shakti kendra → booth; plus Uttar Pradesh with one district. People: the state admin, the Patna
coordinator, a booth worker in Patna, the Gaya coordinator, a booth worker in Gaya, and a UP
coordinator (another state); and the Centre's in-charge, who administers the setup pages."""

from dataclasses import dataclass

from sampark.org.models import Level, Unit
from sampark.org.services import create_unit, ensure_default_levels
from sampark.people.models import Person, Role, Team
from sampark.people.services import add_post, create_person


@dataclass
class World:
    centre: Unit
    bihar: Unit
    patna: Unit
    gaya: Unit
    patna_ac: Unit
    gaya_ac: Unit
    patna_booth: Unit
    gaya_booth: Unit
    up: Unit
    lucknow: Unit
    state_admin: Person
    patna_coord: Person
    patna_worker: Person
    gaya_coord: Person
    gaya_worker: Person
    up_coord: Person
    centre_admin: Person


def _chain(parent: Unit, names: list[tuple[str, str, str]]) -> list[Unit]:
    out = []
    for level_code, hi, en in names:
        parent = create_unit(None, parent=parent, level=Level.objects.get(code=level_code), name_hi=hi, name_en=en)
        out.append(parent)
    return out


def build_world() -> World:
    ensure_default_levels()  # gone if a transactional test flushed the database before
    lv = {lv.code: lv for lv in Level.objects.all()}
    centre = create_unit(None, parent=None, level=lv["centre"], name_hi="राष्ट्रीय", name_en="Centre")
    bihar = create_unit(None, parent=centre, level=lv["state"], name_hi="बिहार", name_en="Bihar", code="S04")
    patna, patna_ac, _m, _sk, patna_booth = _chain(bihar, [
        ("district", "पटना", "Patna"), ("assembly", "बाँकीपुर", "Bankipur"), ("mandal", "मंडल 1", "Mandal 1"),
        ("shakti_kendra", "शक्ति केंद्र 1", "Shakti Kendra 1"), ("booth", "बूथ 1", "Booth 1")])
    gaya, gaya_ac, _m2, _sk2, gaya_booth = _chain(bihar, [
        ("district", "गया", "Gaya"), ("assembly", "बोधगया", "Bodh Gaya"), ("mandal", "मंडल 2", "Mandal 2"),
        ("shakti_kendra", "शक्ति केंद्र 2", "Shakti Kendra 2"), ("booth", "बूथ 2", "Booth 2")])
    up = create_unit(None, parent=centre, level=lv["state"], name_hi="उत्तर प्रदेश", name_en="Uttar Pradesh")
    lucknow = create_unit(None, parent=up, level=lv["district"], name_hi="लखनऊ", name_en="Lucknow")

    def person(phone, hi, en, unit, role, team=Team.SOCIAL_MEDIA):
        p = create_person(None, phone=phone, name_hi=hi, name_en=en)
        add_post(None, person=p, unit=unit, role=role, team=team)
        consent_to_notice(p)
        return p

    return World(
        centre=centre, bihar=bihar, patna=patna, gaya=gaya, patna_ac=patna_ac, gaya_ac=gaya_ac,
        patna_booth=patna_booth, gaya_booth=gaya_booth, up=up, lucknow=lucknow,
        state_admin=person("+919000000001", "राजेश वर्मा", "Rajesh Verma", bihar, Role.INCHARGE),
        patna_coord=person("+919000000002", "मनन कृष्ण", "Manan Krishna", patna, Role.COORDINATOR),
        patna_worker=person("+919000000004", "विनोद तावड़े", "Vinod Tawde", patna_booth, Role.WORKER),
        gaya_coord=person("+919000000003", "रितेश रंजन", "Ritesh Ranjan", gaya, Role.COORDINATOR),
        gaya_worker=person("+919000000005", "अमल अवस्थी", "Amal Awasthi", gaya_booth, Role.WORKER),
        up_coord=person("+919000000006", "नवीन कुमार", "Naveen Kumar", lucknow, Role.COORDINATOR),
        centre_admin=person("+919000000007", "सुधा मिश्रा", "Sudha Mishra", centre, Role.INCHARGE, Team.ORGANISATION),
    )


def consent_to_notice(person) -> None:
    """The person consents to the current privacy notice, as they would at their first log-in
    (tests/test_consent.py tests the way there). Giving it again records nothing."""
    from sampark.people.consent import give_consent, has_consented
    from sampark.people.notice import NOTICE_VERSION

    if not has_consented(person):
        give_consent(person, NOTICE_VERSION)


def log_in(client, person, lang: str = "hi", *, consent: bool = True):
    """Log a test client in as a person through the session the pages use; any earlier log-in on
    that client is dropped. The session is saved on the server; the client's cookie carries its key.
    The person has consented to the privacy notice unless ``consent=False``."""
    from django.conf import settings

    from sampark.people.middleware import SESSION_KEY
    from sampark.people.twofactor import mark_passed

    if consent:
        consent_to_notice(person)
    client.cookies.clear()
    session = client.session
    session[SESSION_KEY] = person.pk
    mark_passed(session)  # a whole log-in, second factor given (tests/test_second_factor.py tests the way there)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def log_in_browser(context, base: str, person, lang: str = "hi", *, consent: bool = True) -> None:
    """The same for a Playwright browser context: a saved session's cookie, and the language the
    switch would set (the phones themselves send en-US)."""
    if consent:
        consent_to_notice(person)
    from importlib import import_module

    from django.conf import settings

    from sampark.people.middleware import SESSION_KEY
    from sampark.people.twofactor import mark_passed

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = person.pk
    mark_passed(session)
    session.save()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base},
                         {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}])


def enrol_authenticator(person) -> str:
    """Enrol a person's authenticator app with a fresh secret; returns the secret, from which a
    test computes codes (pyotp.TOTP(secret).now())."""
    import pyotp

    from sampark.people.twofactor import enrol_totp

    secret = pyotp.random_base32()
    enrol_totp(None, person, secret)
    return secret
