"""The state in-charge, on a 360 px phone in Hindi, reads the network pages of Bihar and Patna: the
headline, the platforms, the map (by coverage and by growth), the chart and the districts by growth;
nothing scrolls sideways."""

import pytest

from sampark.org.models import Unit
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import build_world, log_in_browser
from tests.test_network_pages import network_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_network_pages_fit_a_phone(live_server, new_phone, shot):
    world = build_world()
    network_world(world)
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.state_admin)
    bihar, patna = Unit.objects.get(pk=world.bihar.pk), Unit.objects.get(pk=world.patna.pk)
    for url in (f"/network/unit/{bihar.pk}/", f"/network/unit/{bihar.pk}/?by=growth", f"/network/unit/{patna.pk}/"):
        page.goto(base + url)
        assert page.evaluate("document.documentElement.lang") == "hi"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        assert page.locator("#network-map svg.map").count() == 1
        assert page.locator("#network-chart svg circle").count() == 13
    shot(page, "network-patna")
    page.goto(f"{base}/network/unit/{bihar.pk}/")
    assert_devanagari_glyphs(page)
    shot(page, "network-bihar")
    rows = page.locator("#network-children tbody tr")
    assert rows.count() == 2 and "पटना" in rows.first.inner_text()
    page.locator(f'#network-map a[href="/network/unit/{patna.pk}/"]').first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/network/unit/{patna.pk}/")
