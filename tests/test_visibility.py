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
