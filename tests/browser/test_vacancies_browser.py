"""A district coordinator, on a 360 px phone in Hindi, sees how many booths lack a social-media
worker, opens the list of those booths, fills one through the add-member form, and the count drops."""

import re

import pytest

from sampark.org.models import Level
from sampark.org.services import create_unit
from sampark.people import vacancies
from sampark.people.models import Post, Role, Team
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import build_world, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_district_coordinator_fills_a_vacancy_on_a_phone(live_server, new_phone, shot):
    vacancies.ensure_default_plan()
    world = build_world()
    booth = Level.objects.get(code="booth")
    kendra = world.patna_booth.parent
    empty = [create_unit(None, parent=kendra, level=booth, name_hi=f"बूथ {n}", name_en=f"Booth {n}") for n in (7, 8)]
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.patna_coord)
    page.goto(f"{base}/units/{world.patna.pk}/")
    assert_devanagari_glyphs(page)
    block = page.locator("#vacancies")
    line = block.locator("a", has_text="बूथों पर सोशल मीडिया कार्यकर्ता नहीं")
    assert line.inner_text().strip() == "3 में से 2 बूथों पर सोशल मीडिया कार्यकर्ता नहीं"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "vacancies-unit")
    line.click()
    page.wait_for_load_state()
    items = page.locator("#empty-units li")
    assert items.count() == 2 and "बूथ 7" in items.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "vacancies-empty-list")
    items.first.locator("a.fill", has_text="भरें").click()
    page.wait_for_load_state()
    assert page.locator("#role").input_value() == Role.WORKER
    assert page.locator("#team").input_value() == Team.SOCIAL_MEDIA
    page.fill("#name_hi", "सुनीता देवी")
    page.fill("#phone", "98765 43210")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"/people/\d+/$", page.url)
    assert Post.objects.filter(unit=empty[0], role=Role.WORKER, team=Team.SOCIAL_MEDIA, active=True).exists()
    page.goto(f"{base}/units/{world.patna.pk}/")
    assert "3 में से 1 बूथों पर सोशल मीडिया कार्यकर्ता नहीं" in page.locator("#vacancies").inner_text()
    shot(page, "vacancies-filled")
