"""A booth worker on a 360 px phone: log in with a code, open the booth, search in Roman letters,
switch to English; and a district coordinator who tries another district's unit gets the 404 page."""

import pyotp
import pytest

from tests.browser.conftest import latest_code
from tests.personas import enrol_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GLYPHS_JS = """() => {
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;font-size:32px';
  document.body.appendChild(probe);
  const w = (t) => { probe.textContent = t; return probe.getBoundingClientRect().width; };
  const letters = ['क', 'म', 'ग', 'ञ', 'ट', 'ल', 'ह', 'ष'];
  const out = {widths: letters.map(w), tofu: w('\\uE000'), conjunct: w('क्ष'),
               parts: w('क') + w('्') + w('ष'), family: getComputedStyle(probe).fontFamily};
  probe.remove();
  return out;
}"""


def assert_devanagari_glyphs(page):
    """Boxes (tofu) are all one width; real glyphs differ, and क्ष is shaped into one narrower glyph."""
    m = page.evaluate(GLYPHS_JS)
    widths = [round(x, 1) for x in m["widths"]]
    assert len(set(widths)) >= 3, m
    assert sum(1 for x in widths if abs(x - m["tofu"]) < 0.5) <= 1, m
    assert m["conjunct"] < m["parts"] - 4, m


def ask_code(page, base, digits, e164):
    page.goto(base + "/login/")
    page.fill("#phone", digits)
    page.click("main form.card button")
    page.wait_for_url("**/login/code/")
    return latest_code(e164)


def enter_code(page, code):
    page.fill("#code", code)
    page.click("main form.card button")


def test_booth_worker_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    page = new_phone()
    page.goto(base + "/login/")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert page.locator("h1").inner_text() == "लॉग इन करें"
    assert_devanagari_glyphs(page)
    shot(page, "01-login")

    code = ask_code(page, base, "90000 00004", "+919000000004")
    enter_code(page, "000000" if code != "000000" else "111111")
    error = page.locator("[role=alert]")
    assert "यह कोड गलत है" in error.inner_text()
    shot(page, "02-wrong-code")

    enter_code(page, code)
    page.wait_for_url(base + "/")
    assert "नमस्ते, विनोद तावड़े जी" in page.locator("h1").inner_text()
    assert page.get_by_text("बूथ 1").is_visible()
    assert_devanagari_glyphs(page)
    # Nothing sticks out sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "03-home")

    page.click(f'a[href="/units/{world.patna_booth.pk}/"]')
    page.wait_for_url(f"**/units/{world.patna_booth.pk}/")
    assert page.locator("h1").inner_text() == "बूथ 1"
    assert "विनोद तावड़े" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "04-booth")

    page.fill("header input[name=q]", "vinod tawde")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=vinod+tawde")
    assert "विनोद तावड़े" in page.locator("main ul.list").first.inner_text()
    shot(page, "05-search-hindi")

    page.click("header .lang button")
    page.wait_for_url("**/search/?q=vinod+tawde")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Search"
    assert page.get_by_role("heading", name="People").is_visible()
    assert "Vinod Tawde" in page.locator("main ul.list").first.inner_text()
    shot(page, "06-search-english")

    # Coming back later, on this phone: still English.
    page.goto(base + "/")
    assert page.locator("main h2").all_inner_texts()[:2] == ["What needs me now", "My posts and units"]
    assert page.get_by_role("link", name="Directives").is_visible()

    # And on another phone, after logging in: the choice was saved to the person.
    other = new_phone()
    code = ask_code(other, base, "+91 9000000004", "+919000000004")
    enter_code(other, code)
    other.wait_for_url(base + "/")
    assert other.locator("main h2").all_inner_texts()[:2] == ["What needs me now", "My posts and units"]
    shot(other, "07-home-english-other-phone")


def test_coordinator_gets_the_404_page_for_another_district(live_server, world, new_phone, shot):
    secret = enrol_authenticator(world.patna_coord)  # a district coordinator has a second factor
    base = live_server.url
    page = new_phone()
    enter_code(page, ask_code(page, base, "9000000002", "+919000000002"))
    page.wait_for_url("**/second-factor/")
    enter_code(page, pyotp.TOTP(secret).now())
    page.wait_for_url(base + "/")
    page.click(f'a[href="/units/{world.patna.pk}/"]')
    assert "बाँकीपुर" in page.locator("table").inner_text()
    shot(page, "08-district")

    response = page.goto(f"{base}/units/{world.gaya_booth.pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "पृष्ठ नहीं मिला"
    assert "गया" not in page.locator("main").inner_text()
    assert page.get_by_role("link", name="अपने मुखपृष्ठ पर जाएँ").is_visible()
    assert_devanagari_glyphs(page)
    shot(page, "09-not-found")
