"""Issue 13, done when: on a 360 px phone in Hindi, Patna's coordinator asks to move a member to a
booth of Gaya (found by name), the state coordinator approves, and the member is at the Gaya booth."""

import pytest

from sampark.people.models import Post, TransferRequest, TransferStatus
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_member_is_moved_to_another_district_and_the_state_approves(live_server, world, new_phone, shot):
    base = live_server.url
    member = world.patna_worker
    coord = new_phone()
    log_in_browser(coord.context, base, world.patna_coord)
    coord.goto(f"{base}/people/{member.pk}/")
    coord.fill("#transfer-find-q", "गया")
    coord.locator("#transfer-find button").click()
    coord.wait_for_load_state()
    assert coord.locator("h1").inner_text() == "दूसरे स्थान पर भेजें"
    places = coord.locator("#transfer-places li")
    assert "गया" in places.first.inner_text()
    # Inside Gaya, the booth by name ("booth" in Roman letters finds बूथ).
    places.filter(has_text="ज़िला").first.locator("a", has_text="भीतर के स्थान").click()
    coord.wait_for_load_state()
    coord.fill("#transfer-q", "booth")
    coord.locator("#transfer-search button").click()
    coord.wait_for_load_state()
    booth = coord.locator("#transfer-places li", has_text="बूथ 2")
    assert booth.count() == 1 and "बोधगया · गया" in booth.inner_text()
    assert_devanagari_glyphs(coord)
    fits(coord)
    shot(coord, "transfer-out-chooser")
    booth.locator("button", has_text="यहाँ भेजने का अनुरोध करें").click()
    coord.wait_for_load_state()
    assert coord.url.endswith("/people/transfers/")
    assert "स्थानांतरण का अनुरोध भेजा गया" in coord.locator("main").inner_text()
    assert "प्रतीक्षा" in coord.locator("#transfers-asked").inner_text()
    t = TransferRequest.objects.get()
    assert (t.person, t.from_unit, t.to_unit) == (member, world.patna_booth, world.gaya_booth)

    state = new_phone()
    log_in_browser(state.context, base, world.state_admin)
    state.goto(base + "/")
    state.locator("a", has_text="स्थानांतरण अनुरोध").click()
    state.wait_for_load_state()
    item = state.locator("#transfers-waiting li")
    assert item.count() == 1 and "विनोद तावड़े" in item.inner_text() and "बूथ 2" in item.inner_text()
    fits(state)
    shot(state, "transfer-out-waiting")
    item.locator("button", has_text="स्वीकृत करें").click()
    state.wait_for_load_state()
    assert "स्थानांतरण स्वीकृत हुआ।" in state.locator("main").inner_text()
    t.refresh_from_db()
    assert t.status == TransferStatus.APPROVED
    # The member is now at the Gaya booth, and no longer at Patna's.
    state.goto(f"{base}/units/{world.gaya_booth.pk}/")
    assert "विनोद तावड़े" in state.locator("main").inner_text()
    fits(state)
    assert list(Post.objects.filter(person=member, active=True).values_list("unit", flat=True)) == [world.gaya_booth.pk]
    coord.goto(base + "/people/transfers/")
    assert "स्वीकृत" in coord.locator("#transfers-asked").inner_text()
