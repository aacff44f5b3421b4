"""The directive pages, phone-first, in Hindi, with CSRF-protected forms."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sampark.directives import jobs
from sampark.directives.models import Directive, Receipt
from tests.personas import log_in


def compose(client, world, **extra):
    due = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"target_unit": world.bihar.pk, "title": "सोशल मीडिया अभियान", "body": "देखें https://example.org/a",
            "priority": "urgent", "requires_ack": "on", "due_at": due, "teams": ["social_media"], "publish": "1"}
    data.update(extra)
    return client.post("/directives/new/", data)


def test_compose_publish_read_and_acknowledge_through_the_pages(client, world):
    admin = log_in(Client(), world.state_admin)
    page = admin.get("/directives/new/")
    assert page.status_code == 200 and "बिहार" in page.content.decode()
    r = compose(admin, world)
    assert r.status_code == 302
    d = Directive.objects.get()
    assert d.status == "published" and d.priority == "urgent" and d.team_codes == ["social_media"]


    worker = log_in(Client(), world.patna_worker)
    inbox = worker.get("/directives/").content.decode()
    assert "सोशल मीडिया अभियान" in inbox and "●" in inbox
    page = worker.get(f"/directives/{d.pk}/").content.decode()
    assert 'href="https://example.org/a"' in page and "स्वीकार" in page
    assert Receipt.objects.filter(directive=d, person=world.patna_worker, kind="read").count() == 1
    worker.get(f"/directives/{d.pk}/")
    assert Receipt.objects.filter(directive=d, person=world.patna_worker, kind="read").count() == 1
    for _ in range(2):
        assert worker.post(f"/directives/{d.pk}/ack/", {"reply": "हो जाएगा"}).status_code == 302
    assert Receipt.objects.filter(directive=d, person=world.patna_worker, kind="ack").count() == 1
    assert Receipt.objects.get(directive=d, person=world.patna_worker, kind="ack").reply == "हो जाएगा"


def test_ack_form_needs_csrf(world):
    from sampark.directives import authoring

    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="CSRF"))
    strict = log_in(Client(enforce_csrf_checks=True), world.gaya_worker)
    assert strict.post(f"/directives/{d.pk}/ack/").status_code == 403
    assert not Receipt.objects.filter(directive=d, kind="ack").exists()


def test_rollup_and_silent_pages_drill_down_and_hide_other_districts(client, world):
    from sampark.directives import authoring, receipts

    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Rollup", due_at=timezone.now() + timedelta(hours=1)))
    receipts.acknowledge(world.patna_worker, d)
    jobs.tick(timezone.now())
    admin = log_in(Client(), world.state_admin)
    page = admin.get(f"/directives/{d.pk}/rollup/").content.decode()
    assert "पटना" in page and "गया" in page
    booth = admin.get(f"/directives/{d.pk}/rollup/", {"unit": world.patna_booth.pk}).content.decode()
    assert "विनोद तावड़े" in booth and "✓" in booth
    silent = admin.get(f"/directives/{d.pk}/silent/").content.decode()
    assert "गया" in silent and "बोधगया" in silent

    gaya = log_in(Client(), world.gaya_coord)
    assert gaya.get(f"/directives/{d.pk}/rollup/", {"unit": world.patna.pk}).status_code == 404
    assert gaya.get(f"/directives/{d.pk}/rollup/").status_code == 200
    up = log_in(Client(), world.up_coord)
    for url in (f"/directives/{d.pk}/", f"/directives/{d.pk}/rollup/", f"/directives/{d.pk}/silent/"):
        assert up.get(url).status_code == 404, url
    assert up.post(f"/directives/{d.pk}/ack/").status_code == 404


def test_inbox_poll_is_tiny_and_sees_new_directives(client, world):
    from sampark.directives import authoring

    worker = log_in(Client(), world.gaya_worker)
    before = timezone.now()
    r = worker.get("/directives/inbox/updates", {"since": before.isoformat()})
    assert r.json() == {"new": 0, "latest": ""}
    authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="New one"))
    r = worker.get("/directives/inbox/updates", {"since": before.isoformat()})
    assert r.json()["new"] == 1 and len(r.content) < 100


def test_inbox_page_query_count(client, world, django_assert_max_num_queries):
    from sampark.directives import authoring

    for i in range(5):
        authoring.publish_directive(world.state_admin, authoring.create_directive(
            world.state_admin, target_unit=world.bihar, title=f"D{i}"))
    worker = log_in(Client(), world.gaya_worker)
    with django_assert_max_num_queries(8):
        r = worker.get("/directives/")
    assert r.content.decode().count("●") == 5


def test_a_worker_cannot_compose(client, world):
    worker = log_in(Client(), world.patna_worker)
    r = compose(worker, world, target_unit=world.patna_booth.pk)
    assert r.status_code == 400 and not Directive.objects.exists()


def test_a_directives_text_keeps_its_line_breaks_escaped(client, world, api_as):
    admin = log_in(Client(), world.state_admin)
    r = compose(admin, world, body="पहली पंक्ति\r\n\r\n\r\n\r\nदूसरी <b>पंक्ति</b>\r\nतीसरी https://example.org/a")
    assert r.status_code == 302
    d = Directive.objects.get()
    assert d.body == "पहली पंक्ति\n\nदूसरी <b>पंक्ति</b>\nतीसरी https://example.org/a"  # one blank line kept
    page = log_in(Client(), world.patna_worker).get(f"/directives/{d.pk}/").content.decode()
    assert "पहली पंक्ति<br><br>दूसरी &lt;b&gt;पंक्ति&lt;/b&gt;<br>तीसरी" in page
    assert '<a href="https://example.org/a"' in page and "<b>" not in page
    assert client.get(f"/api/v1/directives/{d.pk}", **api_as(world.patna_worker)).json()["body"] == d.body


def _replies_world(world):
    from sampark.directives import authoring, receipts

    now = timezone.now()
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="जवाब दें"), now=now)
    receipts.acknowledge(world.patna_worker, d, reply="पहली पंक्ति\n<b>दूसरी</b>", now=now + timedelta(minutes=1))
    receipts.acknowledge(world.gaya_worker, d, reply="गया से जवाब", now=now + timedelta(minutes=2))
    receipts.acknowledge(world.gaya_coord, d, now=now + timedelta(minutes=3))  # no reply
    jobs.tick(now + timedelta(minutes=5))
    return d


def test_acknowledgement_replies_show_on_the_rollup_escaped_with_their_line_breaks(world,
                                                                                 django_assert_max_num_queries):
    d = _replies_world(world)
    admin = log_in(Client(), world.state_admin)
    with django_assert_max_num_queries(16):
        page = admin.get(f"/directives/{d.pk}/rollup/").content.decode()
    replies = page[page.index('id="replies"'):]
    assert "पहली पंक्ति<br>&lt;b&gt;दूसरी&lt;/b&gt;" in replies and "<b>दूसरी" not in page
    # Newest first, each with the person, their unit and the time.
    assert replies.index("अमल अवस्थी") < replies.index("विनोद तावड़े")
    assert "बूथ 2" in replies and "बूथ 1" in replies and "रितेश रंजन" not in replies  # no reply, not listed
    assert '<span class="muted">2</span>' in replies
    # The people list at a booth shows each person's reply beside their acknowledgement.
    booth = admin.get(f"/directives/{d.pk}/rollup/", {"unit": world.patna_booth.pk}).content.decode()
    people = booth[booth.index("विनोद तावड़े"):]
    assert "✓" in people and '<q class="reply">पहली पंक्ति<br>&lt;b&gt;दूसरी&lt;/b&gt;</q>' in people
    # Gaya's coordinator sees Gaya's replies only.
    gaya = log_in(Client(), world.gaya_coord).get(f"/directives/{d.pk}/rollup/").content.decode()
    assert "गया से जवाब" in gaya and "पहली पंक्ति" not in gaya and "विनोद" not in gaya


def test_the_latest_replies_are_limited_with_how_many_in_all(world):
    from sampark.directives import selectors

    d = _replies_world(world)
    got = selectors.replies(d, world.bihar, limit=1)
    assert got.total == 2 and [(r.person_id, r.unit.pk) for r in got.items] == [(world.gaya_worker.pk,
                                                                                 world.gaya_booth.pk)]
    got = selectors.replies(d, world.patna)
    assert got.total == 1 and got.items[0].reply == "पहली पंक्ति\n<b>दूसरी</b>"
    assert selectors.replies(d, world.gaya_booth).total == 1


def _silent_world(world):
    from sampark.directives import authoring

    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="मौन", due_at=timezone.now() + timedelta(hours=1)))
    jobs.tick(timezone.now() + timedelta(minutes=1))
    return d


def test_silent_units_are_grouped_by_parent_with_their_path_and_paged(world, monkeypatch):
    from sampark.directives import selectors

    d = _silent_world(world)
    admin = log_in(Client(), world.state_admin)
    # All on one page: districts, constituencies ... booths, each under the path of its parent.
    page = admin.get(f"/directives/{d.pk}/silent/").content.decode()
    assert page.count('class="silent-group"') == 9  # Bihar's districts together, then one group per parent
    booth1 = page[page.index("बूथ 1") - 600:page.index("बूथ 1")]
    assert "पटना</a> › <a" in booth1 and "बाँकीपुर" in booth1 and "मंडल 1" in booth1 and "शक्ति केंद्र 1" in booth1
    assert page.count("मंडल 1") == 3  # its own row, and in the path of its shakti kendra and booth
    assert 'rel="next"' not in page

    monkeypatch.setattr(selectors, "SILENT_PAGE_SIZE", 4)
    first = admin.get(f"/directives/{d.pk}/silent/").content.decode()
    assert "पटना" in first and "बाँकीपुर" in first and "बूथ 1" not in first
    assert "पन्ना 1 / 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = admin.get(f"/directives/{d.pk}/silent/", {"page": "3", "unit": world.bihar.pk}).content.decode()
    assert "बूथ 1" in last and "बूथ 2" in last and "पन्ना 3 / 3" in last and 'rel="next"' not in last
    assert f'href="?unit={world.bihar.pk}&amp;page=2"' in last
    # The levels with silent units and how many, on every page.
    assert "ज़िला: 2" in last and "बूथ: 2" in last
    # Each level's count links to the page where that level begins.
    assert f'href="?unit={world.bihar.pk}&amp;page=3">बूथ: 2</a>' in first
    assert f'href="?unit={world.bihar.pk}&amp;page=2">मंडल: 2</a>' in first
    for bad in ("0", "-1", "abc", "4", "१", "9" * 40, "2.5", ""):
        r = admin.get(f"/directives/{d.pk}/silent/", {"page": bad})
        assert r.status_code == 200 and "पन्ना 1 / 3" in r.content.decode(), bad


def test_silent_page_keeps_to_the_readers_subtree(world):
    d = _silent_world(world)
    gaya = log_in(Client(), world.gaya_coord)
    page = gaya.get(f"/directives/{d.pk}/silent/").content.decode()
    assert "बूथ 2" in page and "बोधगया" in page
    for foreign in ("पटना", "बाँकीपुर", "मंडल 1", "बूथ 1"):
        assert foreign not in page, foreign
    assert gaya.get(f"/directives/{d.pk}/silent/", {"unit": world.patna.pk}).status_code == 404


def test_silent_page_query_count(world, django_assert_max_num_queries):
    d = _silent_world(world)
    admin = log_in(Client(), world.state_admin)
    with django_assert_max_num_queries(12):
        assert admin.get(f"/directives/{d.pk}/silent/").status_code == 200
