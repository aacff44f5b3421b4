"""A unit's network as the rows an export writes (sampark.core.tables writes CSV and Excel):
(a) its children with their figures, (b) the handles in its subtree that the viewer may see
(Handle.objects.visible_to: active handles within the chain above the member's unit; a hidden one
never, not even the viewer's own). Members by name only, no phone numbers; each handle's unit as the
names of its path from the viewer's top unit down (org.exports.PathNames)."""

from collections.abc import Iterator

from django.utils import translation
from django.utils.translation import gettext as _

from sampark.core.names import pick
from sampark.network.models import Handle
from sampark.network.selectors import Agg
from sampark.org.exports import PathNames

CHUNK = 2000
KINDS = ("children", "handles")


def children_columns() -> list[str]:
    return [_("Unit"), _("Code"), _("Booths"), _("Booths with a handle"), _("Coverage %"), _("Handles"),
            _("Reach"), _("Growth in 30 days"), _("Growth in 30 days %"), _("Growth in 90 days"),
            _("Growth in 90 days %"), _("New in 30 days"), _("Unverified"), _("Stale")]


def children_rows(net) -> Iterator[list]:
    """One row per child of the unit, in the page's order (by growth %)."""
    for r in net.children:
        a = r["agg"] or Agg()
        yield [r["unit"].name, r["unit"].code or "", r["booths_total"], r["covered"],
               "" if r["share"] is None else r["share"], a.handles, a.reach, a.growth_30,
               "" if a.growth_30_pct is None else a.growth_30_pct, a.growth_90,
               "" if a.growth_90_pct is None else a.growth_90_pct, a.new_30, a.unverified, a.stale]


def handles_queryset(person, unit):
    """The handles of the unit's subtree the viewer may see: active ones only."""
    return (Handle.objects.visible_to(person).in_subtree(unit.path).filter(status=Handle.Status.ACTIVE)
            .order_by("unit_path", "platform__position", "pk"))


def handles_columns() -> list[str]:
    return [_("Member"), _("Unit"), _("Platform"), _("Handle"), _("Link"), _("Latest count"), _("Date"),
            _("Verified")]


def handles_rows(qs, roots: list[str]) -> Iterator[list]:
    """``roots``: the subtrees unit names may start from (the viewer's)."""
    names = PathNames(roots)
    lang = names.lang
    with translation.override(lang):
        yes, no = _("Yes"), _("No")
    values = qs.values_list("person__name_hi", "person__name_en", "unit_path", "platform__name_hi",
                            "platform__name_en", "handle", "url", "latest_count", "latest_date", "verified_at")
    batch: list[tuple] = []

    def out(chunk):
        names.prepare(r[2] for r in chunk)
        for hi, en, path, p_hi, p_en, handle, url, count, day, verified_at in chunk:
            yield [pick(hi, en, lang), names.text(path), pick(p_hi, p_en, lang), handle, url,
                   "" if count is None else count, day.isoformat() if day else "", yes if verified_at else no]

    for row in values.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield from out(batch)
            batch = []
    yield from out(batch)
