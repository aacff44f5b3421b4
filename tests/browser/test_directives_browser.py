"""On 360 px phones, in Hindi: the Bihar state in-charge writes an urgent directive to Bihar's
social-media posts and publishes it; the Patna booth worker's open inbox picks it up by itself and
they acknowledge with the big button; a retried acknowledgement counts once; after the fold the
state in-charge's roll-up shows Patna acknowledged and Gaya at 0."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.directives import jobs
from sampark.directives.models import Directive, Receipt
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "आज शाम सात बजे तक सभी पोस्ट साझा करें"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_urgent_directive_reaches_the_booth_and_rolls_up(live_server, world, new_phone, shot, monkeypatch,
                                                        settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SAMPARK_POLL_SECONDS = 1  # the pages poll every 10 s in real life
    base = live_server.url

    # The Patna booth worker has the inbox open: nothing yet.
    worker = new_phone()
    log_in_browser(worker.context, base, world.patna_worker)
    worker.goto(base + "/directives/")
    assert worker.locator("html").get_attribute("lang") == "hi"
    assert worker.locator("#inbox").count() == 0

    # The state in-charge composes on a phone.
    admin = new_phone()
    log_in_browser(admin.context, base, world.state_admin)
    admin.goto(base + "/directives/new/")
    assert_devanagari_glyphs(admin)
    admin.select_option("#id_target_unit", str(world.bihar.pk))
    admin.fill("#id_title", TITLE)
    admin.fill("#id_body", "हर बूथ का सोशल मीडिया प्रभारी अभियान की पोस्ट साझा करे। https://example.org/abhiyan")
    admin.check("input[name=priority][value=urgent]")
    admin.check("input[name=teams][value=social_media]")
    due = timezone.localtime(timezone.now() + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    admin.fill("#id_due_at", due)
    admin.fill("#id_required_action", "बूथ बैठक करें और रिपोर्ट भेजें")
    admin.select_option("#id_required_report_type", "meeting")
    admin.set_input_files("#id_attachments", files=[{"name": "अभियान-पत्र.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    fits_the_phone(admin)
    shot(admin, "directives-01-compose")
    admin.click("button[name=publish]")
    admin.wait_for_url("**/directives/*/")
    d = Directive.objects.get()
    assert (d.status, d.priority, d.team_codes) == ("published", "urgent", ["social_media"])
    assert d.attachments.count() == 1
    fits_the_phone(admin)
    shot(admin, "directives-02-published")

    # The worker's open inbox notices it by itself (short polling) and swaps its list in.
    worker.wait_for_selector(f"#inbox >> text={TITLE}", timeout=15_000)
    assert "●" in worker.locator("#inbox").inner_text()
    assert_devanagari_glyphs(worker)
    fits_the_phone(worker)
    shot(worker, "directives-03-worker-inbox")

    worker.click(f"#inbox >> text={TITLE}")
    worker.wait_for_url(f"**/directives/{d.pk}/")
    button = worker.locator(f'form[action="/directives/{d.pk}/ack/"] button')
    assert "स्वीकार" in button.inner_text()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 120  # a big button for a thumb
    assert worker.locator("#required-action a").get_attribute("href") == (
        f"/reports/new/?type=meeting&unit={world.patna_booth.pk}")
    fits_the_phone(worker)
    shot(worker, "directives-04-worker-directive")

    # The phone keeps the form's data to retry it, as a flaky network would.
    token = worker.locator(f'form[action="/directives/{d.pk}/ack/"] input[name=csrfmiddlewaretoken]').input_value()
    worker.fill("#id_reply", "हो जाएगा")
    button.click()
    worker.wait_for_url(f"**/directives/{d.pk}/")
    assert worker.locator(f'form[action="/directives/{d.pk}/ack/"]').count() == 0
    retry = worker.request.post(f"{base}/directives/{d.pk}/ack/", form={"csrfmiddlewaretoken": token,
                                                                        "reply": "हो जाएगा"},
                                headers={"Referer": f"{base}/directives/{d.pk}/"})
    assert retry.ok
    worker.go_back()  # back to the inbox, then forward to the page and submit again if the form shows
    worker.go_forward()
    again = worker.locator(f'form[action="/directives/{d.pk}/ack/"] button')
    if again.count():
        again.click()
    assert Receipt.objects.filter(directive=d, person=world.patna_worker, kind="ack").count() == 1
    worker.reload()
    fits_the_phone(worker)
    shot(worker, "directives-05-worker-acknowledged")

    # The worker folds the receipts into the counters; the roll-up shows Patna moving, Gaya at 0.
    jobs.tick(timezone.now())
    admin.goto(f"{base}/directives/{d.pk}/rollup/")
    rows = {r.locator("td").first.inner_text().strip(): [c.inner_text() for c in r.locator("td").all()]
            for r in admin.locator("table.table tbody tr").all()}
    assert rows["पटना"][3].split()[0] == "1" and rows["पटना"][1] == "2"
    assert rows["गया"][3].split()[0] == "0" and rows["गया"][1] == "2"
    assert_devanagari_glyphs(admin)
    fits_the_phone(admin)
    shot(admin, "directives-06-rollup")
