"""Vacancies bench (issue 13): the set-based rebuild of every counter, the unit page's vacancy
block at state and district level, and what the counters add to giving and ending a post.

Run by the harness (`make bench BENCH_ARGS="--only vacancies"`) as run(ctx). Posts are changed only
inside transactions rolled back, so the database is left as it was (the rebuild rewrites the
counters with the same values)."""

import random
import time

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

SAMPLES = {"small": 100, "bihar": 300, "india": 300}
GIVE_END = {"small": 50, "bihar": 200, "india": 200}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _block(unit) -> str:
    """The block as the unit page makes it: from the children the page reads anyway."""
    from sampark.org import selectors
    from sampark.people import vacancies

    children = list(selectors.children(unit))
    with translation.override("hi"):
        return render_to_string("people/_vacancies.html", {"unit": unit, **vacancies.unit_block(unit, children)})


def _block_p95(ctx, name: str, unit, n: int) -> None:
    _block(unit)
    times = []
    for _i in range(n):
        t0 = time.perf_counter()
        _block(unit)
        times.append(time.perf_counter() - t0)
    ctx.record(f"vacancies.{name}_block_p50", _ms(pct(times, 50)), "ms")
    ctx.record(f"vacancies.{name}_block_p95", _ms(pct(times, 95)), "ms", target=50 if name == "state" else None)


class _Undo(Exception):
    pass


def _give_end(booth_ids: list[int], hook: bool) -> list[float]:
    """For each booth: end all its social-media workers but one (not timed), then time ending the
    last (the booth becomes empty) and giving the post back (filled again); rolled back."""
    from sampark.people import services, vacancies
    from sampark.people.models import Post, Role, Team

    real = vacancies.post_changed
    times = []
    for booth_id in booth_ids:
        try:
            with transaction.atomic():
                posts = list(Post.objects.filter(unit_id=booth_id, role=Role.WORKER, team=Team.SOCIAL_MEDIA,
                                                 active=True).select_related("person", "unit").order_by("pk"))
                if not posts:
                    raise _Undo
                for p in posts[1:]:
                    services.end_post(None, p)
                last = posts[0]
                if not hook:
                    vacancies.post_changed = lambda post: None
                try:
                    t0 = time.perf_counter()
                    services.end_post(None, last)
                    services._give_post(None, person=last.person, unit=last.unit, role=last.role, team=last.team)
                    times.append(time.perf_counter() - t0)
                finally:
                    vacancies.post_changed = real
                raise _Undo
        except _Undo:
            pass
    return times


def run(ctx) -> None:
    from sampark.org.models import Unit
    from sampark.people import vacancies
    from sampark.people.models import UnitVacancy

    vacancies.ensure_default_plan()
    ctx.record("vacancies.rebuild_all", round(ctx.timed(vacancies.rebuild_vacancies, repeat=3) / 1000, 2), "s")
    ctx.record("vacancies.rows", UnitVacancy.objects.count(), "rows")
    state = Unit.objects.filter(level__code="state").order_by("-member_count", "pk").first()
    district = Unit.objects.filter(parent=state).order_by("-member_count", "pk").first()
    n = SAMPLES.get(ctx.scale, 300)
    _block_p95(ctx, "state", state, n)
    _block_p95(ctx, "district", district, n)

    rng = random.Random(13)
    booths = list(Unit.objects.filter(level__code="booth", path__startswith=district.path)
                  .values_list("pk", flat=True)[:5000])
    sample = rng.sample(booths, min(len(booths), GIVE_END.get(ctx.scale, 200)))
    without = _give_end(sample, hook=False)
    with_hook = _give_end(sample, hook=True)
    ctx.record("vacancies.end_and_give_without_counters_p50", _ms(pct(without, 50)), "ms")
    ctx.record("vacancies.end_and_give_with_counters_p50", _ms(pct(with_hook, 50)), "ms")
    ctx.record("vacancies.end_and_give_with_counters_p95", _ms(pct(with_hook, 95)), "ms")
    ctx.record("vacancies.counters_extra_per_post_change_p50",
               _ms((pct(with_hook, 50) - pct(without, 50)) / 2), "ms")
