"""Which units have sent the report a directive asked for: at the unit or below, of the asked type,
dated on or after the day of publishing; other types, earlier days and other units do not count."""

import uuid
from datetime import timedelta

from django.utils import timezone

from sampark.directives import authoring
from sampark.directives.report_status import unit_has_sent, units_reported
from sampark.reports.models import ReportType
from sampark.reports.services import submit_report


def _report(person, unit, code, day):
    submit_report(person, id=uuid.uuid4(), unit=unit, type=code, date=day,
                  values={"attendance": 5, "topic": "बैठक"} if code == "meeting" else {})


def test_units_that_sent_the_asked_report(world):
    meeting = ReportType.objects.get(code="meeting")
    d = authoring.create_directive(world.state_admin, target_unit=world.bihar, title="बैठक करें",
                                   required_report_type=meeting)
    assert units_reported(d, [world.patna, world.gaya]) == set()  # a draft asks nothing yet
    d = authoring.publish_directive(world.state_admin, d)
    today = timezone.localdate()
    _report(world.gaya_worker, world.gaya_booth, "meeting", today - timedelta(days=1))  # before: no
    assert units_reported(d, [world.patna, world.gaya]) == set()
    _report(world.patna_worker, world.patna_booth, "meeting", today)
    assert units_reported(d, [world.patna, world.gaya, world.patna_booth, world.bihar]) == {
        world.patna.pk, world.patna_booth.pk, world.bihar.pk}
    assert unit_has_sent(d, world.patna_ac) and not unit_has_sent(d, world.gaya_ac)


def test_a_directive_without_a_report_asks_nothing(world):
    d = authoring.publish_directive(world.state_admin, authoring.create_directive(
        world.state_admin, target_unit=world.bihar, title="पढ़ें"))
    _report(world.patna_worker, world.patna_booth, "meeting", timezone.localdate())
    assert units_reported(d, [world.patna]) == set()
