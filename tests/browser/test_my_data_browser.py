"""A booth worker opens "my data" on a 360 px phone in Hindi, reads it and downloads it."""

import json
import uuid

import pytest
from django.utils import timezone

from sampark.reports.services import submit_report
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_worker_reads_and_downloads_their_data_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    submit_report(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                  date=timezone.localdate(), values={"attendance": 4, "topic": "चौपाल " + "लंबा विषय " * 30})
    page = new_phone()
    log_in_browser(page.context, base, world.patna_worker)
    page.goto(base + "/")
    page.locator("footer a", has_text="मेरा डेटा").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "मेरा डेटा"
    assert_devanagari_glyphs(page)
    for summary in page.locator("summary").all():
        summary.click()
    assert "विनोद तावड़े" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "my-data")
    with page.expect_download() as download:
        page.locator("a", has_text="JSON").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["person"][0]["phone"] == world.patna_worker.phone
    assert data["reports"][0]["values"]["attendance"] == 4


def test_a_worker_corrects_their_own_name_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.patna_worker)
    page.goto(base + "/account/data/")
    assert page.locator("#correct").inner_text() == "अपना नाम और भाषा सुधारें"
    page.fill("#my-name_hi", "   ")
    page.fill("#my-name_en", "")
    page.locator("form[action='/account/data/name/'] button").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").is_visible()  # refused in Hindi, nothing saved
    world.patna_worker.refresh_from_db()
    assert world.patna_worker.name_hi == "विनोद तावड़े"
    page.fill("#my-name_hi", "विनोद कुमार तावड़े")
    page.fill("#my-name_en", "Vinod Kumar Tawde")
    page.locator("form[action='/account/data/name/'] button").click()
    page.wait_for_load_state()
    assert "आपका नाम और भाषा सहेज दी गई।" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "my-data-correct-name")
    world.patna_worker.refresh_from_db()
    assert (world.patna_worker.name_hi, world.patna_worker.name_en) == ("विनोद कुमार तावड़े", "Vinod Kumar Tawde")


def test_a_worker_chooses_when_directives_reach_the_phone(live_server, world, new_phone, shot):
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.patna_worker)
    page.goto(base + "/account/data/")
    choice = page.locator("fieldset.notify")
    assert "नया निर्देश मेरे फ़ोन पर कब आए" in choice.inner_text()
    assert page.locator("input[name=notify][value=digest]").is_checked()  # the default
    choice.get_by_text("केवल ऐप में").click()
    page.locator("form[action='/account/data/name/'] button").click()
    page.wait_for_load_state()
    assert page.locator("input[name=notify][value=app]").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "my-data-notify")
    world.patna_worker.refresh_from_db()
    assert world.patna_worker.notify == "app"
