"""The report form as an offline web app: a Gaya booth worker with no network submits two meeting
reports (one with a photo); they wait on the phone, and when the network returns both arrive, once."""

import io
import os

import pytest
from PIL import Image

from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]




def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (230, 120, 30)).save(out, "PNG")
    return out.getvalue()


def fill_meeting(page, attendance: str, photo: bool):
    page.select_option("select[name=type]", "meeting")
    page.fill("input[name=f_attendance]", attendance)
    page.fill("input[name=f_topic]", "बूथ बैठक")
    if photo:
        page.set_input_files("input[name=f_photo]", files=[{"name": "baithak.png", "mimeType": "image/png",
                                                           "buffer": png()}])
    page.click("#report-form button[type=submit]")


def test_offline_reports_arrive_exactly_once(live_server, world, offline_phone):
    from sampark.core.models import AuditEntry
    from sampark.reports.models import Report, ReportPhoto

    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.gaya_worker)
    page.goto(base + "/reports/new/")
    assert page.locator("h1").inner_text() == "नई रिपोर्ट" or page.locator("h1").inner_text() == "New report"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    assert page.evaluate("document.querySelector('link[rel=manifest]').href").endswith("/manifest.webmanifest")

    ctx.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    fill_meeting(page, "21", photo=True)
    page.wait_for_selector("#outbox li[data-status=waiting]")
    fill_meeting(page, "33", photo=False)
    page.wait_for_function("document.querySelectorAll('#outbox li[data-status=waiting]').length === 2")
    assert Report.objects.count() == 0
    assert page.locator("#net-status").is_visible()

    # The form itself opens with no network (from the service worker), and the outbox is still there.
    page.reload()
    page.wait_for_function("document.querySelectorAll('#outbox li[data-status=waiting]').length === 2")
    assert Report.objects.count() == 0

    ctx.set_offline(False)
    page.wait_for_function("document.querySelectorAll('#outbox li[data-status=sent]').length === 2",
                           timeout=30_000)
    reports = list(Report.objects.filter(author=world.gaya_worker))
    assert sorted(r.values["attendance"] for r in reports) == [21, 33]
    assert all(r.unit_id == world.gaya_booth.pk for r in reports)
    assert {r.id.version for r in reports} == {7}  # time-ordered ids, made on the phone (core/ids.py)
    assert ReportPhoto.objects.count() == 1
    assert ReportPhoto.objects.get().report.values["attendance"] == 21

    # Coming back once more changes nothing: each report arrived exactly once.
    page.reload()
    page.wait_for_function("document.querySelectorAll('#outbox li[data-status=sent]').length === 2")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert Report.objects.count() == 2
    assert AuditEntry.objects.filter(action="report.submit").count() == 2
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path="test-artifacts/reports-outbox.png", full_page=True)

    # Drill down to below the folded levels (a mandal's shakti kendras are counted from the report
    # rows): the Gaya coordinator's phone shows both reports at the constituency, the mandal and
    # the booth.
    from sampark.org.models import Unit
    from sampark.reports import rollups

    rollups.fold_all()
    log_in_browser(ctx, base, world.gaya_coord)
    mandal = Unit.objects.get(pk=Unit.objects.get(pk=world.gaya_booth.parent_id).parent_id)
    for unit in (world.gaya_ac, mandal, world.gaya_booth):
        page.goto(f"{base}/reports/units/{unit.pk}/?type=meeting")
        assert page.locator("html").get_attribute("lang") == "hi"
        assert "उपस्थिति: 54" in page.content(), unit
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{base}/reports/units/{mandal.pk}/?type=meeting")
    assert "शक्ति केंद्र 2" in page.locator("#children").inner_text()
    page.screenshot(path="test-artifacts/reports-mandal-dashboard.png", full_page=True)


def test_rejected_report_shows_why(live_server, world, offline_phone):
    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.gaya_worker)
    page.goto(base + "/reports/new/")
    page.select_option("select[name=type]", "meeting")
    page.fill("input[name=f_attendance]", "999999")  # over the field's maximum
    page.click("#report-form button[type=submit]")
    item = page.wait_for_selector("#outbox li[data-status=rejected]")
    assert "100000" in item.inner_text()


def test_form_opens_with_the_type_and_unit_a_directive_asks_for(live_server, world, offline_phone):
    """The required action's link (/reports/new/?type=&unit=) starts the form on that type and unit;
    an unknown type or a unit the person may not report for is ignored, not an error."""
    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.patna_coord)
    page.goto(f"{base}/reports/new/?type=booth_committee&unit={world.patna_booth.pk}")
    assert page.locator("select[name=unit]").input_value() == str(world.patna_booth.pk)
    assert page.locator("select[name=type]").input_value() == "booth_committee"
    assert page.locator("input[name=f_formed_on]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{base}/reports/new/?type=nonsense&unit={world.patna.pk}")
    assert page.locator("select[name=unit]").input_value() == str(world.patna.pk)
    assert page.locator("select[name=type]").input_value() == "meeting"  # the first type
    assert page.locator("input[name=f_attendance]").count() == 1
