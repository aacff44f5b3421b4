"""A district coordinator, on a 360 px phone in Hindi, opens a member's page: the number is masked,
"नंबर देखें" reveals it (a tel: link, logged), and the member's recent activity is listed."""

import uuid

import pytest
from django.utils import timezone

from sampark.core.audit import AuditEntry
from sampark.difficulties import services as difficulty_services
from sampark.reports import services as report_services
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_district_coordinator_reveals_a_members_number_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    worker = world.patna_worker
    report_services.submit_report(worker, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                                  date=timezone.localdate(), values={"attendance": 12, "topic": "बैठक"})
    difficulty_services.raise_difficulty(worker, id=uuid.uuid4(), unit=world.patna_booth, category="content",
                                         text="पोस्टर नहीं मिले", now=timezone.now())
    page = new_phone()
    log_in_browser(page.context, base, world.patna_coord)
    page.goto(f"{base}/people/{worker.pk}/")
    assert page.locator("h1").inner_text() == "विनोद तावड़े"
    assert_devanagari_glyphs(page)
    assert page.locator("#phone").inner_text() == "+91 90XXX XX004"
    activity = page.locator("#activity li")
    assert activity.count() == 2
    assert "रिपोर्ट:" in activity.nth(0).inner_text() or "रिपोर्ट:" in activity.nth(1).inner_text()
    assert "कठिनाई:" in page.locator("#activity").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "person-masked")
    page.locator("#show-number").click()
    page.wait_for_load_state()
    link = page.locator("#phone a")
    assert link.inner_text() == "+91 90000 00004" and link.get_attribute("href") == "tel:+919000000004"
    assert page.locator("#show-number").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "person-revealed")
    assert AuditEntry.objects.filter(action="person.phone_reveal", actor_id=world.patna_coord.pk,
                                     object_id=str(worker.pk)).count() == 1
