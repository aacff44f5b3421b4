"""Vacancies (issue 13): the post plan, counters kept as posts are given and ended, units created
and subtrees moved, equal at every step to a count from scratch; the pages and the API."""

import random

import pytest

from sampark.org.models import Level, Unit
from sampark.org.services import create_unit, move_unit
from sampark.people import services, vacancies
from sampark.people.models import Post, PostPlan, Role, Team, UnitVacancy


@pytest.fixture
def plan(db):
    vacancies.ensure_default_plan()  # gone if a transactional test flushed the database before
    return {(p.level.code, p.role, p.team): p for p in PostPlan.objects.select_related("level")}


@pytest.fixture
def world(plan):
    from tests.personas import build_world

    return build_world()


def _line(unit, plan_item):
    row = UnitVacancy.objects.filter(unit=unit, plan=plan_item).first()
    return (row.planned, row.empty) if row else (0, 0)


def test_the_migration_installs_the_plan(plan):
    assert set(plan) == {("booth", "head", "organisation"), ("booth", "worker", "social_media"),
                         ("mandal", "coordinator", "")}
    assert plan[("booth", "worker", "social_media")].label_en == "booth social-media worker"


def test_a_new_booth_is_empty_until_a_worker_is_given_and_again_when_the_post_ends(world, plan):
    sm = plan[("booth", "worker", "social_media")]
    head = plan[("booth", "head", "organisation")]
    # The personas' booth workers are social-media workers: Patna's booth is filled, its head is not.
    assert _line(world.patna_booth, sm) == (1, 0)
    assert _line(world.patna_booth, head) == (1, 1)
    assert _line(world.bihar, sm) == (2, 0)
    assert _line(world.centre, head) == (2, 2)
    kendra = world.patna_booth.parent
    booth = create_unit(None, parent=kendra, level=Level.objects.get(code="booth"), name_en="Booth 3")
    assert _line(booth, sm) == (1, 1)
    assert _line(world.patna, sm) == (2, 1)
    assert _line(world.centre, sm) == (3, 1)
    person = services.create_person(None, phone="9876500001", name_en="Asha")
    post = services.add_post(None, person=person, unit=booth, role=Role.WORKER, team=Team.SOCIAL_MEDIA)
    assert _line(world.patna, sm) == (2, 0)
    # A second worker there changes nothing; the booth is empty again only when both posts end.
    other = services.create_person(None, phone="9876500002", name_en="Bela")
    second = services.add_post(None, person=other, unit=booth, role=Role.WORKER, team=Team.SOCIAL_MEDIA)
    services.end_post(None, post)
    assert _line(world.patna, sm) == (2, 0)
    services.end_post(None, second)
    assert _line(world.patna, sm) == (2, 1)
    assert _line(world.centre, sm) == (3, 1)
    # A worker of another team does not fill it; a mandal coordinator of any team fills the mandal's.
    services.add_post(None, person=person, unit=booth, role=Role.WORKER, team=Team.IT)
    assert _line(world.patna, sm) == (2, 1)
    mandal = kendra.parent
    coord = plan[("mandal", "coordinator", "")]
    assert _line(world.patna, coord) == (1, 1)
    services.add_post(None, person=other, unit=mandal, role=Role.COORDINATOR, team=Team.IT)
    assert _line(world.patna, coord) == (1, 0)
    assert vacancies.counters() == vacancies.recount()


def test_a_moved_subtree_takes_its_vacancies_along(world, plan):
    sm = plan[("booth", "worker", "social_media")]
    head = plan[("booth", "head", "organisation")]
    gaya_kendra = world.gaya_booth.parent
    move_unit(None, world.patna_booth, gaya_kendra)
    assert _line(world.patna, sm) == (0, 0)
    assert _line(world.gaya, head) == (2, 2)
    assert not UnitVacancy.objects.filter(unit=world.patna, plan=sm).exists()  # no row where nothing is planned
    assert UnitVacancy.objects.get(unit=world.patna_booth, plan=sm).unit_path == Unit.objects.get(
        pk=world.patna_booth.pk).path
    assert vacancies.counters() == vacancies.recount()


def _units(level: str) -> list[Unit]:
    return list(Unit.objects.filter(level__code=level).order_by("pk"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_keep_the_counters_equal_to_a_recount(world, plan, seed):
    """Posts given, ended and given again, units created, subtrees moved, plan items added and
    removed, in a random order: after every step the counters equal a count from scratch, and the
    SQL rebuild gives the same rows."""
    rng = random.Random(seed)
    levels = {lv.code: lv for lv in Level.objects.all()}
    below = {"assembly": "mandal", "mandal": "shakti_kendra", "shakti_kendra": "booth"}
    above = {v: k for k, v in below.items()}
    centre_leader = services.create_person(None, phone="9876500100", name_en="Centre")
    services.add_post(None, person=centre_leader, unit=world.centre, role=Role.INCHARGE, team=Team.ORGANISATION)
    roles = [(Role.WORKER, Team.SOCIAL_MEDIA), (Role.HEAD, Team.ORGANISATION), (Role.WORKER, Team.IT),
             (Role.COORDINATOR, Team.ORGANISATION), (Role.COORDINATOR, Team.SOCIAL_MEDIA)]
    phones = iter(range(9876510000, 9876520000))
    people = [services.create_person(None, phone=str(next(phones)), name_en=f"P{i}") for i in range(6)]
    for step in range(60):
        op = rng.choice(["unit", "unit", "give", "give", "give", "end", "end", "move", "plan"])
        if op == "unit":
            level = rng.choice(["mandal", "shakti_kendra", "booth"])
            parent = rng.choice(_units(above[level]))
            create_unit(None, parent=parent, level=levels[level], name_en=f"U{step}")
        elif op == "give":
            unit = rng.choice(_units(rng.choice(["mandal", "shakti_kendra", "booth"])))
            role, team = rng.choice(roles)
            services.add_post(None, person=rng.choice(people), unit=unit, role=role, team=team)
        elif op == "end":
            posts = list(Post.objects.filter(active=True, person__in=people).order_by("pk"))
            if posts:
                services.end_post(None, rng.choice(posts))
        elif op == "move":
            level = rng.choice(["mandal", "shakti_kendra", "booth"])
            move_unit(None, rng.choice(_units(level)), rng.choice(_units(above[level])))
        else:
            extra = PostPlan.objects.filter(level__code="shakti_kendra").first()
            if extra is None:
                vacancies.add_plan_item(centre_leader, level="shakti_kendra", role=rng.choice(roles)[0],
                                        team=rng.choice(["", Team.ORGANISATION]), label_en="kendra post")
            else:
                vacancies.remove_plan_item(centre_leader, extra)
        assert vacancies.counters() == vacancies.recount(), f"step {step}: {op}"
    vacancies.rebuild_vacancies()
    assert vacancies.counters() == vacancies.recount()
    assert not UnitVacancy.objects.filter(planned=0).exists()


def test_the_rebuild_counts_what_was_written_without_the_services(world, plan):
    sm = plan[("booth", "worker", "social_media")]
    UnitVacancy.objects.all().delete()
    assert vacancies.rebuild_vacancies() > 0
    assert _line(world.bihar, sm) == (2, 0)
    assert UnitVacancy.objects.get(unit=world.patna_booth, plan=sm).leaf
    assert vacancies.counters() == vacancies.recount()


# --- pages and the API ------------------------------------------------------------------------------

@pytest.fixture
def centre_leader(world):
    person = services.create_person(None, phone="9876500200", name_en="Centre Leader")
    services.add_post(None, person=person, unit=world.centre, role=Role.INCHARGE, team=Team.ORGANISATION)
    return person


def test_the_unit_page_shows_the_vacancies_and_the_children_most_vacant_first(world, plan, login_as):
    client = login_as(world.state_admin, "en")
    booth = create_unit(None, parent=world.gaya_booth.parent, level=Level.objects.get(code="booth"), name_en="B3")
    body = client.get(f"/units/{world.bihar.pk}/").content.decode()
    assert "3 of 3 booths without a head" in body
    assert "1 of 3 booths without a social-media worker" in body
    assert "2 of 2 mandals without a coordinator" in body
    # Gaya (2 of its 4 booth posts empty, and its mandal) comes before Patna.
    assert body.index(f'href="/units/{world.gaya.pk}/#vacancies"') < body.index(f'href="/units/{world.patna.pk}/#vacancies"')
    sm = plan[("booth", "worker", "social_media")]
    page = client.get(f"/people/vacancies/{world.bihar.pk}/{sm.pk}/").content.decode()
    assert f"/units/{booth.pk}/" in page and f"/units/{world.patna_booth.pk}/" not in page
    assert f"/people/new/?unit={booth.pk}&amp;role=worker&amp;team=social_media" in page
    hindi = login_as(world.state_admin).get(f"/units/{world.bihar.pk}/").content.decode()
    assert "3 में से 1 बूथों पर सोशल मीडिया कार्यकर्ता नहीं" in hindi


def test_the_empty_list_is_paged_and_a_worker_sees_no_fill_link(world, plan, login_as):
    head = plan[("booth", "head", "organisation")]
    kendra = world.patna_booth.parent
    booths = [create_unit(None, parent=kendra, level=Level.objects.get(code="booth"), name_en=f"B{i}")
              for i in range(55)]
    client = login_as(world.patna_coord, "en")
    first = client.get(f"/people/vacancies/{world.patna.pk}/{head.pk}/").content.decode()
    assert first.count('class="fill"') == 50 and 'rel="next"' in first
    second = client.get(f"/people/vacancies/{world.patna.pk}/{head.pk}/", {"page": "2"}).content.decode()
    assert second.count('class="fill"') == 6 and f"/units/{booths[-1].pk}/" in second
    worker = login_as(world.patna_worker, "en").get(f"/people/vacancies/{world.patna_booth.pk}/{head.pk}/")
    assert worker.status_code == 200 and 'class="fill"' not in worker.content.decode()


def test_the_fill_link_sets_role_and_team_in_the_add_member_form(world, login_as):
    client = login_as(world.patna_coord, "en")
    body = client.get("/people/new/", {"unit": world.patna_booth.pk, "role": "head",
                                       "team": "organisation"}).content.decode()
    assert '<option value="head" selected>' in body and '<option value="organisation" selected>' in body
    body = client.get("/people/new/", {"unit": world.patna_booth.pk, "role": "boss", "team": "x"}).content.decode()
    assert '<option value="worker" selected>' in body


def test_a_leader_home_page_names_the_vacancies_where_they_lead(world, plan, login_as):
    body = login_as(world.patna_coord, "en").get("/").content.decode()
    assert "1 of 1 booths without a head" in body
    assert "without" not in login_as(world.patna_worker, "en").get("/").content.decode()


def test_only_the_centre_leaders_edit_the_plan(world, plan, centre_leader, login_as):
    from sampark.core.audit import AuditEntry

    for someone in (world.state_admin, world.patna_coord):
        client = login_as(someone, "en")
        assert client.get("/people/post-plan/").status_code == 404
        assert client.post("/people/post-plan/", {"level": "booth", "role": "worker", "label_en": "x"}).status_code == 404
    client = login_as(centre_leader, "en")
    assert "booth social-media worker" in client.get("/people/post-plan/").content.decode()
    bad = client.post("/people/post-plan/", {"level": "nowhere", "role": "boss", "label_en": ""})
    assert bad.status_code == 400 and "Unknown level." in bad.content.decode()
    same = client.post("/people/post-plan/", {"level": "booth", "role": "worker", "team": "social_media",
                                              "label_en": "again"})
    assert same.status_code == 400 and "already has this post" in same.content.decode()
    assert PostPlan.objects.count() == 3
    r = client.post("/people/post-plan/", {"level": "shakti_kendra", "role": "coordinator", "team": "",
                                           "label_hi": "शक्ति केंद्र संयोजक", "label_en": "kendra coordinator",
                                           "missing_en": "kendras without a coordinator"})
    assert r.status_code == 302
    item = PostPlan.objects.get(level__code="shakti_kendra")
    assert _line(world.bihar, item) == (2, 2)
    assert AuditEntry.objects.filter(action="post_plan.add", object_id=str(item.pk)).exists()
    assert "2 of 2 kendras without a coordinator" in client.get(f"/units/{world.bihar.pk}/").content.decode()
    assert client.post(f"/people/post-plan/{item.pk}/remove/").status_code == 302
    assert not UnitVacancy.objects.filter(plan_id=item.pk).exists()
    assert AuditEntry.objects.filter(action="post_plan.remove", object_id=str(item.pk)).exists()
    assert client.post(f"/people/post-plan/{item.pk}/remove/").status_code == 404


def test_the_api_gives_the_unit_and_its_children(world, plan, client, api_as):
    sm = plan[("booth", "worker", "social_media")]
    r = client.get(f"/api/v1/units/{world.bihar.pk}/vacancies", **api_as(world.state_admin))
    assert r.status_code == 200
    body = r.json()
    line = next(p for p in body["plan"] if p["id"] == sm.pk)
    assert line == {"id": sm.pk, "level": "booth", "role": "worker", "team": "social_media",
                    "label": "बूथ सोशल मीडिया कार्यकर्ता", "planned": 2, "empty": 0}
    assert {(c["unit"]["id"], c["plan"]) for c in body["children"]} >= {(world.patna.pk, sm.pk), (world.gaya.pk, sm.pk)}
    assert client.get(f"/api/v1/units/{world.gaya.pk}/vacancies", **api_as(world.patna_coord)).status_code == 404


def test_the_demo_load_counts_its_vacancies(plan):
    from sampark.demo import loader

    loader.load("small", reset=True)
    stored = vacancies.counters()
    assert stored and stored == vacancies.recount()
    centre = Unit.objects.get(level__code="centre")
    booths = Unit.objects.filter(level__code="booth").count()
    assert _line(centre, plan[("booth", "head", "organisation")]) == (booths, 0)  # every demo booth has a head


def test_the_map_colours_the_districts_by_vacancies(world, plan, login_as):
    import re

    from sampark.org.services import rename_unit

    rename_unit(None, world.patna, name_hi="पटना", name_en="Patna", code="230")
    rename_unit(None, world.gaya, name_hi="गया", name_en="Gaya", code="236")
    create_unit(None, parent=world.gaya_booth.parent, level=Level.objects.get(code="booth"), name_en="B3")
    sm = plan[("booth", "worker", "social_media")]
    client = login_as(world.state_admin, "en")
    plain = client.get(f"/reports/units/{world.bihar.pk}/map/").content.decode()
    assert f"vacancy={sm.pk}" in plain
    body = client.get(f"/reports/units/{world.bihar.pk}/map/", {"vacancy": sm.pk}).content.decode()
    assert "Per cent vacant: booth social-media worker" in body
    values = dict(re.findall(r'data-unit="(\d+)" data-value="(\d+)"', body))
    assert values == {str(world.gaya.pk): "50", str(world.patna.pk): "0"}
