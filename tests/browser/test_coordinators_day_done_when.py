"""Issue 14's "Done when", walked in one go in Chromium at 360 px in Hindi.

The state in-charge publishes an urgent directive to Bihar: the worker sends one SMS to each member
of the audience (none to her). A Gaya booth worker's difficulty is not answered and climbs to the
state. The Patna booth worker, offline, opens the directive seen earlier, acknowledges it with a
reply, goes online: it arrives once. Then the state in-charge's home shows, with counts, the silent
district (Gaya) and the difficulty that escalated to her; the roll-up shows Patna's acknowledgement
once with the reply; no page on the way scrolls sideways."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.core.jobs import run_ticks
from sampark.core.models import OutboxMessage
from sampark.difficulties import services as difficulties
from sampark.directives import authoring, receipts
from sampark.directives.models import Directive, Receipt
from tests.browser.test_offline_browser import controlled, fits
from tests.personas import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPLY = "शनिवार तक सभी बूथों पर बैठक हो जाएगी"


def test_a_coordinators_day(live_server, world, offline_phone):
    ctx, page = offline_phone
    base = live_server.url
    now = timezone.now()

    # An urgent directive to all of Bihar: one SMS per member of the audience, none for the author.
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="आज शाम तक बूथ बैठक करें", body="पहली बात\nदूसरी बात",
        priority="urgent", due_at=now + timedelta(hours=2)))
    run_ticks(timezone.now())
    audience = [world.patna_coord, world.patna_worker, world.gaya_coord, world.gaya_worker]
    for person in audience:
        assert OutboxMessage.objects.filter(to=person.phone, body__contains=d.title).count() == 1, person
    assert not OutboxMessage.objects.filter(to=world.state_admin.phone).exists()
    assert not OutboxMessage.objects.filter(to=world.up_coord.phone, body__contains=d.title).exists()

    # A Gaya booth worker's difficulty nobody answers climbs, level after level, to the state.
    hard, _ = difficulties.raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth,
                                            category="content", text="बूथ पर इंटरनेट नहीं चलता", now=now)
    later = now
    while hard.handling_unit_id != world.bihar.pk:
        later += timedelta(days=10)
        assert difficulties.escalate_due(hard.pk, later)
        hard.refresh_from_db()

    # The Patna booth worker sees the directive online, then acknowledges it offline.
    log_in_browser(ctx, base, world.patna_worker)
    page.goto(base + "/directives/")
    controlled(page)
    page.click(f"#inbox >> text={d.title}")
    page.wait_for_url(f"**/directives/{d.pk}/")
    controlled(page)
    ctx.set_offline(True)
    page.goto(base + "/directives/")
    page.click(f"#inbox >> text={d.title}")
    page.wait_for_url(f"**/directives/{d.pk}/")
    assert page.locator(".saved-copy").is_visible()
    fits(page)
    page.fill("#id_reply", REPLY)
    page.click(f'form[action="/directives/{d.pk}/ack/"] button')
    page.wait_for_selector("#ack-queued", state="visible")
    assert not Receipt.objects.filter(directive=d, kind="ack").exists()
    # Watch it leave from the outbox page (kept on the phone): the directive's own page reloads
    # itself once the acknowledgement is sent, which would race a navigation made from it.
    page.goto(base + "/outbox/")
    page.wait_for_selector("#outbox li[data-type=ack][data-status=waiting]")
    ctx.set_offline(False)
    page.wait_for_selector("#outbox li[data-type=ack][data-status=sent]", timeout=30_000)
    assert Receipt.objects.filter(directive=d, person=world.patna_worker, kind="ack").count() == 1

    # Patna's coordinator acknowledges too; Gaya stays silent. The due time passes.
    receipts.acknowledge(world.patna_coord, d)
    Directive.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    run_ticks(timezone.now())

    # The state in-charge's morning: what needs her now, with counts.
    log_in_browser(ctx, base, world.state_admin)
    page.goto(base + "/")
    section = page.locator("ul.list li.silent_units")
    assert section.count() == 1 and section.locator(".count").inner_text().strip() == "1"
    assert d.title in section.inner_text()
    waiting = page.locator("ul.list li.difficulties_waiting")
    assert waiting.count() == 1 and hard.text in waiting.inner_text()
    chips = page.locator("p.chips").inner_text()
    assert "कठिनाइयाँ" in chips or "कठिनाई" in chips
    assert page.locator('[data-badge="difficulties"]').inner_text().strip() == "1"
    fits(page)
    page.screenshot(path="test-artifacts/done-when-state-home.png", full_page=True)

    section.locator("a").click()
    page.wait_for_url(f"**/directives/{d.pk}/silent/**")
    assert "गया" in page.locator("main").inner_text() and "पटना" not in page.locator("main").inner_text()
    fits(page)
    page.goto(base + f"/difficulties/{hard.pk}/")
    assert hard.text in page.content()
    fits(page)

    # The roll-up: Patna's acknowledgements once, the reply with them.
    page.goto(f"{base}/directives/{d.pk}/rollup/")
    rows = {r.locator("td").first.inner_text().strip(): [c.inner_text() for c in r.locator("td").all()]
            for r in page.locator("table.table tbody tr").all()}
    assert rows["पटना"][3].split()[0] == "2" and rows["गया"][3].split()[0] == "0"
    assert page.locator("#replies").count() == 1 and page.content().count(REPLY) == 1
    fits(page)
    page.screenshot(path="test-artifacts/done-when-rollup.png", full_page=True)
