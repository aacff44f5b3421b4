"""Directive policies (see core.policies): when reminders and escalations go out, and when a unit
counts as silent. Changed with `sampark policy --set key=value`; the worker reads them each tick."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sampark.core import policies

REMIND_BEFORE = policies.declare(
    "directives.remind_before_minutes",
    _("Minutes before a directive's due time when those who have not acknowledged are reminded"),
    "120", policies.whole_number(minimum=1))
ESCALATION = policies.declare(
    "directives.escalation_minutes",
    _("Minutes between escalation steps after the due time (each tells the next level up about silent units)"),
    "60", policies.whole_number(minimum=1))
SILENT_BELOW = policies.declare(
    "directives.silent_below_percent",
    _("A unit is silent when fewer than this percentage of its expected posts acknowledged"),
    "50", policies.whole_number(minimum=0, maximum=100))


def remind_before() -> timedelta:
    return timedelta(minutes=policies.get(REMIND_BEFORE))


def escalation_interval() -> timedelta:
    return timedelta(minutes=policies.get(ESCALATION))


def silent_below_percent() -> int:
    """A unit is silent when fewer than this share of its expected posts acknowledged (or read,
    when no acknowledgement is asked)."""
    return policies.get(SILENT_BELOW)


DIGEST_HOUR = policies.declare(
    "directives.digest_hour",
    _("Hour of the day (0-23, Indian time) when the daily digest of new directives is sent"),
    "8", policies.whole_number(minimum=0, maximum=23))


def digest_hour() -> int:
    return policies.get(DIGEST_HOUR)
