"""The network's Done-when from the member's side (issue 16), in Chromium at 360 px in Hindi: a booth
worker adds two handles with their counts on /network/; a month later (fake time, the live server's
thread included) enters new counts; after the fold, the district's and the state's network pages
show the reach and its growth, and nothing scrolls sideways. And a month's counts entered with no
network, and a handle added with none, wait in the phone's outbox and arrive once when it returns."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from sampark.network import rollups, services
from sampark.network.models import Handle, Snapshot
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def figures(page) -> str:
    """The page's text with numbers as plain digits (1,950 and 1,950 in Indian grouping alike)."""
    return re.sub(r"(?<=\d),(?=\d)", "", page.locator("main").inner_text())


def add_handle(page, platform: str, url: str, count: str):
    page.select_option("#id_platform", platform)
    page.fill("#id_url", url)
    page.fill("#id_count", count)
    page.click("#net-add button")
    page.wait_for_selector(".messages")
    fits(page)


def enter_count(page, handle: Handle, count: str):
    page.fill(f"#net-count-{handle.pk}", count)
    page.click(f'form[data-handle="{handle.pk}"] button')
    page.wait_for_selector(".messages")


def test_two_handles_a_month_later_new_counts_and_the_district_and_state_pages(live_server, world, offline_phone):
    ctx, page = offline_phone
    base, worker = live_server.url, world.patna_worker
    log_in_browser(ctx, base, worker)
    page.goto(f"{base}/network/")
    assert "सोशल मीडिया" in page.locator("h1").inner_text()
    fits(page)
    add_handle(page, "x", "https://x.com/vinod_patna", "1000")
    add_handle(page, "facebook", "facebook.com/vinod.patna", "500")
    x = Handle.objects.get(person=worker, platform__code="x")
    fb = Handle.objects.get(person=worker, platform__code="facebook")
    assert (x.latest_count, fb.latest_count) == (1000, 500)
    assert page.locator("#net-handles li").count() == 2

    # A month later: the worker (logged in again: the old session has expired) enters both counts on
    # one screen.
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=True):
        today = timezone.localdate()
        log_in_browser(ctx, base, worker)
        page.goto(f"{base}/network/")
        enter_count(page, x, "1300")
        enter_count(page, fb, "650")
        fits(page)
        assert sorted(Snapshot.objects.filter(date=today).values_list("count", flat=True)) == [650, 1300]
        text = figures(page)
        assert "1300" in text and "650" in text
        page.screenshot(path="test-artifacts/network-member-handles.png", full_page=True)

        rollups.fold_all()
        # Reach 1,950 now, 1,500 thirty days ago: +450 (30%).
        for who, unit in ((world.patna_coord, world.patna), (world.state_admin, world.bihar)):
            log_in_browser(ctx, base, who)
            page.goto(f"{base}/network/unit/{unit.pk}/")
            text = figures(page)
            assert "1950" in text and "450" in text, text
            assert re.search(r"30(\.0)?\s*%", text), text
            fits(page)
            page.screenshot(path=f"test-artifacts/network-unit-{unit.pk}.png", full_page=True)


def controlled(page):
    page.wait_for_function("navigator.serviceWorker.controller && "
                           "navigator.serviceWorker.controller.scriptURL.endsWith('/sw.js')")
    page.wait_for_function("caches.open('sampark-pages').then(c => c.match(location.pathname)).then(Boolean)",
                           polling=200)


def wait_for(page, check, timeout_ms=30_000):
    for _i in range(timeout_ms // 250):
        if check():
            return
        page.wait_for_timeout(250)
    raise AssertionError("timed out")


def test_counts_entered_with_no_network_arrive_once(live_server, world, offline_phone):
    worker = world.patna_worker
    x, _ = services.register_handle(worker, platform="x", url="https://x.com/vinod_patna")
    fb, _ = services.register_handle(worker, platform="facebook", url="https://facebook.com/vinod.patna")
    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, worker)
    page.goto(f"{base}/network/")
    controlled(page)
    page.reload()
    page.wait_for_function("!!(window.Sampark && window.Sampark.all)")

    ctx.set_offline(True)
    page.goto(f"{base}/network/")  # the kept copy, from the phone
    page.wait_for_function("!!(window.Sampark && window.Sampark.all)")
    assert page.locator("[data-offline-note]").first.is_visible()
    for h, count in ((x, "1,200"), (fb, "340")):
        page.fill(f"#net-count-{h.pk}", count)
        page.click(f'form[data-handle="{h.pk}"] button')
        page.wait_for_selector(f'form[data-handle="{h.pk}"] .net-queued', state="visible")
    # A third handle, added with no network, waits too.
    page.select_option("#id_platform", "instagram")
    page.fill("#id_url", "instagram.com/vinod.insta")
    page.fill("#id_count", "75")
    page.click("#net-add button")
    page.wait_for_selector("#net-add-queued", state="visible")
    fits(page)
    page.wait_for_function("Sampark.all().then(items => items.filter(i => /^network/.test(i.type) && "
                           "i.status === 'waiting').length === 3)")
    assert Snapshot.objects.count() == 0 and Handle.objects.count() == 2

    # Back online: all three go, and once nothing waits the page reloads itself with the counts.
    with page.expect_navigation(timeout=60_000):
        ctx.set_offline(False)
    page.wait_for_load_state()
    wait_for(page, lambda: Snapshot.objects.count() == 3)
    insta = Handle.objects.get(platform__code="instagram")
    assert insta.person == worker and insta.url == "https://instagram.com/vinod.insta"
    assert sorted(Snapshot.objects.values_list("handle_id", "count")) == sorted(
        [(x.pk, 1200), (fb.pk, 340), (insta.pk, 75)])
    page.wait_for_function("Sampark.all().then(items => items.filter(i => /^network/.test(i.type) && "
                           "i.status === 'sent').length === 3)")

    # Again: nothing more arrives.
    page.reload()
    page.wait_for_function("!!(window.Sampark && window.Sampark.all)")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(700)
    assert Snapshot.objects.count() == 3 and Handle.objects.count() == 3
    assert "1,200" in page.locator("#net-handles").inner_text()
    page.goto(f"{base}/outbox/")
    item = page.wait_for_selector("#outbox li[data-type=network][data-status=sent]")
    assert "सोशल मीडिया" in item.inner_text()
    fits(page)
