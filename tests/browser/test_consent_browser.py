"""A member just added logs in for the first time on a 360 px phone in Hindi: the privacy notice comes
first; one button records the consent and leads home; a reload does not ask again."""

import pytest

from sampark.people.models import Consent, Role
from sampark.people.notice import NOTICE_VERSION
from sampark.people.services import add_post, create_person
from tests.browser.test_phone_flow import ask_code, assert_devanagari_glyphs, enter_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_new_member_reads_the_notice_and_consents_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    member = create_person(None, phone="+919000000043", name_hi="सुनीता देवी", name_en="Sunita Devi")
    add_post(None, person=member, unit=world.patna_booth, role=Role.WORKER)
    page = new_phone()
    enter_code(page, ask_code(page, base, "90000 00043", "+919000000043"))
    page.wait_for_url("**/consent/?next=%2F")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert page.locator("h1").inner_text() == "निजता सूचना"
    main = page.locator("main").inner_text()
    for words in ("आपका मोबाइल नंबर", "कब तक:", "24 घंटे बाद मिटा दिए जाते हैं", "इसे कौन देखता है",
                  "डेटा संरक्षण बोर्ड", f"सूचना का संस्करण {NOTICE_VERSION}"):
        assert words in main, words
    assert_devanagari_glyphs(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out sideways
    button = page.get_by_role("button", name="मैं सहमत हूँ")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] <= 360  # a thumb-sized button on the screen
    shot(page, "consent-notice")

    button.click()
    page.wait_for_url(base + "/")
    assert "नमस्ते, सुनीता देवी जी" in page.locator("h1").inner_text()
    assert list(Consent.objects.filter(person=member).values_list("notice_version", flat=True)) == [NOTICE_VERSION]
    page.reload()
    assert page.url == base + "/" and "नमस्ते" in page.locator("h1").inner_text()
    page.goto(base + "/reports/")
    assert page.url == base + "/reports/"
    shot(page, "consent-after")
