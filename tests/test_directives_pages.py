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
