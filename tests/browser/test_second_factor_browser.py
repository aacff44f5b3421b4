"""The second factor in Chromium on a 360 px phone, in Hindi: a district coordinator logs in with
phone + SMS code + a code computed from their authenticator's secret; another enrols on the page,
adds a passkey (a virtual authenticator over the DevTools protocol) and logs in with it."""

import pyotp
import pytest

from sampark.people.models import Passkey
from tests.browser.conftest import latest_code
from tests.personas import enrol_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sms_code(e164: str) -> str:
    """The one place these tests read a login code (from where the laptop channel leaves it)."""
    return latest_code(e164)


def phone_and_code(page, base, digits, e164):
    page.goto(base + "/login/")
    page.fill("#phone", digits)
    page.click("main form.card button")
    page.wait_for_url("**/login/code/")
    page.fill("#code", sms_code(e164))
    page.click("main form.card button")


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_leader_logs_in_with_phone_code_and_authenticator(live_server, world, new_phone, shot):
    secret = enrol_authenticator(world.patna_coord)
    base = live_server.url
    page = new_phone()
    phone_and_code(page, base, "90000 00002", "+919000000002")
    page.wait_for_url("**/second-factor/")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert page.locator("h1").inner_text() == "दूसरा चरण"
    assert "ऑथेंटिकेटर" in page.locator("main").inner_text()
    fits(page)
    shot(page, "2fa-01-asked")
    # Not logged in yet: the home page sends back to log in.
    assert page.locator("footer form").count() == 0

    page.fill("#code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.click("main form.card button")
    assert page.locator("[role=alert]").is_visible()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form.card button")
    page.wait_for_url(base + "/")
    assert "नमस्ते, मनन कृष्ण जी" in page.locator("h1").inner_text()
    fits(page)
    shot(page, "2fa-02-logged-in")


def test_a_leader_enrols_adds_a_passkey_and_logs_in_with_it(live_server, world, new_phone, shot):
    base = live_server.url
    assert base.startswith("http://localhost:")  # passkeys need a host name, not an IP address
    page = new_phone()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True}})

    # No second factor yet: logged in, but held at the enrolment page.
    phone_and_code(page, base, "9000000002", "+919000000002")
    page.wait_for_url("**/account/second-factor/?next=%2F")
    assert page.locator("h1").inner_text() == "दूसरा चरण सेट करें"
    assert page.locator(".qr svg").is_visible()
    fits(page)
    shot(page, "2fa-03-enrol")
    page.goto(base + f"/units/{world.patna.pk}/")
    page.wait_for_url("**/account/second-factor/**")
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form.card button")
    assert page.locator("[data-recovery-codes] li").count() == 10
    fits(page)
    shot(page, "2fa-04-recovery-codes")
    page.click("main p a")
    page.wait_for_url(base + "/**")

    page.goto(base + "/account/second-factor/")
    page.click("[data-passkey-register]")
    page.wait_for_selector("[data-passkeys] li")
    assert Passkey.objects.filter(person=world.patna_coord).count() == 1
    fits(page)
    shot(page, "2fa-05-passkey-added")

    page.click("footer button")  # log out
    page.wait_for_url("**/login/")
    phone_and_code(page, base, "9000000002", "+919000000002")
    page.wait_for_url("**/second-factor/")
    page.click("[data-passkey-login]")
    page.wait_for_url(base + "/")
    assert "नमस्ते, मनन कृष्ण जी" in page.locator("h1").inner_text()
    assert Passkey.objects.get(person=world.patna_coord).last_used_at is not None
    shot(page, "2fa-06-logged-in-with-passkey")
