"""Directives down: the issue's "Done when" through the API, plus drafts, publishing and withdrawal."""

from datetime import UTC, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from sampark.directives import authoring, jobs, receipts
from sampark.directives.models import Directive, Message, PendingCount, Receipt, Timer, UnitCount
from sampark.org.models import Level
from sampark.org.services import create_unit
from sampark.people.models import Role, Team
from sampark.people.services import add_post, create_person


@pytest.fixture
def more(world):
    """Two more Gaya constituencies and a third district, each with a social-media worker who stays
    silent; and an organisation-team worker in the Patna booth, outside a social-media directive."""
    lv = {lv.code: lv for lv in Level.objects.all()}
    sherghati = create_unit(None, parent=world.gaya, level=lv["assembly"], name_hi="शेरघाटी", name_en="Sherghati")
    belaganj = create_unit(None, parent=world.gaya, level=lv["assembly"], name_hi="बेलागंज", name_en="Belaganj")
    nalanda = create_unit(None, parent=world.bihar, level=lv["district"], name_hi="नालंदा", name_en="Nalanda")
    for phone, unit in (("+919000000011", sherghati), ("+919000000012", belaganj), ("+919000000013", nalanda)):
        p = create_person(None, phone=phone, name_hi="कार्यकर्ता", name_en="Worker")
        add_post(None, person=p, unit=unit, role=Role.WORKER, team=Team.SOCIAL_MEDIA)
    org_worker = create_person(None, phone="+919000000014", name_hi="संगठन कार्यकर्ता", name_en="Org Worker")
    add_post(None, person=org_worker, unit=world.patna_booth, role=Role.WORKER, team=Team.ORGANISATION)
    return {"sherghati": sherghati, "belaganj": belaganj, "nalanda": nalanda, "org_worker": org_worker}


def new_directive(client, h, world, **extra):
    body = {"title": "बूथ बैठक करें", "body": "रविवार तक हर बूथ पर बैठक।", "target_unit": world.bihar.pk,
            "priority": "urgent", "requires_ack": True,
            "due_at": (timezone.now() + timedelta(days=1)).isoformat(), "teams": ["social_media"]}
    body.update(extra)
    return client.post("/api/v1/directives", body, content_type="application/json", **h)


def test_done_when_state_sends_booths_acknowledge_rollup_moves_and_silent_units_escalate(client, world, api_as, more):
    admin = api_as(world.state_admin)
    r = new_directive(client, admin, world)
    assert r.status_code == 201, r.content
    did = r.json()["id"]
    r = client.post(f"/api/v1/directives/{did}/publish", **admin)
    assert r.status_code == 200 and r.json()["status"] == "published"

    # The Patna booth worker sees it at once, urgent and unread, and acknowledges.
    pw = api_as(world.patna_worker)
    inbox = client.get("/api/v1/inbox", **pw).json()
    assert [(d["id"], d["priority"], d["is_read"], d["is_acked"]) for d in inbox] == [(did, "urgent", False, False)]
    assert client.post(f"/api/v1/directives/{did}/ack", {"reply": "ठीक है"}, content_type="application/json",
                       **pw).json()["new"] is True
    assert client.get("/api/v1/inbox", **pw).json()[0]["is_acked"] is True

    # The Gaya worker's phone retries: two acknowledgements, one counted.
    gw = api_as(world.gaya_worker)
    first = client.post(f"/api/v1/directives/{did}/ack", **gw)
    again = client.post(f"/api/v1/directives/{did}/ack", **gw)
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["new"], again.json()["new"]) == (True, False)
    assert Receipt.objects.filter(directive_id=did, person=world.gaya_worker, kind="ack").count() == 1

    # The organisation-team worker and the UP coordinator are outside the audience.
    assert client.get("/api/v1/inbox", **api_as(more["org_worker"])).json() == []
    up = api_as(world.up_coord)
    assert client.get("/api/v1/inbox", **up).json() == []
    for method, url in (("get", f"/api/v1/directives/{did}"), ("post", f"/api/v1/directives/{did}/ack"),
                        ("post", f"/api/v1/directives/{did}/read"), ("get", f"/api/v1/directives/{did}/rollup")):
        assert getattr(client, method)(url, **up).status_code == 404, url
    assert client.post(f"/api/v1/directives/{did}/ack", **api_as(more["org_worker"])).status_code == 404

    # Nothing is counted inside the request; the worker folds it.
    pending = PendingCount.objects.filter(directive_id=did)
    assert sorted(pending.values_list("reads", "acks")) == [(1, 1), (1, 1)]  # Patna and Gaya, once each
    jobs.tick(timezone.now())
    assert PendingCount.objects.count() == 0
    rollup = client.get(f"/api/v1/directives/{did}/rollup", **admin).json()
    rows = {row["name_en"]: row for row in rollup["children"]}
    assert (rows["Patna"]["expected"], rows["Patna"]["read"], rows["Patna"]["acked"]) == (2, 1, 1)
    assert (rows["Gaya"]["expected"], rows["Gaya"]["acked"], rows["Gaya"]["acked_pct"]) == (4, 1, 25)
    assert (rows["Nalanda"]["expected"], rows["Nalanda"]["read"], rows["Nalanda"]["acked"]) == (1, 0, 0)
    # Bihar's own social-media post is the in-charge's, who sent it: not expected to acknowledge.
    assert (rollup["unit"]["expected"], rollup["unit"]["acked"]) == (7, 2)

    # The Gaya coordinator sees Gaya's roll-up by default, and 404 for Patna's.
    gc = api_as(world.gaya_coord)
    mine = client.get(f"/api/v1/directives/{did}/rollup", **gc).json()
    assert mine["unit"]["unit"] == world.gaya.pk
    assert {r["name_en"] for r in mine["children"]} == {"Bodh Gaya", "Sherghati", "Belaganj"}
    assert client.get(f"/api/v1/directives/{did}/rollup", {"unit": world.patna.pk}, **gc).status_code == 404
    assert client.get(f"/api/v1/directives/{did}/rollup", {"unit": world.bihar.pk}, **gc).status_code == 404

    # After the due time: one message to the Gaya coordinator naming the silent constituencies.
    d = Directive.objects.get(pk=did)
    jobs.tick(d.due_at + timedelta(days=1))
    msgs = Message.objects.filter(recipient=world.gaya_coord, kind="escalation", channel="app")
    assert msgs.count() == 1
    text = msgs.get().body
    assert "शेरघाटी" in text and "बेलागंज" in text and "बोधगया" not in text
    # The state in-charge hears about the silent districts: Gaya and Nalanda, not Patna.
    state_msgs = Message.objects.filter(recipient=world.state_admin, kind="escalation", channel="app")
    assert state_msgs.count() == 1
    assert "गया" in state_msgs.get().body and "नालंदा" in state_msgs.get().body and "पटना" not in state_msgs.get().body
    assert Timer.objects.filter(directive=d, done=False).count() == 0
    # Ticking again sends nothing more.
    jobs.tick(d.due_at + timedelta(days=2))
    assert Message.objects.filter(recipient=world.gaya_coord, kind="escalation", channel="app").count() == 1


def test_reminder_before_due_goes_once_to_those_who_have_not_acknowledged(world, more):
    now = timezone.now()
    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="Reminder test",
                                  due_at=now + timedelta(hours=4), teams=["social_media"], now=now)
    d = authoring.publish_directive(world.state_admin, d, now=now)
    receipts.acknowledge(world.patna_worker, d, now=now)
    jobs.tick(now + timedelta(hours=1))
    assert not Message.objects.filter(kind="reminder").exists()
    jobs.tick(now + timedelta(hours=3))
    reminded = set(Message.objects.filter(kind="reminder", channel="app").values_list("recipient_id", flat=True))
    assert world.patna_worker.pk not in reminded and world.gaya_worker.pk in reminded
    assert more["org_worker"].pk not in reminded
    assert world.state_admin.pk not in reminded  # the sender is not asked to acknowledge their own
    n = Message.objects.filter(kind="reminder").count()
    jobs.tick(now + timedelta(hours=3, minutes=30))
    assert Message.objects.filter(kind="reminder").count() == n


def test_drafts_are_invisible_to_the_audience(client, world, api_as):
    r = new_directive(client, api_as(world.state_admin), world)
    did = r.json()["id"]
    pw = api_as(world.patna_worker)
    assert client.get("/api/v1/inbox", **pw).json() == []
    assert client.get(f"/api/v1/directives/{did}", **pw).status_code == 404
    assert client.post(f"/api/v1/directives/{did}/ack", **pw).status_code == 404
    # Only the author may publish: others get 404.
    assert client.post(f"/api/v1/directives/{did}/publish", **api_as(world.patna_coord)).status_code == 404
    assert client.get(f"/api/v1/directives/{did}", **api_as(world.state_admin)).json()["status"] == "draft"


def test_publish_is_atomic(world, monkeypatch):
    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="Atomic",
                                  due_at=timezone.now() + timedelta(days=1))

    def boom(*args, **kwargs):
        raise RuntimeError("crash between the steps")

    monkeypatch.setattr(authoring.audit, "record", boom)
    with pytest.raises(RuntimeError):
        authoring.publish_directive(world.state_admin, d)
    d.refresh_from_db()
    assert d.status == "draft" and d.published_at is None
    assert not Timer.objects.filter(directive=d).exists()
    monkeypatch.undo()
    authoring.publish_directive(world.state_admin, d)
    assert Timer.objects.filter(directive=d).count() == 4  # expected, announce, remind, escalate


def test_withdrawn_disappears_and_edit_makes_a_revision(client, world, api_as):
    admin = api_as(world.state_admin)
    did = new_directive(client, admin, world).json()["id"]
    client.post(f"/api/v1/directives/{did}/publish", **admin)
    r = client.patch(f"/api/v1/directives/{did}", {"title": "बूथ बैठक करें (संशोधित)", "body": "सोमवार तक।"},
                     content_type="application/json", **admin)
    assert r.status_code == 200 and r.json()["revision"] == 2 and r.json()["edited_at"]
    gw = api_as(world.gaya_worker)
    assert client.get(f"/api/v1/directives/{did}", **gw).json()["title"] == "बूथ बैठक करें (संशोधित)"
    # Only the author edits.
    assert client.patch(f"/api/v1/directives/{did}", {"title": "x"}, content_type="application/json",
                        **gw).status_code == 404
    assert client.post(f"/api/v1/directives/{did}/withdraw", **admin).json()["status"] == "withdrawn"
    assert client.get("/api/v1/inbox", **gw).json() == []
    assert client.get(f"/api/v1/directives/{did}", **gw).status_code == 404
    assert client.post(f"/api/v1/directives/{did}/ack", **gw).status_code == 404


def test_sender_must_lead_at_or_above_the_target(client, world, api_as):
    # The Gaya coordinator cannot see Patna: 404. The Patna worker sees the booth only as a worker: 403.
    assert new_directive(client, api_as(world.gaya_coord), world, target_unit=world.patna.pk).status_code == 404
    r = new_directive(client, api_as(world.patna_worker), world, target_unit=world.patna_booth.pk)
    assert r.status_code == 403 and r.json()["detail"]
    assert new_directive(client, api_as(world.patna_coord), world, target_unit=world.patna.pk).status_code == 201
    assert new_directive(client, api_as(world.patna_coord), world, target_unit=999999).status_code == 404


def test_bad_input_gets_clear_messages(client, world, api_as):
    admin = api_as(world.state_admin)
    for extra in ({"title": "  "}, {"priority": "panic"}, {"levels": ["galaxy"]}, {"roles": ["king"]},
                  {"due_at": (timezone.now() - timedelta(hours=1)).isoformat()}, {"title": "क" * 201}):
        r = new_directive(client, admin, world, **extra)
        assert r.status_code == 422 and r.json()["detail"], extra
    assert not Directive.objects.exists()


def test_same_client_uuid_returns_the_first_draft(client, world, api_as):
    admin = api_as(world.state_admin)
    key = "6f1c1d2e-0000-4000-8000-000000000001"
    a = new_directive(client, admin, world, client_uuid=key, due_at=None)
    b = new_directive(client, admin, world, client_uuid=key, due_at=None)
    assert a.json()["id"] == b.json()["id"] and Directive.objects.count() == 1
    assert new_directive(client, admin, world, client_uuid=key, title="Other", due_at=None).status_code == 409


def test_level_and_role_filters_narrow_the_audience(client, world, api_as):
    admin = api_as(world.state_admin)
    did = new_directive(client, admin, world, levels=["district"], roles=["coordinator"]).json()["id"]
    client.post(f"/api/v1/directives/{did}/publish", **admin)
    assert [d["id"] for d in client.get("/api/v1/inbox", **api_as(world.patna_coord)).json()] == [did]
    assert client.get("/api/v1/inbox", **api_as(world.patna_worker)).json() == []
    jobs.tick(timezone.now())
    rows = {r["name_en"]: r["expected"] for r in client.get(f"/api/v1/directives/{did}/rollup", **admin).json()["children"]}
    assert rows == {"Patna": 1, "Gaya": 1}


def test_inbox_orders_urgent_first_then_newest_with_flags_in_two_queries(client, world, api_as, django_assert_max_num_queries):
    now = timezone.now()
    ids = {}
    for i, (title, priority) in enumerate((("old urgent", "urgent"), ("normal", "normal"), ("new urgent", "urgent"))):
        d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title=title, priority=priority)
        ids[title] = authoring.publish_directive(world.state_admin, d, now=now + timedelta(minutes=i)).pk
    from sampark.directives.selectors import inbox
    from sampark.people.models import Person

    receipts.acknowledge(world.gaya_worker, Directive.objects.get(pk=ids["normal"]))
    receipts.mark_read(world.gaya_worker, Directive.objects.get(pk=ids["old urgent"]))
    receipts.acknowledge(world.patna_worker, Directive.objects.get(pk=ids["new urgent"]))  # not Gaya's flag
    person = Person.objects.get(pk=world.gaya_worker.pk)
    with django_assert_max_num_queries(2):
        items = inbox(person)
    assert [(d.title, d.is_read, d.is_acked) for d in items] == [
        ("new urgent", False, False), ("old urgent", True, False), ("normal", True, True)]


def test_fold_matches_a_recount_after_many_acks(world, more):
    from sampark.people.models import Person, Post

    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="Many")
    d = authoring.publish_directive(world.state_admin, d)
    ids = list(Person.objects.values_list("pk", flat=True))
    # Everyone with a post in Bihar but its in-charge, who sent it; not the UP coordinator.
    assert receipts.acknowledge_many(d, ids) == 8
    assert not Receipt.objects.filter(directive=d, person=world.state_admin).exists()
    # One pending row per unit the batch touched, carrying how many reads and acks it adds.
    units = set(Post.objects.filter(active=True, unit_path__startswith=world.bihar.path)
                .exclude(person=world.state_admin).values_list("unit_path", flat=True))
    pending = PendingCount.objects.filter(directive=d)
    assert pending.count() == len(units) < 8
    assert pending.aggregate(r=Sum("reads"), a=Sum("acks")) == {"r": 8, "a": 8}
    assert receipts.acknowledge_many(d, ids) == 0
    assert pending.count() == len(units)
    jobs.tick(timezone.now())
    bihar = UnitCount.objects.get(directive=d, unit=world.bihar)
    assert (bihar.expected, bihar.reads, bihar.acks) == (8, 8, 8)
    gaya = UnitCount.objects.get(directive=d, unit=world.gaya)
    assert (gaya.expected, gaya.acks) == (4, 4)


def test_receipt_and_pending_times_round_trip(world):
    from datetime import datetime

    when = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Times"), now=when)
    receipts.acknowledge(world.gaya_worker, d, now=when)
    assert Receipt.objects.get(directive=d, kind="ack").at == when
    assert Receipt.objects.filter(directive=d, at__lte=when).count() == 2
    assert set(PendingCount.objects.values_list("created_at", flat=True)) == {when}


@pytest.mark.parametrize("filters", [
    {}, {"levels": ["district"]}, {"levels": ["booth", "assembly"]}, {"roles": ["coordinator"]},
    {"teams": ["social_media"]}, {"teams": ["organisation"], "roles": ["worker"]},
    {"levels": ["booth"], "roles": ["worker"], "teams": ["social_media"]},
])
def test_acknowledge_matches_the_audience_rule_for_every_person(world, more, filters):
    """The acknowledgement finds the person's matching posts in SQL on PostgreSQL and in Python on
    SQLite: on both, it succeeds exactly for the people whose posts audience.matches() admits, at
    the Gaya target as at the state, and 404s for the rest without writing anything."""
    from django.http import Http404

    from sampark.directives.audience import matches, post_keys
    from sampark.people.models import Person

    for target in (world.bihar, world.gaya):
        d = authoring.publish_directive(world.state_admin, authoring.create_directive(
            world.state_admin, target_unit=target, title="Rule", **filters))
        admitted = 0
        for person in Person.objects.order_by("pk"):
            expected = any(matches(d, k) for k in post_keys(Person.objects.get(pk=person.pk)))
            try:
                assert receipts.acknowledge(person, d) is True
                got = True
            except Http404:
                got = False
            assert got == expected, (filters, target.name_en, person.name_en)
            admitted += got
            assert Receipt.objects.filter(directive=d, person=person).count() == (2 if expected else 0)
        assert admitted == Receipt.objects.filter(directive=d, kind="ack").count()
        pending = PendingCount.objects.filter(directive=d).aggregate(n=Sum("acks"))["n"] or 0
        matching = sum(1 for p in Person.objects.all() for k in post_keys(Person.objects.get(pk=p.pk)) if matches(d, k))
        assert pending == matching
        assert admitted > 0 or filters  # the unfiltered directive reaches someone


def test_acknowledgements_run_prepared_with_a_generic_plan_on_postgresql(world):
    """The acknowledgement's statement is planned once per connection, not per call: without a
    prepare threshold psycopg silently ignores prepare=True, and without a generic plan
    PostgreSQL re-plans each call (both seen, each halving the rate)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Prepared"))
    for person in (world.patna_worker, world.gaya_worker, world.patna_coord):
        receipts.acknowledge(person, d)
    with connection.cursor() as cur:
        cur.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE %s", ["%INSERT INTO directives_receipt%"])
        plans = cur.fetchall()
    assert plans and sum(g for g, _c in plans) >= 3 and sum(c for _g, c in plans) == 0


def test_inbox_statement_agrees_with_the_orm_for_every_person(world, more):
    """PostgreSQL's inbox is one prepared statement; it must list the same directives, in the same
    order, with the same flags and fields as the ORM query (audience_q) for everyone, whatever the
    filters, targets, statuses and receipts."""
    from django.db import connection
    from django.http import Http404

    from sampark.directives import selectors
    from sampark.people.models import Person
    from sampark.reports.models import ReportType

    if connection.vendor != "postgresql":
        pytest.skip("the inbox statement is PostgreSQL's; SQLite runs the ORM query")
    meeting = ReportType.objects.get(code="meeting")
    admin = world.state_admin
    cases = [(admin, world.bihar, {}), (admin, world.gaya, {"teams": ["social_media"]}),
             (admin, world.patna, {"levels": ["booth"]}), (admin, world.bihar, {"roles": ["coordinator", "incharge"]}),
             (world.up_coord, world.lucknow, {}),
             (admin, world.patna_booth, {"roles": ["worker"], "teams": ["organisation"]}),
             (world.gaya_coord, world.gaya_ac, {"levels": ["assembly", "booth"], "required_report_type": meeting,
                                                "required_action": "बैठक करें"}),
             # Authors inside their own directive's audience (their post matches): they are left out.
             (world.patna_coord, world.patna, {}), (admin, world.bihar, {"teams": ["social_media"]}),
             (world.gaya_coord, world.gaya, {"roles": ["coordinator"]})]
    ids = []
    for i, (author, target, filters) in enumerate(cases * 2):
        d = authoring.create_directive(author, target_unit=target, title=f"D{i}",
                                      priority="urgent" if i % 3 == 0 else "normal", **filters)
        if i % 5 != 4:  # some stay drafts
            d = authoring.publish_directive(author, d, now=timezone.now() + timedelta(seconds=i))
        ids.append(d.pk)
    authoring.withdraw_directive(world.state_admin, Directive.objects.get(pk=ids[0]))
    for person in Person.objects.all():
        for d in Directive.objects.filter(pk__in=ids[1:6], status="published"):
            try:
                receipts.mark_read(person, d)
                if d.pk % 2:
                    receipts.acknowledge(person, d)
            except Http404:  # outside this directive's audience
                pass
    fields = [f.attname for f in Directive._meta.concrete_fields if f.attname != "body"]
    statement = selectors._inbox_pg
    seen = 0
    for person in Person.objects.all():
        orm = selectors._inbox_orm(Person.objects.get(pk=person.pk), 50)
        got = statement(Person.objects.get(pk=person.pk), 50)
        assert [(d.pk, d.is_read, d.is_acked) for d in got] == [(d.pk, d.is_read, d.is_acked) for d in orm], person
        for a, b in zip(got, orm, strict=True):
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
            assert a.required_report_type == b.required_report_type
        assert [d.pk for d in statement(Person.objects.get(pk=person.pk), 3)] == [d.pk for d in orm[:3]]
        assert not [d.pk for d in got if d.author_id == person.pk], person
        seen += len(got)
    assert seen > 20
    # The author-excluded cases exclude someone: without the rule the Patna coordinator would see theirs.
    from sampark.directives.audience import audience_q

    mine = Directive.objects.filter(author=world.patna_coord, status="published")
    assert mine.exists() and not mine.filter(audience_q(world.patna_coord)).exists()
    assert mine.filter(audience_q(world.patna_worker)).count() == mine.count()


def test_a_directive_aimed_inside_a_moved_subtree_still_reaches_it(world):
    """The directive's copy of its target's path moves with the subtree: the booth worker keeps
    it in the inbox, acknowledges, and the fold counts it at the constituency, now under Gaya."""
    from sampark.directives import selectors
    from sampark.org.models import Unit
    from sampark.org.services import move_unit
    from sampark.people.models import Person

    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.patna_ac, title="Bankipur"))
    jobs.tick(timezone.now())
    move_unit(world.state_admin, world.patna_ac, world.gaya)
    d.refresh_from_db()
    assert d.target_path == Unit.objects.get(pk=world.patna_ac.pk).path
    worker = Person.objects.get(pk=world.patna_worker.pk)
    assert [x.pk for x in selectors.inbox(worker)] == [d.pk]
    assert receipts.acknowledge(worker, d) is True
    jobs.tick(timezone.now())
    row = UnitCount.objects.get(directive=d, unit=world.patna_ac)
    assert (row.acks, row.unit_path, row.depth) == (1, d.target_path, 3)
    assert UnitCount.objects.get(directive=d, unit_id=Unit.objects.get(pk=world.patna_booth.pk).parent.parent_id
                                 ).unit_path.startswith(world.gaya.path)


def test_a_too_long_reply_is_refused_with_the_reason_and_records_nothing(client, world, api_as):
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Reply"))
    gw = api_as(world.gaya_worker)
    r = client.post(f"/api/v1/directives/{d.pk}/ack", {"reply": "क" * 501}, content_type="application/json", **gw)
    assert r.status_code == 422
    assert r.json()["detail"] == "जवाब बहुत लंबा है (अधिकतम 500 अक्षर)।"  # in the worker's language
    assert not Receipt.objects.filter(directive=d).exists()
    assert not PendingCount.objects.filter(directive=d).exists()
    r = client.post(f"/api/v1/directives/{d.pk}/ack", {"reply": "क" * 500}, content_type="application/json", **gw)
    assert r.status_code == 200 and r.json()["new"] is True
    assert len(Receipt.objects.get(directive=d, kind="ack").reply) == 500


def test_the_author_is_not_in_their_own_directives_audience(client, world, api_as, more):
    """The Patna coordinator writes to Patna, where they hold a matching post: they are not asked to
    read or acknowledge it (inbox, acknowledgement, detail page), not counted as expected, not
    reminded, and their silence makes no unit silent; they still find it under "written by me" and
    may follow its roll-up, where they are not among the people."""
    from django.http import Http404
    from django.test import Client

    from sampark.directives import selectors
    from sampark.directives.audience import matches, post_keys
    from sampark.people.models import Person
    from tests.personas import log_in

    now = timezone.now()
    author = world.patna_coord
    d = authoring.publish_directive(author, authoring.create_directive(
        author, target_unit=world.patna, title="पटना के लिए", due_at=now + timedelta(hours=4), now=now), now=now)
    fresh = Person.objects.get(pk=author.pk)
    assert post_keys(fresh) and all(k.unit_path.startswith(d.target_path) for k in post_keys(fresh))
    assert not any(matches(d, k) for k in post_keys(fresh))
    assert [x.pk for x in selectors.inbox(Person.objects.get(pk=author.pk))] == []
    assert [x.pk for x in selectors.inbox(Person.objects.get(pk=world.patna_worker.pk))] == [d.pk]
    assert client.get("/api/v1/inbox", **api_as(author)).json() == []
    assert selectors.inbox_updates(author, None)["new"] == 0 and selectors.inbox_updates(author, None)["latest"] is None
    with pytest.raises(Http404):
        receipts.acknowledge(author, d)
    assert receipts.acknowledge_many(d, [author.pk, world.patna_worker.pk]) == 1
    assert not Receipt.objects.filter(directive=d, person=author).exists()

    page = log_in(Client(), author)
    html = page.get(f"/directives/{d.pk}/").content.decode()
    assert f'action="/directives/{d.pk}/ack/"' not in html and f"/directives/{d.pk}/rollup/" in html
    assert not Receipt.objects.filter(directive=d, person=author).exists()  # opening it records no read
    inbox = page.get("/directives/").content.decode()
    assert 'id="inbox"' not in inbox and "पटना के लिए" in inbox  # only under "written by me"

    jobs.tick(now)  # the expected counts: Patna's booth worker and organisation worker, not the author
    patna = UnitCount.objects.get(directive=d, unit=world.patna)
    assert (patna.expected, patna.acks) == (2, 1)
    people = selectors.people_at(d, world.patna)
    assert author.pk not in {p.person_id for p in people}
    jobs.tick(now + timedelta(hours=3))
    reminded = set(Message.objects.filter(directive=d, kind="reminder").values_list("recipient_id", flat=True))
    assert reminded == {more["org_worker"].pk}
    # A unit whose only audience member is the author is never silent (nobody is expected there):
    # the state in-charge also coordinates a new district, Vaishali, alone.
    vaishali = create_unit(None, parent=world.bihar, level=Level.objects.get(code="district"),
                           name_hi="वैशाली", name_en="Vaishali")
    add_post(None, person=world.state_admin, unit=vaishali, role=Role.COORDINATOR, team=Team.SOCIAL_MEDIA)
    solo = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Districts", levels=["district"]))
    jobs.tick(timezone.now() + timedelta(minutes=1))
    expected = dict(UnitCount.objects.filter(directive=solo).values_list("unit_id", "expected"))
    assert expected == {world.bihar.pk: 3, world.patna.pk: 1, world.gaya.pk: 1, more["nalanda"].pk: 1}
    silent = set(selectors.silent_counts(solo, world.bihar.path).values_list("unit_id", flat=True))
    assert silent == {world.patna.pk, world.gaya.pk, more["nalanda"].pk}
