"""The state in-charge approves a transfer on a 360 px phone: Hindi, nothing wider than the screen."""

import pytest

from sampark.people.models import Post, Role, TransferRequest, TransferStatus
from sampark.people.services import request_transfer
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_state_in_charge_approves_a_transfer_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    t = request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    page = new_phone()
    log_in_browser(page.context, base, world.state_admin)
    page.goto(base + "/people/transfers/")
    assert page.locator("h1").inner_text() == "स्थानांतरण अनुरोध"
    assert_devanagari_glyphs(page)
    item = page.locator("#transfers-waiting li")
    assert item.count() == 1 and "अमल अवस्थी" in item.inner_text() and "बूथ 2" in item.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "transfers-waiting")
    item.locator("button", has_text="स्वीकृत करें").click()
    page.wait_for_load_state()
    assert "स्थानांतरण स्वीकृत हुआ।" in page.locator("main").inner_text()
    assert page.locator("#transfers-waiting").count() == 0
    t.refresh_from_db()
    assert t.status == TransferStatus.APPROVED
    assert Post.objects.filter(person=world.gaya_worker, unit=world.patna_booth, active=True).exists()
    assert TransferRequest.objects.filter(status=TransferStatus.PENDING).count() == 0
