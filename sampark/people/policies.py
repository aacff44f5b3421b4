"""Member and privacy policies (see core.policies): how long an erasure waits for the member's
coordinator, when inactive members are erased, and how many phone numbers one person may reveal
in a day before their superior is told. The privacy notice lists these durations."""

from django.utils.translation import gettext_lazy as _

from sampark.core import policies

ERASURE_GRACE_DAYS = policies.declare(
    "people.erasure_grace_days",
    _("Days after a member asks for erasure (or withdraws consent) before it takes effect, unless their "
      "coordinator confirms it sooner"),
    "7", policies.whole_number(minimum=0, maximum=90))
INACTIVE_ERASE_DAYS = policies.declare(
    "people.inactive_erase_days",
    _("Days after which a member with no post and no log-in is erased"),
    "730", policies.whole_number(minimum=30))
DAILY_PHONE_REVEALS = policies.declare(
    "people.daily_phone_reveals",
    _("Phone numbers one person may reveal in a day before their superior is told"),
    "50", policies.whole_number(minimum=1))


def erasure_grace_days() -> int:
    return policies.get(ERASURE_GRACE_DAYS)


def inactive_erase_days() -> int:
    return policies.get(INACTIVE_ERASE_DAYS)


def daily_phone_reveals() -> int:
    return policies.get(DAILY_PHONE_REVEALS)
