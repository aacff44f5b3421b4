"""What needs me now (issue 14): core.attention at the demo's scale, for the state in-charge, a
district coordinator and a booth worker. Counts only (the pages' poll, every 10 s per open page) and
with items (the home page, the API), in queries and median milliseconds, each call on a person as a
new request would have it (nothing cached on the object).

Run by the harness as run(ctx). Everything it adds carries BENCH_TAG and is deleted at the end: 400
directives over the state and its districts (a tenth of them the in-charge's, past their due time,
asking a report, 3 of them with their per-unit counters), 200 difficulties waiting at the state and
the districts, and 20 action items of the in-charge's.
"""

import uuid
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

BENCH_TAG = "[bench-attention]"
DIRECTIVES, DIFFICULTIES, ITEMS = 400, 200, 20


def _people():
    from sampark.org.models import Unit
    from sampark.people.models import LEADING_ROLES, Post

    state = Unit.objects.filter(level__code="state").order_by("-member_count", "pk").first()
    lead = Post.objects.filter(unit=state, role__in=LEADING_ROLES, active=True).first()
    district = (Post.objects.filter(unit__parent=state, unit__level__code="district", role__in=LEADING_ROLES,
                                    active=True).order_by("unit_path").first())
    booth = (Post.objects.filter(unit_path__startswith=district.unit_path, unit__level__code="booth",
                                 active=True).order_by("unit_path").first())
    if not (state and lead and district and booth):
        raise RuntimeError("bench_attention needs the demo organisation")
    return state, {"state": lead.person, "district": district.person, "booth": booth.person}


def _seed(state, people) -> None:
    from sampark.difficulties.models import ActionItem, Difficulty, DifficultyCategory
    from sampark.directives import counters
    from sampark.directives.models import Directive
    from sampark.org.models import Unit
    from sampark.reports.models import ReportType

    now = timezone.now()
    lead = people["state"]
    districts = list(Unit.objects.filter(parent=state).order_by("path"))
    meeting = ReportType.objects.filter(code="meeting").first()
    rows = []
    for i in range(DIRECTIVES):
        mine = i % 10 == 0
        unit = state if mine or i % 3 == 0 else districts[i % len(districts)]
        rows.append(Directive(author=lead, target_unit=unit, target_path=unit.path, title=f"{BENCH_TAG} {i}",
                              status=Directive.Status.PUBLISHED, published_at=now - timedelta(hours=DIRECTIVES - i),
                              due_at=now - timedelta(hours=1) if mine else now + timedelta(days=1),
                              required_report_type=meeting if mine else None,
                              priority="urgent" if i % 7 == 0 else "normal"))
    made = Directive.objects.bulk_create(rows, batch_size=1000)
    for d in [d for d in made if d.required_report_type_id][-3:]:
        counters.compute_expected(Directive.objects.get(pk=d.pk))
    category = DifficultyCategory.objects.order_by("pk").first()
    raiser = people["booth"]
    booth = Unit.objects.get(path=raiser.posts.filter(active=True).first().unit_path)
    diffs = []
    for i in range(DIFFICULTIES):
        handler = state if i % 4 == 0 else districts[i % len(districts)]
        diffs.append(Difficulty(id=uuid.uuid4(), raised_by=raiser, unit=booth, unit_path=booth.path,
                                handling_unit=handler, handling_path=handler.path, category=category,
                                text=f"{BENCH_TAG} {i}", status="open", due_at=now + timedelta(hours=i - 50),
                                escalations=1 if i % 4 == 0 else 0, created_at=now, updated_at=now, body_hash="x"))
    Difficulty.objects.bulk_create(diffs, batch_size=1000)
    ActionItem.objects.bulk_create([
        ActionItem(unit=state, unit_path=state.path, created_by=lead, owner=lead, text=f"{BENCH_TAG} {i}",
                   due_on=timezone.localdate() + timedelta(days=i - 5), created_at=now) for i in range(ITEMS)])


def _cleanup() -> None:
    from sampark.difficulties.models import ActionItem, Difficulty
    from sampark.directives.models import Directive

    Directive.objects.filter(title__startswith=BENCH_TAG).delete()
    Difficulty.objects.filter(text__startswith=BENCH_TAG).delete()
    ActionItem.objects.filter(text__startswith=BENCH_TAG).delete()


def _fresh(person):
    """The person as a new request has it: nothing cached on the object."""
    person.forget_roots()
    person.__dict__.pop("_directive_post_keys", None)
    return person


def run(ctx) -> None:
    from sampark.core.attention import attention_for, counts_for
    from sampark.directives.policies import silent_below_percent

    state, people = _people()
    _cleanup()
    try:
        _seed(state, people)
        silent_below_percent()  # policies are kept in the process
        for name, person in people.items():
            for label, fn in (("counts", counts_for), ("items", attention_for)):
                with CaptureQueriesContext(connection) as q:
                    got = fn(_fresh(person))
                ctx.record(f"attention.{label}_{name}_queries", len(q), "queries")
                ctx.record(f"attention.{label}_{name}_ms", ctx.timed(lambda f=fn, p=person: f(_fresh(p)), repeat=7),
                           "ms", target=50 if label == "counts" else 100)
            print(f"    {name}: {dict((k, v) for k, v in got.counts.items() if v)}", flush=True)
    finally:
        _cleanup()
