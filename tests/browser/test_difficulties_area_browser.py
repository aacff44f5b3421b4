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


def test_the_owner_is_found_as_one_types_and_told_apart_by_post(live_server, new_phone, shot):
    from sampark.difficulties.models import ActionItem
    from sampark.people.models import Role
    from sampark.people.services import add_post, create_person

    world = build_world()
    mandal = world.gaya_booth.parent.parent
    for phone, unit, role in (("+919100000001", mandal, Role.COORDINATOR), ("+919100000002", world.gaya_booth,
                                                                             Role.WORKER)):
        add_post(None, person=create_person(None, phone=phone, name_hi="अमित कुमार", name_en="Amit Kumar"),
                 unit=unit, role=role)
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.state_admin)
    page.goto(f"{base}/difficulties/review/{world.bihar.pk}/?at={world.gaya.pk}")
    page.fill("input[name=text]", "हर मंडल में बैठक")
    page.locator("#owner-q").press_sequentially("amit", delay=30)
    page.wait_for_function("document.querySelectorAll('#owners input[type=radio]').length === 3")
    labels = page.locator("#owners label").all_inner_texts()
    assert any("अमित कुमार" in t and "मंडल 2" in t for t in labels)
    assert any("अमित कुमार" in t and "बूथ 2" in t for t in labels)
    page.locator("#owners").scroll_into_view_if_needed()
    shot(page, "review-owner-search")
    page.locator("#owners label", has_text="मंडल 2").locator("input").check()
    assert page.input_value("input[name=text]") == "हर मंडल में बैठक"  # what was written is kept
    page.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=3)).isoformat())
    page.locator("form[action$='/item/'] button").click()
    page.wait_for_load_state()
    item = ActionItem.objects.get()
    assert item.owner.posts.get().unit == mandal and item.text == "हर मंडल में बैठक"
