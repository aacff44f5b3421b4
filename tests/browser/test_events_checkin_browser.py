"""Check-in at an event with no network (issue 15): a volunteer's phone in Hindi at 360 px opens the
check-in page, the network goes off, codes are typed and wait on the phone; when the network
returns each person arrives once and the page shows the count."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.events import checkins, codes, services
from sampark.events.models import Checkin
from sampark.people.models import Person, Post, Role, Team
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_offline_check_ins_arrive_once(live_server, world, offline_phone):
    now = timezone.now()
    event, _ = services.create_event(world.patna_coord, unit=world.patna, title="सोशल मीडिया कार्यशाला",
                                     kind="workshop", starts_at=now + timedelta(hours=1),
                                     ends_at=now + timedelta(hours=7), audience_unit=world.patna, now=now)
    guests = []
    for i in range(4):
        p = Person.objects.create(phone=f"+91700000000{i}", name_hi=f"सदस्य {i}", name_en=f"Member {i}")
        Post.objects.create(person=p, unit=world.patna_booth, unit_path=world.patna_booth.path, role=Role.WORKER,
                            team=Team.ORGANISATION)
        guests.append(p)
    # One was checked in already at the door by someone else.
    checkins.check_in(world.patna_coord, event, id=uuid.uuid4(), code=codes.code_for(event.pk, guests[0].pk))

    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.patna_coord)
    page.goto(f"{base}/events/{event.pk}/checkin/")
    assert page.locator("h1").inner_text() == "चेक-इन"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    page.reload()  # now through the worker, which keeps the page
    page.wait_for_function("!!(window.Sampark && window.Sampark.all)")
    assert page.locator("#checkin-server").inner_text() == "1"
    # BarcodeDetector is not in this Chromium: the scan button stays hidden.
    assert page.locator("#checkin-scan").is_hidden() == (not page.evaluate("'BarcodeDetector' in window"))

    ctx.set_offline(True)
    typed = [codes.code_for(event.pk, guests[1].pk).lower().replace("-", " "),  # typed loosely
             codes.code_for(event.pk, guests[2].pk), codes.code_for(event.pk, guests[3].pk),
             codes.code_for(event.pk, guests[0].pk)]  # already in
    for code in typed:
        page.fill("input[name=code]", code)
        page.click("form[data-kind=code] button[type=submit]")
    page.fill("input[name=walk_ins]", "3")
    page.click("form[data-kind=walk_ins] button[type=submit]")
    page.wait_for_function("document.querySelectorAll('#checkin-log li[data-status=waiting]').length === 5")
    assert page.locator("#checkin-waiting").inner_text() == "5"
    assert page.locator("[data-offline-note]").first.is_visible()
    assert Checkin.objects.count() == 1

    # The page opens again with no network (kept by the worker); the check-ins still wait.
    page.reload()
    page.wait_for_function("document.querySelectorAll('#checkin-log li[data-status=waiting]').length === 5")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Checkin.objects.count() == 1

    ctx.set_offline(False)
    page.wait_for_function("document.querySelectorAll('#checkin-log li[data-status=sent]').length === 5",
                           timeout=30_000)
    page.wait_for_function("document.getElementById('checkin-server').textContent === '7'")
    assert page.locator("#checkin-waiting").inner_text() == "0"
    assert Checkin.objects.filter(event=event, person__isnull=False).count() == 4
    assert checkins.counts(event) == {"people": 4, "walk_ins": 3, "total": 7}
    assert "पहले ही" in page.locator("#checkin-log").inner_text()  # the one already in says so

    # Back once more: nothing is sent twice.
    page.reload()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.querySelectorAll('#checkin-log li[data-status=sent]').length === 5")
    assert checkins.counts(event) == {"people": 4, "walk_ins": 3, "total": 7}


def test_three_hundred_check_ins_through_the_offline_outbox_count_each_person_once(live_server, world,
                                                                                    offline_phone):
    """The issue's "Done when": 300 people checked in by typed code on a phone with no network, 30 of
    them typed a second time; back online, each person is counted once, by district, on the event
    page and on the district dashboards."""
    now = timezone.now()
    event, _ = services.create_event(world.state_admin, unit=world.bihar, title="प्रदेश कार्यशाला", kind="workshop",
                                     starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=7),
                                     audience_unit=world.bihar, now=now)
    people = Person.objects.bulk_create(
        [Person(phone=f"+9171{i:08d}", name_hi=f"कार्यकर्ता {i}", name_en=f"Worker {i}", created_at=now)
         for i in range(300)])
    booth = {i: world.patna_booth if i < 200 else world.gaya_booth for i in range(300)}
    Post.objects.bulk_create([Post(person=p, unit=booth[i], unit_path=booth[i].path, role=Role.WORKER,
                                   team=Team.SOCIAL_MEDIA) for i, p in enumerate(people)])
    typed = [codes.code_for(event.pk, p.pk) for p in people] + [codes.code_for(event.pk, p.pk) for p in people[:30]]

    ctx, page = offline_phone
    base = live_server.url
    log_in_browser(ctx, base, world.state_admin)
    page.goto(f"{base}/events/{event.pk}/checkin/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    page.reload()
    page.wait_for_function("!!(window.Sampark && window.Sampark.all)")

    ctx.set_offline(True)
    for code in typed:
        page.fill("input[name=code]", code)
        page.click("form[data-kind=code] button[type=submit]")
    # The page lists the last 30; the count of those waiting on this phone covers all.
    page.wait_for_function(f"document.getElementById('checkin-waiting').textContent === '{len(typed)}'",
                           timeout=60_000)
    assert Checkin.objects.count() == 0

    ctx.set_offline(False)
    page.wait_for_function("document.getElementById('checkin-waiting').textContent === '0'", timeout=120_000)
    page.wait_for_function("document.getElementById('checkin-server').textContent === '300'")
    assert Checkin.objects.filter(event=event).count() == 300
    assert checkins.counts(event) == {"people": 300, "walk_ins": 0, "total": 300}
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush sends nothing more
    page.reload()
    assert Checkin.objects.filter(event=event).count() == 300

    # By district, on the event page and on each district's dashboard.
    page.goto(f"{base}/events/{event.pk}/")
    table = page.locator("table").filter(has_text="पटना").first.inner_text()
    assert "पटना" in table and "200" in table and "गया" in table and "100" in table
    page.goto(f"{base}/reports/units/{world.patna.pk}/")
    panel = page.locator("body").inner_text()
    assert "प्रदेश कार्यशाला" in panel and "200" in panel
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
