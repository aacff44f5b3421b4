"""On 360 px phones, in Hindi: a booth worker acknowledges with a two-line reply; the state
in-charge's roll-up shows it (among the latest replies, and beside the worker at the booth), and
the silent-units page shows the silent units grouped under their parents' paths, a page at a time;
nothing scrolls sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.directives import authoring, jobs, selectors
from sampark.directives.models import Receipt
from tests.browser.test_phone_flow import assert_devanagari_glyphs
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG = "https://example.org/" + "अभियान" * 12  # one long unbroken word must wrap, not widen the page


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_reply_on_the_rollup_and_silent_units_page_fit_a_phone(live_server, world, new_phone, shot, monkeypatch):
    base = live_server.url
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="सभी बूथ पर बैठक करें",
        body="पहली बात\nदूसरी बात", due_at=timezone.now() + timedelta(hours=2)))

    worker = new_phone()
    log_in_browser(worker.context, base, world.patna_worker)
    worker.goto(f"{base}/directives/{d.pk}/")
    assert worker.locator(".text br").count() == 1  # the text keeps its line break
    worker.fill("#id_reply", f"बैठक रविवार को होगी\n{LONG}")
    fits_the_phone(worker)
    worker.locator(f'form[action="/directives/{d.pk}/ack/"] button').click()
    worker.wait_for_url(f"**/directives/{d.pk}/")
    assert Receipt.objects.get(directive=d, person=world.patna_worker, kind="ack").reply == (
        f"बैठक रविवार को होगी\n{LONG}")
    jobs.tick(timezone.now() + timedelta(minutes=1))

    admin = new_phone()
    log_in_browser(admin.context, base, world.state_admin)
    admin.goto(f"{base}/directives/{d.pk}/rollup/")
    replies = admin.locator("#replies + ul.list li")
    assert replies.count() == 1
    text = replies.first.inner_text()
    assert "विनोद तावड़े" in text and "बूथ 1" in text and "बैठक रविवार को होगी\n" in text
    assert admin.title().endswith("संपर्क") and "<" not in admin.title()
    assert_devanagari_glyphs(admin)
    fits_the_phone(admin)
    shot(admin, "directives-silent-01-rollup-replies")
    admin.goto(f"{base}/directives/{d.pk}/rollup/?unit={world.patna_booth.pk}")
    assert "बैठक रविवार को होगी" in admin.locator("q.reply").first.inner_text()
    fits_the_phone(admin)
    shot(admin, "directives-silent-02-booth-people")

    # Four a page here (50 in real life): Gaya's chain below Bihar is silent, Patna's booth is not.
    monkeypatch.setattr(selectors, "SILENT_PAGE_SIZE", 4)
    admin.goto(f"{base}/directives/{d.pk}/silent/")
    assert admin.locator(".silent-group").count() >= 2
    assert "पन्ना 1 / 2" in admin.locator(".pager").inner_text()
    assert_devanagari_glyphs(admin)
    fits_the_phone(admin)
    shot(admin, "directives-silent-03-page-1")
    height_one = admin.evaluate("document.documentElement.scrollHeight")
    admin.click("a[rel=next]")
    admin.wait_for_url("**page=2")
    groups = admin.locator(".silent-group")
    assert "गया › बोधगया › मंडल 2 › शक्ति केंद्र 2" in groups.last.locator(".crumbs").inner_text()
    assert "बूथ 2" in groups.last.inner_text()
    assert "बूथ 1" not in " ".join(groups.all_inner_texts())  # Patna's booth acknowledged: not silent
    fits_the_phone(admin)
    shot(admin, "directives-silent-04-page-2")
    assert height_one < 2000 and admin.evaluate("document.documentElement.scrollHeight") < 2000
