"""Network policies (see core.policies): when a snapshot's jump waits for a coordinator, when a handle
is stale, and the day of the month the reminder to enter counts goes out."""

from django.utils.translation import gettext_lazy

from sampark.core import policies

JUMP_FACTOR = policies.declare(
    "network.jump_factor",
    gettext_lazy("A count more than this many times the previous one waits for a coordinator to confirm it"),
    "3", policies.whole_number(2, 1000))
JUMP_MIN = policies.declare(
    "network.jump_min",
    gettext_lazy("Jumps smaller than this many followers are counted without confirmation"),
    "100", policies.whole_number(0))
STALE_DAYS = policies.declare(
    "network.stale_days",
    gettext_lazy("A handle with no new count for this many days is stale"),
    "60", policies.whole_number(7, 365))
REMINDER_DAY = policies.declare(
    "network.reminder_day",
    gettext_lazy("Day of the month when members are reminded to enter their counts"),
    "1", policies.whole_number(1, 28))


def get(spec):
    return policies.get(spec)
