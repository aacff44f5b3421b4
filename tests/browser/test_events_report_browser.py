"""On a 360 px phone in Hindi: the state in-charge opens the press-note workshop's report, edits the
draft, publishes it; a booth worker of the audience reads it; nothing scrolls sideways."""

import pytest

from sampark.events.models import EventReport
from tests.events_fixtures import press_note_workshop
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_edit_publish_and_read_the_report_on_a_phone(live_server, world, new_phone, settings, tmp_path, shot):
    settings.MEDIA_ROOT = tmp_path / "media"
    event = press_note_workshop(world)
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.state_admin)
    page.goto(f"{base}/events/{event.pk}/report/")
    fits_the_phone(page)
    text = page.locator("#report-text")
    assert "विनोद तावड़े ने कहा कि" in text.input_value()
    text.fill(text.input_value() + "\n\nसभी ज़िले इसे साझा करें।")
    page.get_by_role("button", name="मसौदा सहेजें").click()
    page.wait_for_url("**/report/?lang=hi")
    page.get_by_role("button", name="रिपोर्ट प्रकाशित करें").click()
    page.wait_for_url("**/report/?lang=hi")
    fits_the_phone(page)
    row = EventReport.objects.get(lang="hi")
    assert row.status == "published" and row.edited and row.text.endswith("साझा करें।")
    shot(page, "event-report-organiser")

    reader = new_phone()
    log_in_browser(reader.context, base, world.patna_worker)
    reader.goto(f"{base}/events/{event.pk}/")
    fits_the_phone(reader)
    reader.locator("#report a", has_text="हिन्दी").click()
    reader.wait_for_url("**/report/?lang=hi")
    fits_the_phone(reader)
    assert "सभी ज़िले इसे साझा करें।" in reader.locator("article").inner_text()
    shot(reader, "event-report-reader")
