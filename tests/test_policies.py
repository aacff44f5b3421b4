"""Organisation policies are rows an administrator changes: the old defaults, their effect on the
directive timers and on silence, refused values, the command, and the fold level."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sampark.core import policies
from sampark.core.models import AuditEntry, Policy
from sampark.directives import authoring, jobs, receipts, selectors
from sampark.directives.models import Message, Timer
from sampark.directives.policies import escalation_interval, remind_before, silent_below_percent


def test_the_defaults_are_the_old_settings_and_are_seeded_as_rows(db):
    assert remind_before() == timedelta(minutes=120)
    assert escalation_interval() == timedelta(minutes=60)
    assert silent_below_percent() == 50
    from sampark.reports.policies import fold_depth

    assert fold_depth() == 4  # the mandal, as the constant was
    assert dict(Policy.objects.values_list("key", "value")) == {
        "directives.remind_before_minutes": "120", "directives.escalation_minutes": "60",
        "directives.silent_below_percent": "50", "reports.fold_level": "mandal"}


def test_a_missing_row_means_the_default(db):
    Policy.objects.all().delete()
    policies.refresh()
    assert remind_before() == timedelta(minutes=120) and silent_below_percent() == 50


def test_reads_are_kept_in_the_process_and_a_change_is_seen_at_once_where_it_was_made(db, django_assert_num_queries):
    silent_below_percent()
    with django_assert_num_queries(0):
        assert (silent_below_percent(), remind_before()) == (50, timedelta(minutes=120))
    assert policies.set_policy(None, "directives.silent_below_percent", " 70 ") == 70
    assert silent_below_percent() == 70
    entry = AuditEntry.objects.get(action="policy.set")
    assert (entry.before, entry.after) == ({"value": "50"}, {"value": "70"})


def test_a_change_made_by_another_process_reaches_the_worker_at_its_next_tick(world):
    assert escalation_interval() == timedelta(minutes=60)
    Policy.objects.filter(key="directives.escalation_minutes").update(value="90")  # `sampark policy` elsewhere
    assert escalation_interval() == timedelta(minutes=60)  # kept in this process meanwhile
    jobs.tick(timezone.now())
    assert escalation_interval() == timedelta(minutes=90)


def test_the_fold_depth_costs_no_query_once_read(db, django_assert_num_queries):
    from sampark.reports.policies import fold_depth
    from sampark.reports.selectors import folded

    fold_depth()
    with django_assert_num_queries(0):
        assert [folded(depth) for depth in range(7)] == [True] * 5 + [False] * 2


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("directives.remind_before_minutes", "0", "कम से कम 1"),
    ("directives.escalation_minutes", "an hour", "पूर्ण संख्या नहीं"),
    ("directives.escalation_minutes", "", "पूर्ण संख्या नहीं"),
    ("directives.silent_below_percent", "-1", "कम से कम 0"),
    ("directives.silent_below_percent", "101", "100 से अधिक नहीं"),
    ("reports.fold_level", "zilla", "“zilla” नाम का कोई स्तर नहीं"),
    ("directives.no_such_thing", "5", "कोई नीति नहीं"),
])
def test_bad_values_are_refused_with_a_clear_message_and_change_nothing(db, key, value, reason):
    before = dict(Policy.objects.values_list("key", "value"))
    with pytest.raises(policies.PolicyError) as exc:
        policies.set_policy(None, key, value)
    assert reason in str(exc.value) and key in str(exc.value)
    assert dict(Policy.objects.values_list("key", "value")) == before
    assert not AuditEntry.objects.filter(action="policy.set").exists()
    assert silent_below_percent() == 50


def test_a_value_broken_in_the_table_is_an_error_naming_the_policy(db):
    Policy.objects.filter(key="directives.escalation_minutes").update(value="soon")
    policies.refresh()
    with pytest.raises(policies.PolicyError, match="directives.escalation_minutes"):
        escalation_interval()


@pytest.mark.parametrize(("minutes", "reminded_at_2h30"), [(None, True), (60, False)])
def test_the_reminder_policy_decides_when_reminders_go_out(world, minutes, reminded_at_2h30):
    """Due in 4 hours: reminded 2 hours before by default; with 60 minutes, only after 3 hours."""
    if minutes is not None:
        policies.set_policy(None, "directives.remind_before_minutes", str(minutes))
    now = timezone.now()
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Reminder policy", due_at=now + timedelta(hours=4),
        now=now), now=now)
    jobs.tick(now + timedelta(hours=2, minutes=30))
    assert Message.objects.filter(directive=d, kind="reminder").exists() is reminded_at_2h30
    jobs.tick(now + timedelta(hours=3, minutes=1))
    assert Message.objects.filter(directive=d, kind="reminder", recipient=world.gaya_worker).exists()


@pytest.mark.parametrize("minutes", [60, 180])
def test_the_escalation_policy_decides_when_the_next_level_hears(world, minutes):
    policies.set_policy(None, "directives.escalation_minutes", str(minutes))
    now = timezone.now()
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Escalation policy", due_at=now + timedelta(hours=1),
        now=now), now=now)
    timer = Timer.objects.get(directive=d, kind=Timer.Kind.ESCALATE)
    first_depth = timer.step_depth
    jobs.tick(d.due_at + timedelta(minutes=1))
    timer.refresh_from_db()
    assert (timer.step_depth, timer.due_at) == (first_depth - 1, d.due_at + timedelta(minutes=minutes))
    jobs.tick(d.due_at + timedelta(minutes=61))
    timer.refresh_from_db()
    assert timer.step_depth == (first_depth - 2 if minutes == 60 else first_depth - 1)


def test_the_silence_policy_decides_which_units_are_silent(world):
    """Patna: one of its two posts acknowledged (50 %); Gaya: none of two."""
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="Silence policy"))
    receipts.acknowledge(world.patna_worker, d)
    jobs.tick(timezone.now())

    def silent_districts():
        return set(selectors.silent_counts(d, world.bihar.path).filter(depth=2).values_list("unit_id", flat=True))

    assert silent_districts() == {world.gaya.pk}
    policies.set_policy(None, "directives.silent_below_percent", "51")
    assert silent_districts() == {world.patna.pk, world.gaya.pk}
    policies.set_policy(None, "directives.silent_below_percent", "0")
    assert silent_districts() == set()


def test_the_command_lists_in_hindi_and_english_and_sets_values(db):
    out = StringIO()
    call_command("policy", "--set", "directives.escalation_minutes=90", "--list", stdout=out)
    text = out.getvalue()
    assert "directives.escalation_minutes = 90  (default 60)" in text
    assert "directives.remind_before_minutes = 120\n" in text
    assert "निष्क्रिय" in text and "A unit is silent" in text
    assert escalation_interval() == timedelta(minutes=90)
    with pytest.raises(CommandError, match="directives.silent_below_percent"):
        call_command("policy", "--set", "directives.silent_below_percent=lots", stdout=StringIO())
    with pytest.raises(CommandError, match="KEY=VALUE"):
        call_command("policy", "--set", "directives.silent_below_percent", stdout=StringIO())


def test_the_old_environment_variables_are_refused_not_ignored():
    env = {**os.environ, "SAMPARK_DIRECTIVE_ESCALATION_MINUTES": "30", "DJANGO_SETTINGS_MODULE": "sampark.settings"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0
    assert "SAMPARK_DIRECTIVE_ESCALATION_MINUTES is no longer read" in run.stderr
    assert "sampark policy" in run.stderr


def _deepest_daily_row() -> int:
    from sampark.core import paths
    from sampark.org.models import Unit
    from sampark.reports.models import ReportDaily

    folded = Unit.objects.filter(pk__in=ReportDaily.objects.values("unit_id"))
    return max(paths.depth(p) for p in folded.values_list("path", flat=True))


def _two_reports(world, first: int = 0) -> None:
    from sampark.reports.services import submit_report

    for i, (person, unit) in enumerate([(world.patna_worker, world.patna_booth), (world.gaya_worker, world.gaya_booth)]):
        submit_report(person, id=f"00000000-0000-7000-8000-0000000000{first + i:02d}", unit=unit, type="meeting",
                      date=timezone.localdate(), values={"attendance": 3 + i})


def test_changing_the_fold_level_rebuilds_the_daily_table(world):
    from sampark.reports import rollups

    _two_reports(world)
    rollups.fold_all()
    assert _deepest_daily_row() == 4
    policies.set_policy(None, "reports.fold_level", "assembly")
    assert _deepest_daily_row() == 3
    assert rollups.current() == rollups.recount()


def test_the_fold_follows_a_level_changed_by_another_process_at_once(world):
    """The fold reads the level for each batch: a batch folded to the old depth after the other
    process rebuilt the table would leave it wrong for good."""
    from sampark.reports import rollups
    from sampark.reports.policies import fold_depth

    assert fold_depth() == 4  # kept in this process
    Policy.objects.filter(key="reports.fold_level").update(value="assembly")
    rollups.rebuild()  # as set_policy did there
    _two_reports(world)
    rollups.fold_all()
    assert _deepest_daily_row() == 3
    assert rollups.current() == rollups.recount()
