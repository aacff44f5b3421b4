"""What needs a person now (core.attention): per persona, most urgent first, only their subtree;
the API's shape; the navigation's badges; the pages' poll (304 while nothing changed); and the
roll-up's "report sent" column, which uses the same rule as the attention list."""

import re
import uuid
from datetime import timedelta
from typing import get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampark.core.attention import KINDS, attention_for, counts_for, kept_counts
from sampark.core.jobs import run_ticks
from sampark.difficulties import services as difficulties
from sampark.directives import authoring, receipts
from sampark.directives.models import Directive
from sampark.directives.policies import silent_below_percent
from sampark.people.erasure import request_erasure
from sampark.people.models import Role, Team
from sampark.people.schemas import AttentionKind
from sampark.people.services import add_post, request_transfer
from sampark.reports.models import ReportType
from sampark.reports.services import submit_report
from tests.personas import log_in


def publish(author, unit, title, *, due_in=None, overdue=False, ack=True, urgent=False, report=None):
    due = timezone.now() + (due_in or timedelta(days=2)) if (due_in or overdue) else None
    d = authoring.publish_directive(author, authoring.create_directive(
        author, target_unit=unit, title=title, due_at=due, requires_ack=ack, priority="urgent" if urgent else "normal",
        required_report_type=ReportType.objects.get(code=report) if report else None))
    if overdue:  # its due time passed since (publishing refuses a time in the past)
        Directive.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(hours=1))
        d.refresh_from_db()
    return d


def raise_at(person, unit, text, now=None):
    return difficulties.raise_difficulty(person, id=uuid.uuid4(), unit=unit, category="content", text=text,
                                         now=now)[0]


def kinds(got, kind):
    return [i for i in got.items if i.kind == kind]


# --- directives to read or acknowledge ------------------------------------------------------------

def test_directives_to_acknowledge_overdue_first_then_due_soonest(world):
    later = publish(world.state_admin, world.bihar, "बाद में", due_in=timedelta(days=3))
    soon = publish(world.state_admin, world.bihar, "जल्द", due_in=timedelta(hours=5))
    late = publish(world.state_admin, world.bihar, "देर हो गई", overdue=True)
    plain = publish(world.state_admin, world.bihar, "केवल पढ़ें", ack=False, urgent=True)
    got = attention_for(world.patna_worker)
    assert got.counts["directives_to_ack"] == 4
    titles = [i.title for i in kinds(got, "directives_to_ack")]
    assert titles == [late.title, soon.title, later.title, plain.title]
    first = got.items[0]
    assert first.overdue and first.url == f"/directives/{late.pk}/" and first.count == 1
    # Acknowledging one and reading the one that asks no acknowledgement take them off.
    receipts.acknowledge(world.patna_worker, late)
    receipts.mark_read(world.patna_worker, plain)
    receipts.mark_read(world.patna_worker, soon)  # read is not enough where an acknowledgement is asked
    got = attention_for(world.patna_worker)
    assert [i.title for i in kinds(got, "directives_to_ack")] == [soon.title, later.title]
    assert got.counts["directives_to_ack"] == 2
    # The author is not asked to acknowledge their own directive.
    assert attention_for(world.state_admin).counts["directives_to_ack"] == 0


def test_a_gaya_coordinator_sees_nothing_of_patna(world):
    d = publish(world.patna_coord, world.patna, "पटना की बैठक PATNAMARK", overdue=True, report="meeting")
    run_ticks(timezone.now())
    raise_at(world.patna_worker, world.patna_booth, "पटना की कठिनाई PATNAMARK")
    request_erasure(world.patna_worker, "erasure")
    request_transfer(world.patna_coord, world.gaya_worker, unit=world.patna_booth, role=Role.WORKER)
    gaya = attention_for(world.gaya_coord)
    assert gaya.items == [] and set(gaya.counts.values()) == {0}
    body = log_in(Client(), world.gaya_coord).get("/api/v1/me/attention").content.decode()
    assert "PATNAMARK" not in body and "पटना" not in body
    # Patna's coordinator, who sent it and leads there, sees all of it.
    patna = attention_for(world.patna_coord)
    assert patna.counts["erasures_to_approve"] == 1 and patna.counts["silent_units"] == 1
    assert patna.counts["reports_missing"] == 1 and patna.counts["directives_to_ack"] == 0
    assert [i.url for i in kinds(patna, "silent_units")] == [f"/directives/{d.pk}/silent/"]
    # The transfer is decided above both districts: by the state, not by either district.
    assert patna.counts["transfers_to_decide"] == 0
    assert attention_for(world.state_admin).counts["transfers_to_decide"] == 1


# --- difficulties and action items ----------------------------------------------------------------

def test_difficulties_waiting_with_me_due_soonest_first_and_an_escalated_one_reaches_the_state(world):
    sk = world.patna_booth.parent
    add_post(None, person=world.patna_coord, unit=sk, role=Role.COORDINATOR, team=Team.ORGANISATION)
    now = timezone.now()
    newer = raise_at(world.patna_worker, world.patna_booth, "नई कठिनाई", now=now)
    older = raise_at(world.patna_worker, world.patna_booth, "पुरानी कठिनाई", now=now - timedelta(hours=30))
    got = attention_for(world.patna_coord)
    assert got.counts["difficulties_waiting"] == 2
    assert [i.title for i in kinds(got, "difficulties_waiting")] == [older.text, newer.text]
    assert attention_for(world.state_admin).counts["difficulties_waiting"] == 0
    # No answer in time, level after level, up to the state: it waits with her now, overdue.
    later = now
    while older.handling_unit_id != world.bihar.pk:
        later += timedelta(days=10)
        assert difficulties.escalate_due(older.pk, later)
        older.refresh_from_db()
    got = attention_for(world.state_admin)
    assert got.counts["difficulties_waiting"] == 1
    assert got.items[0].kind == "difficulties_waiting" and got.items[0].overdue
    assert got.items[0].url == f"/difficulties/{older.pk}/"
    assert attention_for(world.gaya_coord).counts["difficulties_waiting"] == 0


def test_action_items_i_own_that_are_not_done(world):
    today = timezone.localdate()
    late = difficulties.add_action_item(world.patna_coord, world.patna, owner=world.patna_worker, text="बूथ सूची",
                                        due_on=today - timedelta(days=1))
    difficulties.add_action_item(world.patna_coord, world.patna, owner=world.patna_worker, text="बैठक",
                                 due_on=today + timedelta(days=5))
    got = attention_for(world.patna_worker)
    assert got.counts["action_items"] == 2
    items = kinds(got, "action_items")
    assert [i.title for i in items] == ["बूथ सूची", "बैठक"] and items[0].overdue and not items[1].overdue
    difficulties.complete_action_item(world.patna_worker, late)
    assert attention_for(world.patna_worker).counts["action_items"] == 1
    assert attention_for(world.gaya_worker).counts["action_items"] == 0


# --- the sender: reports missing and silent units -------------------------------------------------

def test_reports_missing_and_silent_units_below_a_sent_directive(world):
    d = publish(world.state_admin, world.bihar, "बैठक करें", overdue=True, report="meeting")
    fresh = publish(world.state_admin, world.bihar, "अभी समय है", due_in=timedelta(days=1), report="meeting")
    run_ticks(timezone.now())
    got = attention_for(world.state_admin)
    # Patna and Gaya, directly below the target; the directive still in its time is not counted yet.
    assert got.counts["silent_units"] == 2 and got.counts["reports_missing"] == 2
    assert [i.count for i in kinds(got, "reports_missing")] == [2]
    assert kinds(got, "reports_missing")[0].url == f"/directives/{d.pk}/rollup/"
    assert all(i.title != fresh.title for i in got.items)
    for person in (world.patna_worker, world.patna_coord):
        receipts.acknowledge(person, d)
    submit_report(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                  date=timezone.localdate(), values={"attendance": 5, "topic": "बैठक"})
    run_ticks(timezone.now())
    got = attention_for(world.state_admin)
    assert got.counts["silent_units"] == 1 and got.counts["reports_missing"] == 1
    # The roll-up says the same, per district, and in total.
    page = log_in(Client(), world.state_admin).get(f"/directives/{d.pk}/rollup/").content.decode()
    rows = re.findall(r"<tr><td>.*?</tr>", page, re.S)
    assert len(rows) == 2
    patna_row = next(r for r in rows if "पटना" in r)
    gaya_row = next(r for r in rows if "गया" in r)
    assert "✓ भेजी गई" in patna_row and "अभी नहीं" in gaya_row and "अभी नहीं" not in patna_row
    assert "2 में से 1 इकाइयों ने रिपोर्ट “बैठक” भेज दी है" in page or "2 में से 1 इकाई" in page


def test_the_send_report_button_knows_the_report_was_sent(world):
    d = publish(world.state_admin, world.bihar, "बैठक करें", due_in=timedelta(days=1), report="meeting")
    patna = log_in(Client(), world.patna_worker)
    page = patna.get(f"/directives/{d.pk}/").content.decode()
    assert "रिपोर्ट भेज दी गई" not in page and "रिपोर्ट भेजें: बैठक" in page
    submit_report(world.patna_worker, id=uuid.uuid4(), unit=world.patna_booth, type="meeting",
                  date=timezone.localdate(), values={"attendance": 5, "topic": "बैठक"})
    page = patna.get(f"/directives/{d.pk}/").content.decode()
    assert "✓ रिपोर्ट भेज दी गई" in page and "एक और रिपोर्ट भेजें" in page
    gaya = log_in(Client(), world.gaya_worker).get(f"/directives/{d.pk}/").content.decode()
    assert "रिपोर्ट भेज दी गई" not in gaya


# --- the API -------------------------------------------------------------------------------------

def test_the_api_lists_counts_and_items_most_urgent_first(world, client, api_as):
    publish(world.state_admin, world.bihar, "बाद में", due_in=timedelta(days=3))
    late = publish(world.state_admin, world.bihar, "देर हो गई", overdue=True)
    r = client.get("/api/v1/me/attention", **api_as(world.patna_worker))
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"counts", "items"} and set(body["counts"]) == set(KINDS)
    assert body["counts"]["directives_to_ack"] == 2 and body["counts"]["difficulties_waiting"] == 0
    assert [set(i) for i in body["items"]] == [{"kind", "count", "title", "url", "due_at", "overdue"}] * 2
    assert body["items"][0] == {"kind": "directives_to_ack", "count": 1, "title": late.title,
                                "url": f"/directives/{late.pk}/", "due_at": body["items"][0]["due_at"],
                                "overdue": True}
    assert client.get("/api/v1/me/attention").status_code == 401


def test_the_kinds_are_the_schemas():
    assert set(get_args(AttentionKind)) == set(KINDS)


# --- the navigation's badges and the pages' poll -----------------------------------------------

def badge(page: str, name: str) -> str | None:
    m = re.search(r'data-badge="' + name + r'"( hidden)?>([^<]*)<', page)
    return None if m is None or m.group(1) else m.group(2)


def test_badges_come_from_the_kept_counts_and_an_own_acknowledgement_drops_them(world):
    d = publish(world.state_admin, world.bihar, "पढ़ें और स्वीकारें", due_in=timedelta(days=1))
    publish(world.state_admin, world.bihar, "दूसरा", due_in=timedelta(days=1))
    c = log_in(Client(), world.patna_worker)
    home = c.get("/").content.decode()  # the home page counts, and keeps the counts for the badges
    assert badge(home, "directives") == "2" and badge(home, "difficulties") is None
    assert 'data-live="attention"' in home and "अभी मेरे लिए ज़रूरी" in home and "देर हो गई" not in home
    inbox = c.get("/directives/").content.decode()
    assert badge(inbox, "directives") == "2" and 'data-tag="' + kept_counts(world.patna_worker).tag + '"' in inbox
    c.post(f"/directives/{d.pk}/ack/", {"reply": ""})
    assert kept_counts(world.patna_worker) is None
    page = c.get(f"/directives/{d.pk}/").content.decode()
    assert badge(page, "directives") is None and 'data-tag=""' in page  # its script polls at once
    assert c.get("/api/v1/me/pulse").json()["counts"]["directives_to_ack"] == 1
    assert badge(c.get("/directives/").content.decode(), "directives") == "1"


def test_the_pulse_is_304_while_nothing_changes_and_changes_with_a_new_directive(world):
    c = log_in(Client(), world.gaya_coord)
    first = c.get("/api/v1/me/pulse")
    assert first.status_code == 200 and first["ETag"] == f'"{first.json()["tag"]}"'
    assert len(first.content) < 300
    same = c.get("/api/v1/me/pulse", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == first["ETag"]
    assert c.get("/api/v1/me/pulse", HTTP_IF_NONE_MATCH="W/" + first["ETag"]).status_code == 304
    # Patna's news changes nothing for Gaya.
    publish(world.patna_coord, world.patna, "पटना के लिए")
    assert c.get("/api/v1/me/pulse", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    d = publish(world.state_admin, world.bihar, "नया निर्देश")
    new = c.get("/api/v1/me/pulse", HTTP_IF_NONE_MATCH=first["ETag"])
    assert new.status_code == 200 and new.json()["counts"]["directives_to_ack"] == 1
    # Read (no count changes for a directive asking no acknowledgement... this one asks one), then
    # withdrawn: the inbox changed, so the tag does too.
    receipts.acknowledge(world.gaya_coord, d)
    acked = c.get("/api/v1/me/pulse", HTTP_IF_NONE_MATCH=new["ETag"])
    assert acked.status_code == 200 and acked.json()["counts"]["directives_to_ack"] == 0
    authoring.withdraw_directive(world.state_admin, d)
    assert c.get("/api/v1/me/pulse", HTTP_IF_NONE_MATCH=acked["ETag"]).status_code == 200


def test_the_old_inbox_poll_still_answers(world):
    c = log_in(Client(), world.gaya_worker)
    assert c.get("/directives/inbox/updates").json() == {"new": 0, "latest": ""}


# --- cost -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["state_admin", "patna_coord", "patna_worker"])
def test_counting_is_a_few_queries_whatever_the_numbers(world, who):
    for i in range(6):
        publish(world.state_admin, world.bihar, f"निर्देश {i}", overdue=i % 2 == 0, report="meeting")
        raise_at(world.patna_worker, world.patna_booth, f"कठिनाई {i}")
    run_ticks(timezone.now())
    silent_below_percent()  # a policy, kept in the process (the tick read them afresh)
    person = getattr(world, who)
    person.forget_roots()
    with CaptureQueriesContext(connection) as counted:
        counts_for(person)
    person.forget_roots()
    with CaptureQueriesContext(connection) as listed:
        got = attention_for(person)
    # posts (twice: the directives' keys and the roots), directives, difficulties, action items; a
    # leader: transfers, erasures; an author: the directives sent, silent units, units below, reports;
    # events: the invitations to answer; network: a leader's counts to confirm.
    limit = {"patna_worker": 6, "patna_coord": 10, "state_admin": 13}[who]
    assert len(counted) <= limit, "\n".join(q["sql"][:150] for q in counted.captured_queries)
    assert len(listed) <= limit + 2, [q["sql"][:120] for q in listed.captured_queries]
    assert got.total > 0
