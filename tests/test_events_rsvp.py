"""Answers to an event's invitation (RSVP): invitees only, one row per person whatever the retries,
totals and the roll-up by unit (with the invited counted by the invitation's counters), reminders
a day and two hours before (each once per person, claimed by one worker), and unanswered
invitations in "what needs me now"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.core.attention import attention_for
from sampark.directives import counters
from sampark.directives.models import Message
from sampark.events import jobs, rsvp, services
from sampark.events.models import Event, ReminderTimer, Rsvp


def post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", **headers)


def make_event(world, organiser=None, unit=None, starts_in=timedelta(days=2), now=None):
    now = now or timezone.now()
    start = now + starts_in
    event, _ = services.create_event(organiser or world.patna_coord, unit=unit or world.patna, kind="workshop",
                                     title="सोशल मीडिया कार्यशाला", starts_at=start,
                                     ends_at=start + timedelta(hours=6), venue="ज़िला कार्यालय", now=now)
    return event


def test_an_invitee_answers_and_changes_the_answer_in_one_row(client, world, api_as):
    e = make_event(world)
    url = f"/api/v1/events/{e.pk}/rsvp"
    r = post(client, url, api_as(world.patna_worker), {"answer": "yes"})
    assert r.status_code == 200, r.content
    assert r.json()["answer"] == "yes" and r.json()["changed"] and r.json()["totals"] == {"yes": 1, "maybe": 0, "no": 0}
    again = post(client, url, api_as(world.patna_worker), {"answer": "yes"})  # a retry
    assert again.status_code == 200 and not again.json()["changed"]
    r = post(client, url, api_as(world.patna_worker), {"answer": "maybe"})
    assert r.json()["totals"] == {"yes": 0, "maybe": 1, "no": 0}
    row = Rsvp.objects.get()
    assert row.answer == "maybe" and row.person == world.patna_worker and row.unit_path == world.patna_booth.path


def test_bad_answers_are_refused_in_hindi(client, world, api_as):
    e = make_event(world)
    url = f"/api/v1/events/{e.pk}/rsvp"
    hi = {"HTTP_ACCEPT_LANGUAGE": "hi"}
    r = post(client, url, api_as(world.patna_worker) | hi, {"answer": "perhaps"})
    assert r.status_code == 422 and r.json()["errors"]["answer"] == "हाँ, शायद या नहीं में जवाब दें।"
    # The organiser (author of the invitation) and the state admin see the event but are not invited: 403.
    for p in (world.patna_coord, world.state_admin):
        r = post(client, url, api_as(p) | hi, {"answer": "yes"})
        assert r.status_code == 403 and r.json()["detail"] == "इस निमंत्रण का जवाब केवल आमंत्रित लोग दे सकते हैं।"
    # Gaya sees nothing of Patna's event: 404 for the answer and the roll-up.
    assert post(client, url, api_as(world.gaya_worker), {"answer": "yes"}).status_code == 404
    assert client.get(f"/api/v1/events/{e.pk}/rsvps", **api_as(world.gaya_coord)).status_code == 404
    # A unit outside what one sees, or outside the organiser's subtree: 404.
    assert client.get(f"/api/v1/events/{e.pk}/rsvps?unit={world.gaya.pk}",
                      **api_as(world.state_admin)).status_code == 404
    # Cancelled, or over: 409 (a cancelled event's invitation left the inboxes: the worker gets 404);
    # nothing was written.
    services.cancel_event(world.patna_coord, e)
    assert post(client, url, api_as(world.patna_worker) | hi, {"answer": "yes"}).status_code == 404
    with pytest.raises(services.EventError) as exc:
        rsvp.answer(world.patna_worker, Event.objects.get(pk=e.pk), "yes", timezone.now())
    assert exc.value.status == 409
    over = make_event(world, starts_in=timedelta(hours=1))
    with pytest.raises(services.EventError) as exc:
        rsvp.answer(world.patna_worker, over, "yes", timezone.now() + timedelta(hours=8))
    assert exc.value.status == 409
    assert Rsvp.objects.count() == 0


def test_answers_roll_up_by_unit_with_the_invited(client, world, api_as):
    e = make_event(world, organiser=world.state_admin, unit=world.bihar)
    for p, a in ((world.patna_worker, "yes"), (world.patna_coord, "maybe"), (world.gaya_worker, "no")):
        assert post(client, f"/api/v1/events/{e.pk}/rsvp", api_as(p), {"answer": a}).status_code == 200
    url = f"/api/v1/events/{e.pk}/rsvps"
    before = client.get(url, **api_as(world.state_admin)).json()
    assert before["total"]["invited"] is None  # the worker has not counted the audience yet
    counters.compute_expected(e.invitation)
    got = client.get(url, **api_as(world.state_admin)).json()
    assert got["total"] == {"unit": {"id": world.bihar.pk, "name": "बिहार", "level": "state"},
                            "yes": 1, "maybe": 1, "no": 1, "invited": 4}
    rows = {r["unit"]["id"]: (r["yes"], r["maybe"], r["no"], r["invited"]) for r in got["children"]}
    assert rows == {world.patna.pk: (1, 1, 0, 2), world.gaya.pk: (0, 0, 1, 2)}
    # Drill down into Patna: the coordinator's answer is at the district itself (in its total only).
    got = client.get(f"{url}?unit={world.patna.pk}", **api_as(world.patna_coord)).json()
    assert (got["total"]["yes"], got["total"]["maybe"]) == (1, 1)
    assert [(r["unit"]["id"], r["yes"], r["maybe"]) for r in got["children"]] == [(world.patna_ac.pk, 1, 0)]
    # The Patna coordinator's default is the highest unit she sees inside the invited one.
    assert client.get(url, **api_as(world.patna_coord)).json()["total"]["unit"]["id"] == world.patna.pk
    # Gaya's coordinator cannot look into Patna.
    assert client.get(f"{url}?unit={world.patna.pk}", **api_as(world.gaya_coord)).status_code == 404


def test_the_event_page_in_hindi(client, world, login_as):
    e = make_event(world)
    login_as(world.patna_worker)
    page = client.get(f"/events/{e.pk}/").content.decode()
    assert "क्या आप आएँगे?" in page and 'value="yes"' in page and f"/events/{e.pk}/rsvps/" in page
    r = client.post(f"/events/{e.pk}/rsvp/", {"answer": "no"}, follow=True)
    assert r.status_code == 200 and "आपका जवाब: नहीं आ रहे।" in r.content.decode()
    assert Rsvp.objects.get().answer == "no"
    r = client.post(f"/events/{e.pk}/rsvp/", {"answer": "x"}, follow=True)
    assert "हाँ, शायद या नहीं में जवाब दें।" in r.content.decode() and Rsvp.objects.get().answer == "no"
    login_as(world.patna_coord)
    page = client.get(f"/events/{e.pk}/").content.decode()
    assert "नहीं आ रहे: 1" in page and 'value="yes"' not in page  # totals, but no buttons for the organiser
    table = client.get(f"/events/{e.pk}/rsvps/").content.decode()
    assert "बाँकीपुर" in table and "नहीं आ रहे" in table
    login_as(world.gaya_coord)
    assert client.get(f"/events/{e.pk}/rsvps/").status_code == 404
    assert client.post(f"/events/{e.pk}/rsvp/", {"answer": "yes"}).status_code == 404


def _reminders(person=None):
    qs = Message.objects.filter(kind=Message.Kind.REMINDER, channel="app", ref__startswith="event-reminder:")
    return qs.filter(recipient=person) if person else qs


def test_reminders_a_day_and_two_hours_before_each_once(world):
    now = timezone.now()
    e = make_event(world, organiser=world.state_admin, unit=world.bihar, starts_in=timedelta(days=3), now=now)
    rsvp.answer(world.gaya_worker, e, "no", now)
    rsvp.answer(world.patna_worker, e, "maybe", now)
    start = e.starts_at
    jobs.tick(start - timedelta(hours=25))
    assert not _reminders().exists()
    jobs.tick(start - timedelta(hours=23))
    got = _reminders()
    assert sorted(m.recipient_id for m in got) == sorted([world.patna_coord.pk, world.patna_worker.pk,
                                                          world.gaya_coord.pk])
    m = got.get(recipient=world.patna_worker)
    assert m.directive_id == e.invitation_id and m.link == f"/events/{e.pk}/" and m.template == "event_reminder"
    assert "सोशल मीडिया कार्यशाला" in m.body and m.body.startswith("याद दिलाना")
    jobs.tick(start - timedelta(hours=22))  # again: nothing new
    assert _reminders().count() == 3
    jobs.tick(start - timedelta(hours=1, minutes=50))
    assert _reminders().count() == 6 and _reminders(world.gaya_worker).count() == 0
    assert {t.kind: t.sent for t in ReminderTimer.objects.filter(done=True)} == {"day": 3, "hours": 3}
    jobs.tick(start - timedelta(minutes=10))
    assert _reminders().count() == 6


def test_a_claimed_timer_is_not_run_twice_and_late_reminders_are_skipped(world):
    now = timezone.now()
    e = make_event(world, starts_in=timedelta(hours=5), now=now)  # invited 5 h before: no "day" reminder
    jobs.make_due_timers(now)
    timer = ReminderTimer.objects.get(event=e)
    assert timer.kind == "day"
    assert jobs._claim(timer, now) and not jobs._claim(timer, now)  # the second worker gets 0 rows
    jobs.tick(now + timedelta(minutes=2))
    assert not ReminderTimer.objects.get(pk=timer.pk).done  # still leased to the first worker
    jobs.tick(now + timedelta(minutes=6))  # the lease ran out: run, but too late to be sent
    timer.refresh_from_db()
    assert timer.done and timer.runs == 2 and not _reminders().exists()
    jobs.tick(e.starts_at - timedelta(hours=1))
    assert _reminders().count() == 1  # the two hours' reminder, to the one invitee
    # A cancelled event reminds nobody.
    cancelled = make_event(world, starts_in=timedelta(days=2), now=now)
    services.cancel_event(world.patna_coord, cancelled)
    jobs.tick(cancelled.starts_at - timedelta(hours=1))
    assert not _reminders().filter(ref__contains=f":{cancelled.pk}:").exists()


def test_unanswered_invitations_need_me_now(world):
    now = timezone.now()
    e = make_event(world, now=now)
    make_event(world, starts_in=timedelta(days=20), now=now)  # too far ahead
    got = attention_for(world.patna_worker, now)
    assert got.counts["events_to_answer"] == 1
    item = next(i for i in got.items if i.kind == "events_to_answer")
    assert item.url == f"/events/{e.pk}/" and item.title == e.title
    assert attention_for(world.patna_coord, now).counts["events_to_answer"] == 0  # the organiser
    assert attention_for(world.gaya_worker, now).counts["events_to_answer"] == 0
    rsvp.answer(world.patna_worker, e, "maybe", now)
    assert attention_for(world.patna_worker, now).counts["events_to_answer"] == 0
    assert Event.objects.count() == 2


def test_the_invitation_links_to_its_event(client, world, login_as):
    e = make_event(world)
    login_as(world.patna_worker)
    page = client.get(f"/directives/{e.invitation_id}/").content.decode()
    assert f'href="/events/{e.pk}/"' in page and "कार्यक्रम खोलें" in page


def test_the_rollup_costs_the_same_few_queries_whatever_the_answers(client, world, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    e = make_event(world, organiser=world.state_admin, unit=world.bihar)
    counters.compute_expected(e.invitation)
    headers, costs = api_as(world.state_admin), []
    client.get(f"/api/v1/events/{e.pk}/rsvps", **headers)  # the token's first use writes its own rows
    for p in (world.patna_worker, world.gaya_worker):
        rsvp.answer(p, e, "yes", timezone.now())
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/events/{e.pk}/rsvps", **headers).status_code == 200
        costs.append(len(ctx))
    assert costs[0] == costs[1] <= 12, costs
