"""Load time of the demo organisation at this scale, and a few basic reads at that size."""

from sampark.core.models import AuditEntry
from sampark.demo.data import SCALES
from sampark.org.models import Unit
from sampark.org.selectors import children
from sampark.people.models import Person

LOAD_TARGET_S = 180


def run(ctx) -> None:
    last = AuditEntry.objects.filter(action="demo.load").order_by("-pk").first()
    seconds = ctx.load_seconds if ctx.load_seconds is not None else (last.after or {}).get("seconds")
    if seconds is not None:
        ctx.record(f"demo load, {ctx.scale} scale", seconds, "s", target=LOAD_TARGET_S if ctx.scale != "small" else 10)
    after = last.after if last else {}
    for key in ("units", "people"):
        if key in after:
            ctx.record(f"{key} loaded", after[key], "rows")
    if after.get("people") and seconds:
        ctx.record("people loaded per second (with posts and tokens)", round(after["people"] / seconds), "rows/s")
    assert ctx.scale in SCALES

    bihar = Unit.objects.get(level__code="state", code="S04")
    patna = Unit.objects.get(level__code="district", code="230")
    worker_phone = "+919900000004"

    def state_children():
        return [(u.name, u.member_count) for u in children(bihar)]

    def district_constituencies():
        return [(u.name, u.code, u.member_count) for u in children(patna)]

    def booth_worker_visible():
        worker = Person.objects.get(phone=worker_phone)  # fresh: no cached visible roots
        return list(Unit.objects.visible_to(worker).select_related("level")[:50])

    assert len(state_children()) == 38 and len(district_constituencies()) == 14
    assert len(booth_worker_visible()) == 1
    ctx.record("Bihar's 38 districts with member counts", ctx.timed(state_children), "ms")
    ctx.record("Patna's 14 constituencies with member counts", ctx.timed(district_constituencies), "ms")
    ctx.record("visible_to(booth worker): units listed", ctx.timed(booth_worker_visible), "ms")
