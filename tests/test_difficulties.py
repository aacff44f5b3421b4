"""Difficulties: raising, escalation on a controlled clock, answers, reopen/confirm, merge, assign,
and the claimed-row timer. Services and tick() get ``now`` explicitly."""

import importlib
import threading
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from sampark.core.models import AuditEntry, OutboxMessage
from sampark.difficulties import selectors
from sampark.difficulties.jobs import tick
from sampark.difficulties.models import (
    BusinessHours,
    Difficulty,
    DifficultyEvent,
    EventKind,
    Holiday,
    Status,
)
from sampark.difficulties.services import (
    DifficultyError,
    add_action_item,
    answer_difficulty,
    assign_difficulty,
    claim_due,
    complete_action_item,
    confirm_difficulty,
    due_after,
    escalate_due,
    give_info,
    merge_difficulties,
    raise_difficulty,
    reopen_difficulty,
    request_info,
)
from sampark.people.models import Role
from sampark.people.services import add_post, create_person

IST = ZoneInfo("Asia/Kolkata")
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=IST)  # a Monday
H = timedelta(hours=1)


def raise_at_gaya(world, text="व्हाट्सऐप ग्रुप में वीडियो नहीं जा रहा", now=T0, category="technical", **kw):
    d, created = raise_difficulty(world.gaya_worker, id=kw.pop("id", uuid.uuid4()), unit=world.gaya_booth,
                                  category=category, text=text, now=now, **kw)
    assert created
    return d


def kinds(d):
    return [e.kind for e in DifficultyEvent.objects.filter(difficulty=d)]


def test_the_gaya_story_escalates_is_answered_reopened_and_solved(world, django_capture_on_commit_callbacks):
    shakti_kendra = world.gaya_booth.parent
    mandal = shakti_kendra.parent
    with django_capture_on_commit_callbacks(execute=True):
        d = raise_at_gaya(world)
    assert d.handling_unit == shakti_kendra and d.status == Status.OPEN
    assert d.due_at == T0 + 24 * H  # booth → shakti kendra: 24 hours

    # Nobody at the shakti kendra answers: nothing happens before the due time, then it moves up.
    assert tick(T0 + 23 * H)["escalated"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(T0 + 25 * H)["escalated"] == 1
    d.refresh_from_db()
    assert d.handling_unit == mandal and d.due_at == T0 + 49 * H and d.escalations == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(T0 + 50 * H)["escalated"] == 1
    d.refresh_from_db()
    assert d.handling_unit == world.gaya_ac and d.due_at == T0 + 98 * H  # constituency: 48 hours

    # The worker was told each time, in the app (history) and by SMS.
    assert kinds(d) == [EventKind.RAISED, EventKind.ESCALATED, EventKind.ESCALATED]
    steps = [(e.from_unit, e.to_unit) for e in selectors.history(d)[1:]]
    assert steps == [(shakti_kendra, mandal), (mandal, world.gaya_ac)]
    sms = OutboxMessage.objects.filter(to=world.gaya_worker.phone)
    assert sms.count() == 2
    assert "बोधगया" in sms.last().body or "Bodh Gaya" in sms.last().body
    assert selectors.recent_updates(world.gaya_worker)[0].kind == EventKind.ESCALATED

    # The Gaya district coordinator answers with an instruction.
    answer_difficulty(world.gaya_coord, d, text="ग्रुप की सेटिंग में 'सभी सदस्य भेज सकते हैं' चुनें", now=T0 + 60 * H)
    d.refresh_from_db()
    assert d.status == Status.ANSWERED and d.closed_by_unit == world.gaya_ac
    assert d.first_answered_at == T0 + 60 * H and d.answered_in_time is False

    # The worker reopens it once: back to the level that answered, with a fresh clock.
    reopen_difficulty(world.gaya_worker, d, rating=2, text="अभी भी नहीं जा रहा", now=T0 + 61 * H)
    d.refresh_from_db()
    assert d.status == Status.REOPENED and d.handling_unit == world.gaya_ac and d.rating == 2
    assert d.due_at == T0 + (61 + 48) * H
    answer_difficulty(world.gaya_coord, d, text="फ़ोन अपडेट करें, फिर भेजें", now=T0 + 70 * H)
    confirm_difficulty(world.gaya_worker, d, rating=5, now=T0 + 72 * H)
    d.refresh_from_db()
    assert d.status == Status.SOLVED and d.solved_at == T0 + 72 * H and d.rating == 5
    assert kinds(d) == [EventKind.RAISED, EventKind.ESCALATED, EventKind.ESCALATED, EventKind.ANSWERED,
                        EventKind.REOPENED, EventKind.ANSWERED, EventKind.SOLVED]
    assert [e.at for e in selectors.history(d)][-1] == T0 + 72 * H
    # Nothing is ever deleted; every step left an audit row.
    assert AuditEntry.objects.filter(object_type="difficulties.difficulty", object_id=str(d.pk)).count() == 7

    # Visibility: Gaya's chain and the state see it; Patna and UP do not.
    assert Difficulty.objects.visible_to(world.gaya_coord).filter(pk=d.pk).exists()
    assert Difficulty.objects.visible_to(world.state_admin).filter(pk=d.pk).exists()
    assert not Difficulty.objects.visible_to(world.patna_coord).filter(pk=d.pk).exists()
    assert not Difficulty.objects.visible_to(world.up_coord).filter(pk=d.pk).exists()


def test_reopened_goes_back_then_up_on_timeout(world):
    d = raise_at_gaya(world)
    answer_difficulty(world.gaya_coord, d, text="करें", now=T0 + H)  # answered at the shakti kendra level
    d.refresh_from_db()
    assert d.answered_in_time is True and d.closed_by_unit == world.gaya_booth.parent
    reopen_difficulty(world.gaya_worker, d, rating=1, now=T0 + 2 * H)
    assert tick(T0 + 27 * H)["escalated"] == 1
    d.refresh_from_db()
    assert d.status == Status.REOPENED and d.handling_unit == world.gaya_booth.parent.parent


def test_escalation_stops_at_the_top(world):
    d = raise_at_gaya(world)
    now = T0
    for _ in range(12):
        now += 200 * H
        tick(now)
    d.refresh_from_db()
    assert d.handling_unit == world.centre and d.due_at is None and d.status == Status.OPEN
    # shakti kendra → mandal → constituency → district → state → centre, then once "no answer at the top".
    assert d.escalations == 5
    assert kinds(d).count(EventKind.ESCALATED) == 5 and kinds(d)[-1] == EventKind.AT_TOP
    assert tick(now + 1000 * H)["escalated"] == 0


def test_a_double_claim_escalates_once(world):
    d = raise_at_gaya(world)
    d2 = raise_at_gaya(world, text="दूसरी कठिनाई")
    now = T0 + 25 * H
    # A second worker read the same due rows before the first one claimed them.
    stale = list(Difficulty.objects.filter(due_at__lte=now).order_by("created_at").values_list("pk", flat=True))
    assert len(stale) == 2
    with transaction.atomic():
        assert claim_due(d.pk, now) is True
        assert claim_due(d.pk, now) is False
    assert tick(now)["escalated"] == 1  # d lost its due time to the claim above; d2 goes up
    assert [escalate_due(pk, now) for pk in stale] == [False, False]
    d2.refresh_from_db()
    assert d2.escalations == 1 and kinds(d2).count(EventKind.ESCALATED) == 1


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_escalate_each_row_once():
    from tests.personas import build_world

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The in-memory test database shares one cache between threads and fails fast with "table is
        # locked" instead of waiting; SQLite has one writer anyway. The claim is tested just above.
        pytest.skip("concurrent writers need a file or server database")
    # Another transactional test may have flushed the rows the data migrations put in: put them back.
    from django.apps import apps

    for module, fn in (("sampark.org.migrations.0002_default_levels", "add_levels"),
                       ("sampark.difficulties.migrations.0002_default_categories_and_policies", "add_defaults")):
        getattr(importlib.import_module(module), fn)(apps, None)
    world = build_world()
    ds = [raise_at_gaya(world, text=f"कठिनाई {i}") for i in range(6)]
    now = T0 + 25 * H
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            results.append(tick(now)["escalated"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(results) == len(ds)
    for d in ds:
        d.refresh_from_db()
        assert d.escalations == 1
        assert kinds(d).count(EventKind.ESCALATED) == 1


def test_same_id_same_body_is_the_same_difficulty_other_body_is_409(world):
    key = uuid.uuid4()
    d = raise_at_gaya(world, id=key, text="इंटरनेट नहीं")
    again, created = raise_difficulty(world.gaya_worker, id=key, unit=world.gaya_booth, category="technical",
                                      text="इंटरनेट नहीं", now=T0 + H)
    assert again.pk == d.pk and not created
    with pytest.raises(DifficultyError) as err:
        raise_difficulty(world.gaya_worker, id=key, unit=world.gaya_booth, category="technical",
                         text="कुछ और", now=T0 + H)
    assert err.value.status == 409
    with pytest.raises(DifficultyError) as err:
        raise_difficulty(world.patna_worker, id=key, unit=world.patna_booth, category="technical",
                         text="इंटरनेट नहीं", now=T0 + H)
    # Issue 12 finding 13: Patna cannot see the Gaya difficulty, so its id answers 404 (it was 409,
    # which confirmed the id exists elsewhere).
    assert err.value.status == 404
    assert Difficulty.objects.count() == 1 and DifficultyEvent.objects.count() == 1


def test_raising_needs_a_post_at_the_unit_and_a_category(world):
    with pytest.raises(DifficultyError) as err:
        raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.patna_booth, category="technical",
                         text="x", now=T0)
    assert err.value.status == 403
    with pytest.raises(DifficultyError):
        raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category="nonsense",
                         text="x", now=T0)
    with pytest.raises(DifficultyError):
        raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category="technical",
                         text="   ", now=T0)
    assert Difficulty.objects.count() == 0


def test_only_coordinators_at_or_above_the_handling_unit_answer(world):
    d = raise_at_gaya(world)
    for outsider in (world.patna_coord, world.gaya_worker, world.up_coord):
        with pytest.raises(DifficultyError) as err:
            answer_difficulty(outsider, d, text="x", now=T0 + H)
        assert err.value.status == 403
    answer_difficulty(world.state_admin, d, text="ठीक", now=T0 + H)
    with pytest.raises(DifficultyError) as err:
        answer_difficulty(world.gaya_coord, d, text="फिर", now=T0 + 2 * H)
    assert err.value.status == 409


def test_request_info_pauses_the_clock(world):
    d = raise_at_gaya(world)
    request_info(world.gaya_coord, d, text="कौन सा फ़ोन?", now=T0 + H)
    assert tick(T0 + 100 * H)["escalated"] == 0
    give_info(world.gaya_worker, d, text="जियो फ़ोन", now=T0 + 100 * H)
    d.refresh_from_db()
    assert d.status == Status.OPEN and d.due_at == T0 + 124 * H
    assert kinds(d) == [EventKind.RAISED, EventKind.INFO_REQUESTED, EventKind.INFO_GIVEN]


def test_pass_down_to_a_named_person_who_sees_and_answers_it(world):
    helper = create_person(None, phone="+919000000099", name_hi="सुनील साह", name_en="Sunil Sah")
    add_post(None, person=helper, unit=world.gaya_booth.parent, role=Role.WORKER)
    d = raise_at_gaya(world)
    with pytest.raises(DifficultyError):  # not under the shakti kendra
        assign_difficulty(world.gaya_coord, d, person=world.patna_worker, now=T0 + H)
    assign_difficulty(world.gaya_coord, d, person=helper, text="आप देखें", now=T0 + H)
    assert [x.pk for x in selectors.waiting_for(helper)] == [d.pk]
    answer_difficulty(helper, d, text="मैंने ठीक कर दिया", now=T0 + 2 * H)
    d.refresh_from_db()
    assert d.status == Status.ANSWERED and d.assigned_to == helper


def test_merge_similar_and_answer_them_together(world):
    a = raise_at_gaya(world, text="वीडियो नहीं जा रहा")
    b = raise_at_gaya(world, text="वीडियो अटक रहा है")
    assert [x.pk for x in selectors.merge_candidates(a, world.gaya_coord)] == [b.pk]
    merge_difficulties(world.gaya_coord, a, [b], now=T0 + H)
    b.refresh_from_db()
    assert b.status == Status.MERGED and b.merged_into_id == a.pk and b.due_at is None
    assert tick(T0 + 25 * H)["escalated"] == 1  # only the primary one moves up
    answer_difficulty(world.gaya_coord, a, text="नया ऐप डालें", now=T0 + 26 * H)
    b.refresh_from_db()
    assert b.status == Status.ANSWERED and b.answer == "नया ऐप डालें"
    confirm_difficulty(world.gaya_worker, b, now=T0 + 27 * H)


@pytest.mark.django_db
def test_business_hours_and_holidays_are_skipped():
    BusinessHours.objects.create(start=time(10), end=time(18), weekdays="012345")
    Holiday.objects.create(date=date(2026, 11, 9), name_hi="छुट्टी", name_en="Holiday")
    start = datetime(2026, 11, 7, 17, 0, tzinfo=IST)  # Saturday 17:00
    # Saturday 1 h, Sunday closed, Monday a holiday, Tuesday 8 h, Wednesday 1 h.
    assert due_after(start, 10) == datetime(2026, 11, 11, 11, 0, tzinfo=IST)
    assert due_after(datetime(2026, 11, 10, 7, 0, tzinfo=IST), 2) == datetime(2026, 11, 10, 12, 0, tzinfo=IST)


def test_stats_per_unit_and_children(world):
    a = raise_at_gaya(world, category="training")
    b = raise_at_gaya(world, category="technical")
    raise_at_gaya(world, category="training")
    answer_difficulty(world.gaya_coord, a, text="ठीक", now=T0 + 2 * H)
    tick(T0 + 25 * H)  # the other two go up: overdue
    answer_difficulty(world.gaya_coord, b, text="ठीक", now=T0 + 30 * H)
    s = selectors.unit_stats(world.gaya, T0 + 31 * H)
    assert (s["total"], s["open"], s["overdue"], s["answered"], s["in_time"]) == (3, 1, 1, 2, 1)
    assert s["in_time_pct"] == 50 and s["median_hours"] == 16.0
    assert s["top_categories"][0]["category"].code == "training" and s["top_categories"][0]["count"] == 2
    assert [r["handling_unit__level__code"] for r in s["open_by_level"]] == ["mandal"]
    rows = selectors.children_stats(world.bihar, [world.patna, world.gaya], T0 + 31 * H)
    assert rows[world.patna.pk]["total"] == 0 and rows[world.gaya.pk]["open"] == 1
    assert rows[world.gaya.pk]["overdue"] == 1 and rows[world.gaya.pk]["top_category"].code == "training"


def test_action_items_for_their_owner(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = add_action_item(world.state_admin, world.gaya, owner=world.gaya_coord, text="सभी बूथों पर बैठक",
                               due_on=date(2026, 11, 5), now=T0)
    assert [i.pk for i in selectors.action_items_owned(world.gaya_coord)] == [item.pk]
    assert item.overdue_on(date(2026, 11, 6)) and not item.overdue_on(date(2026, 11, 5))
    with pytest.raises(DifficultyError):  # Patna's coordinator does not review Gaya
        add_action_item(world.patna_coord, world.gaya, owner=world.patna_coord, text="x",
                        due_on=date(2026, 11, 5), now=T0)
    with pytest.raises(DifficultyError):  # an owner the reviewer cannot see
        add_action_item(world.state_admin, world.gaya, owner=world.up_coord, text="x",
                        due_on=date(2026, 11, 5), now=T0)
    # The overdue reminder goes out once, after the due day ends.
    assert tick(datetime(2026, 11, 5, 23, 0, tzinfo=IST))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(datetime(2026, 11, 6, 0, 30, tzinfo=IST))["reminded"] == 1
    assert tick(datetime(2026, 11, 7, 0, 30, tzinfo=IST))["reminded"] == 0
    assert OutboxMessage.objects.filter(to=world.gaya_coord.phone).count() == 2
    with pytest.raises(DifficultyError):
        complete_action_item(world.gaya_worker, item, now=T0)
    complete_action_item(world.gaya_coord, item, now=T0 + H)
    item.refresh_from_db()
    assert item.done and not item.overdue_on(date(2026, 12, 1))


def test_history_rows_are_append_only(world):
    d = raise_at_gaya(world)
    with pytest.raises(PermissionError):
        DifficultyEvent.objects.filter(difficulty=d).delete()
    with pytest.raises(PermissionError):
        DifficultyEvent.objects.filter(difficulty=d).update(text="x")


def test_nobody_deactivated_is_sent_an_sms_about_their_difficulty(world, django_capture_on_commit_callbacks):
    d = raise_at_gaya(world)
    Person = type(world.gaya_worker)
    with django_capture_on_commit_callbacks(execute=True):
        answer_difficulty(world.gaya_coord, d, text="करें", now=T0 + H)
    assert OutboxMessage.objects.filter(to=world.gaya_worker.phone).count() == 1
    Person.objects.filter(pk=world.gaya_worker.pk).update(is_active=False)  # deactivated meanwhile
    d.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reopen_difficulty(world.gaya_worker, d, rating=1, now=T0 + 2 * H)
        answer_difficulty(world.gaya_coord, d, text="फिर से करें", now=T0 + 3 * H)
    assert OutboxMessage.objects.filter(to=world.gaya_worker.phone).count() == 1
