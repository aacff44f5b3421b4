"""Gaya's coordinator, on a 360 px phone in Hindi, opens every difficulty of the district, filters
by category and age, and sees the counts and rows; nothing scrolls sideways."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.difficulties.services import raise_difficulty
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import build_world, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_filters_the_area_list_on_a_phone(live_server, new_phone, shot):
    world = build_world()
    now = timezone.now()
    for days, category, text in ((5, "training", "नए कार्यकर्ताओं के लिए प्रशिक्षण शिविर कब लगेगा? पूरे मंडल से पूछा जा रहा है"),
                                 (0, "training", "प्रशिक्षण की सामग्री नहीं मिली"),
                                 (2, "technical", "ऐप में लॉगिन नहीं हो रहा")):
        raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category=category, text=text,
                         now=now - timedelta(days=days))
    raise_difficulty(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, category="training",
                     text="पटना में प्रशिक्षण", now=now - timedelta(days=6))
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.gaya_coord)
    page.goto(f"{base}/difficulties/area/")
    assert_devanagari_glyphs(page)
    assert page.locator("#area-list li").count() == 3
    page.select_option("select[name=category]", "training")
    page.select_option("select[name=age]", "3")
    page.locator("#filters button").click()
    page.wait_for_load_state()
    assert "category=training" in page.url and "age=3" in page.url
    rows = page.locator("#area-list li")
    assert rows.count() == 1 and "प्रशिक्षण शिविर" in rows.first.inner_text()
    counts = page.locator("#status-counts").inner_text()
    assert "सभी 1" in counts and "खुली 1" in counts
    assert "पटना" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "difficulties-area-filtered")
    # Drill down to the constituency from the unit list.
    page.select_option("select[name=unit]", str(world.gaya_ac.pk))
    page.locator("#filters button").click()
    page.wait_for_load_state()
    assert "बोधगया" in page.locator("#filters .crumbs").inner_text()
    assert page.locator("#area-list li").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
