"""On a 360 px phone in Hindi the state's in-charge builds a workshop's programme (a member found by
a Devanagari name, a guest with a title, reordered), records a review entry for a district, and the
event page shows it all without scrolling sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.difficulties.models import ActionItem
from sampark.events import services
from sampark.events.models import ProgrammeItem
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_programme_and_review_on_a_phone(live_server, world, new_phone, shot):
    start = timezone.now() + timedelta(days=2)
    event, _ = services.create_event(world.state_admin, unit=world.bihar, title="प्रदेश कार्यशाला", kind="workshop",
                                     starts_at=start, ends_at=start + timedelta(hours=6), is_review=True)
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.state_admin)
    page.goto(f"{base}/events/{event.pk}/")
    page.locator("#programme summary").click()
    page.locator("#programme-q").fill("मनन")
    page.get_by_role("button", name="खोजें").first.click()
    page.wait_for_load_state()
    page.locator("#programme-role").select_option("stage")
    page.get_by_role("radio", name="मनन कृष्ण").check()
    page.get_by_role("button", name="जोड़ें", exact=True).click()
    page.wait_for_load_state()
    assert "कार्यक्रम-क्रम में जोड़ दिया गया।" in page.locator("main").inner_text()
    page.locator("#programme summary").click()
    page.locator("#programme-role").select_option("chief_guest")
    page.get_by_role("radio", name="अतिथि जो सदस्य नहीं हैं").check()
    page.locator("#guest-name").fill("डॉ. संजय जायसवाल")
    page.get_by_role("button", name="जोड़ें", exact=True).click()
    page.wait_for_load_state()
    assert "अतिथि का पद लिखें" in page.locator("[role=alert]").inner_text()
    page.locator("#guest-title").fill("सांसद")
    page.get_by_role("button", name="जोड़ें", exact=True).click()
    page.wait_for_load_state()
    page.locator("#programme li", has_text="मुख्य अतिथि").get_by_role("button", name="ऊपर करें").click()
    page.wait_for_load_state()
    items = page.locator("#programme ol > li").all_inner_texts()
    assert items[0].startswith("मुख्य अतिथि: डॉ. संजय जायसवाल (सांसद)") and items[1].startswith("मंच संचालन: मनन कृष्ण")
    assert list(ProgrammeItem.objects.values_list("role__code", "position")) == [("chief_guest", 1), ("stage", 2)]
    fits(page)
    shot(page, "event-programme")

    page.get_by_role("link", name="समीक्षा दर्ज करें, इकाई दर इकाई").click()
    page.wait_for_load_state()
    assert "गया" in page.locator("#current h2").inner_text()
    page.locator("a[rel=next]").click()
    page.wait_for_load_state()
    assert "पटना" in page.locator("#current h2").inner_text()
    page.get_by_role("radio", name="निर्देश").check()
    page.locator("#review-text").fill("हर मंडल में प्रशिक्षण कराएँ")
    page.locator("#review-due").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="दर्ज करें").click()
    page.wait_for_load_state()
    assert "हर मंडल में प्रशिक्षण कराएँ" in page.locator("#current").inner_text()
    fits(page)
    shot(page, "event-review")
    assert ActionItem.objects.get().unit == world.patna
    page.goto(f"{base}/events/{event.pk}/")
    assert "हर मंडल में प्रशिक्षण कराएँ" in page.locator("#review").inner_text()
    fits(page)
    shot(page, "event-detail-programme-review")
