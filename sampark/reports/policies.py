"""Report policies (see core.policies): the level down to which daily roll-ups are kept.

From the Centre down to that level a unit's subtree holds thousands to millions of reports, so
the fold keeps daily rows for it and dashboards read them; below it a subtree holds a few reports
a day, which dashboards count from the report rows. The cut is a depth in the tree: the level's
place in the ladder (Centre 0, state 1, ...), read off the Level rows, so it follows the ladder
an organisation defines. Changing it rebuilds the daily table in the same transaction; a change
of the ladder above the cut (a level added or re-ranked) moves the cut too, and needs
rollups.rebuild() as well."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampark.core import policies
from sampark.org.models import Level


def _depth_of_level(raw: str) -> int:
    ladder = list(Level.objects.order_by("rank").values_list("code", flat=True))
    code = raw.strip()
    if code not in ladder:
        raise policies.PolicyError(_("There is no level “{code}”. The levels are: {codes}.").format(
            code=code, codes=", ".join(ladder)))
    return ladder.index(code)


FOLD_LEVEL = policies.declare(
    "reports.fold_level",
    gettext_lazy("Daily report roll-ups are kept from the top down to this level (a level code); "
                 "below it dashboards count the reports"),
    "mandal", _depth_of_level)  # a change rebuilds the daily table: rollups asks for it (apps.py)


def fold_depth(*, fresh: bool = False) -> int:
    """Units at this depth and above have daily rows (root 0, state 1, district 2, ...). The fold
    reads it `fresh` for each batch: a batch folded to an old depth after the table was rebuilt to
    a new one would leave it wrong for good; a page that read an old depth is only wrong once."""
    return policies.get(FOLD_LEVEL, fresh=fresh)
