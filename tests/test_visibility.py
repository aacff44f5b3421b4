"""The one visibility rule, checked with personas and as a property over random trees."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampark.org.models import Level, Unit
from sampark.org.services import create_unit
from sampark.people.models import Person, Role
from sampark.people.services import add_post, create_person


def visible_ids(person):
    return set(Unit.objects.visible_to(person).values_list("pk", flat=True))


def subtree_ids(unit):
    return set(Unit.objects.in_subtree(unit.path).values_list("pk", flat=True))


def test_state_admin_sees_the_whole_state_but_not_another(world):
    seen = visible_ids(world.state_admin)
    assert seen == subtree_ids(world.bihar)
    assert world.up.pk not in seen and world.centre.pk not in seen


def test_it_hides_sibling_district(world):
    seen = visible_ids(world.patna_coord)
    assert world.patna_booth.pk in seen
    assert world.gaya.pk not in seen and world.gaya_booth.pk not in seen and world.bihar.pk not in seen


def test_booth_worker_sees_only_the_booth(world):
    assert visible_ids(world.patna_worker) == {world.patna_booth.pk}


def test_people_visible_follow_the_units(world):
    seen = set(Person.objects.visible_to(world.patna_coord).values_list("pk", flat=True))
    assert seen == {world.patna_coord.pk, world.patna_worker.pk}
    seen = set(Person.objects.visible_to(world.state_admin).values_list("pk", flat=True))
    assert world.up_coord.pk not in seen and world.gaya_worker.pk in seen


def test_person_without_post_sees_nothing_but_themselves(db):
    p = create_person(None, phone="9876543210", name_en="Nobody")
    assert visible_ids(p) == set()
    assert list(Person.objects.visible_to(p)) == [p]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parents=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=25),
    holders=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=4),
    others=st.lists(st.integers(min_value=0, max_value=1000), max_size=6),
)
def test_what_a_person_sees_equals_their_subtrees(parents, holders, others):
    level = Level.objects.order_by("rank").first()
    deeper = list(Level.objects.order_by("rank"))
    root = create_unit(None, parent=None, level=level, name_en="root")
    units = [root]
    for i, p in enumerate(parents):
        parent = units[p % len(units)]
        rank_index = deeper.index(parent.level) + 1
        if rank_index >= len(deeper):
            parent = root
            rank_index = 1
        units.append(create_unit(None, parent=parent, level=deeper[rank_index], name_en=f"u{i}"))
    person = create_person(None, phone=f"+9199{len(Person.objects.all()):08d}", name_en="Tester")
    held = [units[h % len(units)] for h in holders]
    for u in held:
        add_post(None, person=person, unit=u, role=Role.WORKER)
    members = {}
    for o in others:
        other = create_person(None, phone=f"+9198{Person.objects.count():08d}", name_en="Other")
        members[other.pk] = units[o % len(units)]
        add_post(None, person=other, unit=members[other.pk], role=Role.COORDINATOR)
    expected = set()
    for u in held:
        expected |= {x.pk for x in units if x.path.startswith(u.path)}
    assert visible_ids(person) == expected
    seen_people = set(Person.objects.visible_to(person).values_list("pk", flat=True))
    assert seen_people == {person.pk} | {pk for pk, unit in members.items() if unit.pk in expected}


# --- the one route in core.visibility ---------------------------------------------------------------

def test_no_roots_match_nothing_never_everything(world):
    from sampark.core.visibility import subtree_q
    from sampark.people.models import Post

    assert not Unit.objects.filter(subtree_q("path", [])).exists()
    assert Unit.objects.in_subtrees([]).count() == 0
    assert not Post.objects.filter(subtree_q("unit_path", [])).exists()
    both = set(Unit.objects.filter(subtree_q("path", [world.patna.path, world.gaya_booth.path]))
               .values_list("pk", flat=True))
    assert both == subtree_ids(world.patna) | {world.gaya_booth.pk}


@pytest.mark.parametrize("nobody", [None, Person()])
def test_nobody_sees_anything(world, nobody, django_assert_num_queries):
    from sampark.difficulties.models import ActionItem, Difficulty
    from sampark.directives.models import Directive
    from sampark.people.models import Post
    from sampark.reports.models import Report

    with django_assert_num_queries(0):
        for model in (Unit, Person, Post, Report, Difficulty, ActionItem, Directive):
            assert list(model.objects.visible_to(nobody)) == [], model


def test_get_visible_or_404_takes_a_model_or_a_queryset_and_hides_the_forbidden(world):
    from django.http import Http404

    from sampark.core.visibility import get_visible_or_404

    assert get_visible_or_404(Unit, world.patna_coord, pk=world.patna_booth.pk) == world.patna_booth
    qs = Unit.objects.select_related("level")
    assert get_visible_or_404(qs, world.patna_coord, pk=world.patna.pk) == world.patna
    for pk in (world.gaya.pk, world.bihar.pk, 10**9):  # forbidden, above, missing: all the same
        with pytest.raises(Http404):
            get_visible_or_404(qs, world.patna_coord, pk=pk)
    with pytest.raises(Http404):
        get_visible_or_404(Unit, None, pk=world.patna.pk)


def test_roots_are_read_once_per_person_object(world, django_assert_num_queries):
    from sampark.people.services import add_post

    me = Person.objects.get(pk=world.patna_coord.pk)
    with django_assert_num_queries(1):
        assert me.visible_roots() == [world.patna.path]
        assert me.visible_roots() == [world.patna.path]
    add_post(None, person=me, unit=world.gaya_booth, role=Role.WORKER)  # forgets the cached roots
    assert me.visible_roots() == [world.patna.path, world.gaya_booth.path]
    assert me.leading_roots() == [world.patna.path]


def test_own_items_are_seen_outside_the_subtrees(world):
    """also_visible: what a person raised, was given or owns follows them."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from sampark.difficulties.models import ActionItem, Difficulty
    from sampark.difficulties.services import add_action_item, raise_difficulty

    d, _ = raise_difficulty(world.gaya_worker, id=uuid.uuid4(), unit=world.gaya_booth, category="content",
                            text="x", now=timezone.now())
    item = add_action_item(world.gaya_coord, world.gaya_ac, owner=world.gaya_worker, text="y",
                           due_on=timezone.localdate() + timedelta(days=2), now=timezone.now())
    assert list(ActionItem.objects.visible_to(world.gaya_worker)) == [item]  # above their booth
    assert list(ActionItem.objects.visible_to(world.patna_coord)) == []
    assert list(Difficulty.objects.visible_to(world.gaya_worker)) == [d]
    assert list(Difficulty.objects.visible_to(world.patna_coord)) == []


def test_every_model_with_a_unit_path_is_path_scoped():
    """A model that stores where it sits in the tree answers visible_to by the one route; the
    queues and token tables that no person reads are named here with the reason."""
    from django.apps import apps

    from sampark.core.fields import PathField
    from sampark.core.visibility import PathScopedQuerySet

    internal = {
        "reports.RollupPending": "the roll-up queue, read only by the fold job",
        "network.NetworkPending": "the network's roll-up queue, read only by the fold job",
        "network.NetworkTotal": "per-unit sums read for a unit that came through Unit.visible_to, keyed by unit id",
        "directives.PendingCount": "the receipt-counter queue, read only by the fold job",
        "org.UnitToken": "search tokens, not paths (read through Unit.visible_to)",
        "people.PersonToken": "search tokens, not paths (read through Person.visible_to)",
    }
    unscoped = []
    for model in apps.get_models():
        if not model.__module__.startswith("sampark."):
            continue
        if any(isinstance(f, PathField) for f in model._meta.get_fields()) and model._meta.label not in internal:
            if not isinstance(model._default_manager.all(), PathScopedQuerySet):
                unscoped.append(model._meta.label)
    assert unscoped == []


def test_search_shows_nothing_to_someone_without_a_post(world, login_as):
    from sampark.people.models import Post

    nobody = create_person(None, phone="+919000000099", name_hi="कोई नहीं", name_en="No Post")
    assert not Post.objects.visible_to(nobody).exists()
    client = login_as(nobody)
    for q in ("Manan", "मनन", "Patna", "पटना", "Booth", "बूथ", "Ritesh"):
        html = client.get("/search/", {"q": q}).content.decode()
        for name in ("Manan Krishna", "मनन कृष्ण", "Ritesh Ranjan", "रितेश रंजन", "बूथ 1", "Booth 1", "Bankipur",
                     "बाँकीपुर", "/units/"):
            assert name not in html.replace(q, ""), (q, name)
