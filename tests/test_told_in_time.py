"""Told in time (issue 14): an urgent directive goes out at once to its whole audience by phone, a normal
one as each person chose (at once, a daily digest, only in the app), and a difficulty that reaches a
leader is told to them, once per step. Queueing is the worker's: publishing returns before it."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from sampark.core.models import OutboxMessage
from sampark.difficulties.models import DifficultyEvent, EventKind
from sampark.difficulties.services import _tell_leaders, escalate_due, raise_difficulty
from sampark.directives import authoring, digest, jobs, receipts
from sampark.directives.models import Message
from sampark.people.models import Notify, Person, Role
from sampark.people.services import add_post, create_person, update_person
from tests.fakes import FakeSmsProvider

IST = ZoneInfo("Asia/Kolkata")


def publish(world, title="आज शाम 5 बजे बूथ बैठक", priority="urgent", now=None, **kw):
    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title=title, priority=priority,
                                   now=now, **kw)
    return authoring.publish_directive(world.state_admin, d, now=now)


def audience_of_bihar(world) -> set[int]:
    return {world.patna_coord.pk, world.patna_worker.pk, world.gaya_coord.pk, world.gaya_worker.pk}


def phone_messages(d, kind) -> list[Message]:
    return list(Message.objects.filter(directive=d, kind=kind).exclude(channel="app"))


# ---- urgent -------------------------------------------------------------------------------------

def test_an_urgent_directive_puts_one_sms_per_audience_member_in_the_outbox_none_for_the_author(world):
    # One member with two posts in the audience still gets one message.
    add_post(None, person=world.gaya_worker, unit=world.gaya_ac, role=Role.WORKER)
    now = timezone.now()
    d = publish(world, now=now)
    assert phone_messages(d, "urgent") == []  # publishing queued nothing itself: the worker does
    jobs.tick(now)
    sent = phone_messages(d, "urgent")
    assert sorted(m.recipient_id for m in sent) == sorted(audience_of_bihar(world))
    assert world.state_admin.pk not in {m.recipient_id for m in sent}
    assert {(m.channel, m.status, m.template) for m in sent} == {("console", "sent", "directive_urgent")}
    assert OutboxMessage.objects.filter(to=world.gaya_worker.phone, body__contains=d.title).count() == 1
    assert not OutboxMessage.objects.filter(to=world.state_admin.phone).exists()
    # A re-run (a worker that died half-way) queues nobody twice.
    jobs.announce(d, now)
    assert len(phone_messages(d, "urgent")) == 4


def test_an_urgent_directive_by_the_dlt_sms_provider(world):
    now = timezone.now()
    with FakeSmsProvider() as gw, override_settings(SAMPARK_DIRECTIVE_CHANNEL="sms", **gw.settings()):
        update_person(world.gaya_worker, world.gaya_worker, lang="en")
        d = publish(world, title="Booth meeting at 5 pm", now=now)
        jobs.tick(now)
    to = {r["form"]["To"] for r in gw.requests}
    assert to == {p.phone for p in Person.objects.filter(pk__in=audience_of_bihar(world))}
    [english] = gw.to(world.gaya_worker.phone)
    assert english["Body"] == 'Sampark: urgent directive "Booth meeting at 5 pm". Open the app to read and acknowledge it.'
    assert english["EncodingType"] == "plain"
    [hindi] = gw.to(world.patna_worker.phone)
    assert hindi["DltTemplateId"] == "1007000000000000003" and hindi["Body"].startswith("संपर्क: तुरंत निर्देश")
    sent = {m.recipient_id: m for m in phone_messages(d, "urgent")}
    assert sent[world.gaya_worker.pk].parts == 1 and sent[world.patna_worker.pk].parts == 2
    assert all(m.status == "sent" and m.external_id.startswith("sms-") for m in sent.values())


def test_withdrawn_before_the_worker_came_nothing_goes_out(world):
    now = timezone.now()
    d = publish(world, now=now)
    authoring.withdraw_directive(world.state_admin, d, now=now)
    jobs.tick(now)
    assert phone_messages(d, "urgent") == []


# ---- normal: the person's choice ------------------------------------------------------------------

def test_a_normal_directive_follows_each_persons_choice(world):
    update_person(world.patna_worker, world.patna_worker, notify=Notify.IMMEDIATELY)
    update_person(world.patna_coord, world.patna_coord, notify=Notify.APP)
    now = timezone.now()
    d = publish(world, title="साप्ताहिक रिपोर्ट भेजें", priority="normal", now=now)
    jobs.tick(now)
    assert [m.recipient_id for m in phone_messages(d, "new")] == [world.patna_worker.pk]
    assert Person.objects.get(pk=world.gaya_worker.pk).notify == Notify.DIGEST  # the default


def digest_day_clock(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=IST)


def test_the_daily_digest_once_a_day_lists_unread_normal_directives(world):
    update_person(world.patna_worker, world.patna_worker, notify=Notify.IMMEDIATELY)
    update_person(world.patna_coord, world.patna_coord, notify=Notify.APP)
    monday_noon = digest_day_clock(2, 12)
    first = publish(world, title="मतदाता सूची जाँचें", priority="normal", now=monday_noon)
    second = publish(world, title="बूथ समिति की बैठक", priority="normal", now=monday_noon + timedelta(hours=1))
    publish(world, title="तुरंत: रैली स्थगित", priority="urgent", now=monday_noon)
    receipts.mark_read(world.gaya_coord, first)
    receipts.mark_read(world.gaya_coord, second)

    assert digest.tick(digest_day_clock(3, 7)) == {"digests": 0}  # before the digest hour (8, a policy)
    assert digest.tick(digest_day_clock(3, 8)) == {"digests": 1}
    [m] = Message.objects.filter(kind="digest")
    assert m.recipient_id == world.gaya_worker.pk and m.directive_id is None and m.ref == "digest:2026-11-03"
    assert "2" in m.body and "मतदाता सूची जाँचें" in m.body and "बूथ समिति की बैठक" in m.body
    assert "रैली" not in m.body  # the urgent one went out at once
    assert m.template == "directive_digest" and m.params[0] == 2
    # Once a day: later ticks the same day send nothing more; the next day has nothing new.
    assert digest.tick(digest_day_clock(3, 9)) == {"digests": 0}
    assert digest.tick(digest_day_clock(4, 8)) == {"digests": 0}
    assert Message.objects.filter(kind="digest").count() == 1
    jobs.deliver(digest_day_clock(4, 8))
    assert OutboxMessage.objects.filter(to=world.gaya_worker.phone, body__contains="मतदाता").count() == 1


def test_a_digest_run_left_by_a_dead_worker_is_taken_over_without_doubles(world):
    from sampark.directives.models import DigestRun

    publish(world, title="मतदाता सूची जाँचें", priority="normal", now=digest_day_clock(2, 12))
    at = digest_day_clock(3, 8)
    DigestRun.objects.create(day=at.date(), leased_until=at + digest.LEASE)  # another worker holds it
    assert digest.tick(at) == {"digests": 0}
    later = at + digest.LEASE + timedelta(seconds=1)  # it died: its lease ran out
    digest.send_digests(at - timedelta(days=1), at, at.date(), at)  # what it had queued before dying
    assert digest.tick(later)["digests"] == 4  # counted again, inserted once
    assert Message.objects.filter(kind="digest").count() == 4  # the four members below the author, each once
    assert DigestRun.objects.get(day=at.date()).done


# ---- difficulties reaching a leader ---------------------------------------------------------------

@pytest.fixture
def leaders(world):
    """A head of Patna's shakti kendra (where a booth's difficulty waits) and of its mandal (the next
    level up)."""
    sk, mandal = world.patna_booth.parent, world.patna_booth.parent.parent
    sk_head = create_person(None, phone="+919000000021", name_hi="सुनील कुमार", name_en="Sunil Kumar")
    add_post(None, person=sk_head, unit=sk, role=Role.HEAD)
    mandal_head = create_person(None, phone="+919000000022", name_hi="रीना देवी", name_en="Reena Devi", lang="en")
    add_post(None, person=mandal_head, unit=mandal, role=Role.HEAD)
    return sk_head, mandal_head


def test_a_difficulty_raised_to_a_leader_and_escalated_to_the_next_is_told_once_per_step(world, leaders):
    sk_head, mandal_head = leaders
    t0 = datetime(2026, 11, 2, 10, 0, tzinfo=IST)
    d, _created = raise_difficulty(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, category="technical",
                                   text="बूथ ऐप में लॉग इन नहीं हो रहा", now=t0)
    def told():
        return Message.objects.filter(kind="difficulty")

    assert {(m.recipient_id, m.channel) for m in told()} == {(sk_head.pk, "app"), (sk_head.pk, "console")}
    phone = told().get(channel="console")
    assert phone.template == "difficulty_waiting" and phone.params[0] == world.patna_booth.name_hi
    assert phone.link == f"/difficulties/{d.pk}/" and phone.url == phone.link
    # A retry of the same raise tells nobody again.
    raise_difficulty(world.patna_worker, id=d.pk, unit=world.patna_booth, category="technical",
                     text="बूथ ऐप में लॉग इन नहीं हो रहा", now=t0)
    assert told().count() == 2
    # Nobody answered in time: it goes up to the mandal, whose head is told (in English).
    late = d.due_at + timedelta(minutes=1) if d.due_at else t0 + timedelta(days=30)
    assert escalate_due(d.pk, late) is True
    assert escalate_due(d.pk, late) is False  # a second worker's run: nothing to do
    up = told().filter(recipient=mandal_head)
    assert up.count() == 2 and "waits for your answer" in up.get(channel="app").body
    assert told().filter(recipient=sk_head).count() == 2
    # Telling the same step again (a job re-run) inserts nothing.
    step = DifficultyEvent.objects.filter(difficulty=d, kind=EventKind.ESCALATED).get()
    d.refresh_from_db()
    _tell_leaders(d, step, late)
    assert told().count() == 4
    jobs.deliver(late)
    assert OutboxMessage.objects.filter(to=mandal_head.phone).count() == 1


# ---- where a person chooses, and the roll-up's delivery block -------------------------------------

def test_a_person_chooses_on_my_data_and_through_the_api(client, world, login_as, api_as):
    login_as(world.gaya_worker)
    page = client.get("/account/data/")
    assert 'name="notify" value="digest" checked' in page.content.decode()
    r = client.post("/account/data/name/", {"name_hi": world.gaya_worker.name_hi, "name_en": world.gaya_worker.name_en,
                                            "lang": "hi", "notify": "now"})
    assert r.status_code == 302
    assert Person.objects.get(pk=world.gaya_worker.pk).notify == "now"
    headers = api_as(world.patna_worker)
    r = client.patch("/api/v1/me", {"notify": "app"}, content_type="application/json", **headers)
    assert r.status_code == 200 and r.json()["notify"] == "app"
    assert client.get("/api/v1/me", **headers).json()["notify"] == "app"
    assert client.patch("/api/v1/me", {"notify": "hourly"}, content_type="application/json",
                        **headers).status_code == 422
    assert Person.objects.get(pk=world.patna_worker.pk).notify == "app"


def test_the_rollup_shows_delivery_by_channel(client, world, login_as):
    now = timezone.now()
    d = publish(world, now=now)
    jobs.tick(now)
    Message.objects.filter(directive=d, recipient=world.gaya_worker).update(status="read")
    login_as(world.state_admin)
    html = client.get(f"/directives/{d.pk}/rollup/").content.decode()
    assert "delivery-h" in html
    block = html[html.index("delivery-h"):]
    cells = [c.split("<")[0] for c in block.split('<td class="n">')[1:6]]
    assert cells == ["0", "3", "0", "1", "0"]  # queued, sent, delivered, read, failed
