"""A booth worker asks for erasure on "my data", on a 360 px phone in Hindi, after a confirmation that
says what happens; their coordinator sees the request on /people/erasures/ and erases it at once."""

import pytest

from sampark.people.models import ErasureRequest
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_worker_asks_for_erasure_and_the_coordinator_erases_now(live_server, world, new_phone, shot):
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.patna_worker)
    page.goto(base + "/account/data/")
    section = page.locator("#erasure-erase")
    confirm = section.locator("button", has_text="हाँ, मेरा डेटा मिटाएँ")
    assert not confirm.is_visible()  # behind the confirmation
    section.locator("summary").click()
    text = section.inner_text()
    assert "7 दिन बाद" in text and "छद्म नाम" in text and "वापस नहीं किया जा सकता" in text
    assert_devanagari_glyphs(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "erasure-ask")
    confirm.click()
    page.wait_for_load_state()
    assert "आपका अनुरोध दर्ज हो गया" in page.locator("main").inner_text()
    assert page.locator("#erasure-pending").is_visible()
    req = ErasureRequest.objects.get()
    assert req.person == world.patna_worker and req.done_at is None

    coord = new_phone()
    log_in_browser(coord.context, base, world.patna_coord)
    coord.goto(base + "/people/erasures/")
    assert coord.locator("h1").inner_text() == "मिटाने के अनुरोध"
    item = coord.locator("#erasures-waiting li")
    assert item.count() == 1 and "विनोद तावड़े" in item.inner_text() and "बूथ 1" in item.inner_text()
    assert coord.evaluate("document.documentElement.scrollWidth") <= 360
    item.locator("summary", has_text="अभी मिटाएँ").click()
    assert "इसे वापस नहीं किया जा सकता" in item.inner_text()
    shot(coord, "erasure-confirm")
    item.locator("button", has_text="हाँ, अभी मिटाएँ").click()
    coord.wait_for_load_state()
    assert "मिटा दिया गया" in coord.locator("main").inner_text()
    assert coord.locator("#erasures-waiting").count() == 0
    req.refresh_from_db()
    world.patna_worker.refresh_from_db()
    assert req.done_at is not None and req.confirmed_by == world.patna_coord
    assert world.patna_worker.name_hi == "सदस्य " + req.pseudonym and not world.patna_worker.is_active
    # Their session is gone: the member's page now asks for a log-in.
    page.goto(base + "/account/data/")
    assert "/login/" in page.url
