"""The Centre's in-charge sets the organisation up on a 360 px phone, in Hindi: adds a team, is
told why a policy value is refused and then changes it, renames a level, adds a number field."""

import pytest

from sampark.core import policies
from sampark.directives.policies import ESCALATION
from sampark.org.models import Level
from sampark.people.models import TeamName
from sampark.reports.models import ReportType
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_centre_sets_up_teams_policies_levels_and_fields_on_a_phone(live_server, world, new_phone, shot):
    base = live_server.url
    page = new_phone()
    log_in_browser(page.context, base, world.centre_admin)
    page.goto(base + "/")
    page.get_by_role("link", name="सेटअप: स्तर, रिपोर्ट प्रकार, कठिनाइयाँ, नीतियाँ, टीमें").click()
    assert page.locator("h1").inner_text() == "सेटअप"
    assert_devanagari_glyphs(page)
    fits(page)
    shot(page, "setup-index")

    page.get_by_role("link", name="टीमें").first.click()
    form = page.locator("#add-team")
    form.locator("#code").fill("media_cell")
    form.locator("#name_hi").fill("मीडिया प्रकोष्ठ")
    form.locator("#name_en").fill("Media cell")
    form.get_by_role("button", name="जोड़ें").click()
    page.wait_for_load_state()
    assert "टीम जोड़ी गई।" in page.locator("main").inner_text()
    assert "मीडिया प्रकोष्ठ" in page.locator("#teams").inner_text()
    fits(page)
    assert TeamName.objects.filter(code="media_cell", active=True).exists()

    page.goto(base + "/setup/policies/")
    item = page.locator("#policies li", has_text="directives.escalation_minutes")
    item.locator("input[name=value]").fill("0")
    item.get_by_role("button", name="बदलें").click()
    page.wait_for_load_state()
    assert "कम से कम 1" in page.locator("[role=alert]").inner_text()
    fits(page)
    shot(page, "setup-policy-refused")
    policies.refresh()
    assert policies.get(ESCALATION) == 60
    item = page.locator("#policies li", has_text="directives.escalation_minutes")
    item.locator("input[name=value]").fill("30")
    item.get_by_role("button", name="बदलें").click()
    page.wait_for_load_state()
    assert "नीति बदली गई।" in page.locator("main").inner_text()
    policies.refresh()
    assert policies.get(ESCALATION) == 30

    page.goto(base + "/setup/levels/")
    item = page.locator("#levels li", has_text="district")
    item.locator("summary").click()
    item.locator("input[name=name_hi]").fill("जनपद")
    item.get_by_role("button", name="सहेजें").click()
    page.wait_for_load_state()
    assert "स्तर का नाम बदला गया।" in page.locator("main").inner_text()
    assert Level.objects.get(code="district").name_hi == "जनपद"
    fits(page)

    rtype = ReportType.objects.get(code="meeting")
    page.goto(base + f"/setup/reports/{rtype.pk}/")
    form = page.locator("#add-field")
    form.locator("#code").fill("women")
    form.locator("#label_hi").fill("महिलाएँ")
    form.locator("#label_en").fill("Women")
    form.locator("#kind").select_option("number")
    form.get_by_role("button", name="जोड़ें").click()
    page.wait_for_load_state()
    assert "फ़ील्ड जोड़ा गया।" in page.locator("main").inner_text()
    assert "v2" in page.locator("#fields").inner_text()
    fits(page)
    shot(page, "setup-report-type")

    for url in ("/setup/reports/", "/setup/difficulties/", "/setup/teams/"):
        page.goto(base + url)
        assert_devanagari_glyphs(page)
        fits(page)
    page.goto(base + "/setup/difficulties/")
    shot(page, "setup-difficulties")
