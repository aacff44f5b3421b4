"""The /api/v1 endpoints: answers, visibility (404 across districts), auth, bad input, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampark.org.models import Level
from sampark.org.services import create_unit
from sampark.people.auth import issue_token
from sampark.people.models import Role
from sampark.people.services import add_post, create_person
from tests.test_openapi import check


def test_me_lists_posts_with_units(client, world, api_as):
    body = check(client.get("/api/v1/me", **api_as(world.patna_coord)), "/api/v1/me")
    assert body["name_hi"] == "मनन कृष्ण" and body["phone"] == "+919000000002"
    assert [p["unit"]["id"] for p in body["posts"]] == [world.patna.pk]
    post = body["posts"][0]
    assert post["unit"]["level"]["code"] == "district" and post["unit"]["name_en"] == "Patna"
    assert post["role"] == "coordinator" and post["team"] == "social_media"


def test_api_needs_a_token(client, world):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer smp_nonsense").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Token " + issue_token(None, world.patna_worker)).status_code == 401


def test_every_endpoint_needs_auth(client, world):
    for url in ("/api/v1/me", f"/api/v1/units/{world.patna.pk}", f"/api/v1/units/{world.patna.pk}/children",
                f"/api/v1/units/{world.patna.pk}/people", "/api/v1/search?q=patna"):
        r = client.get(url)
        assert r.status_code == 401, url
        assert r.json() == {"detail": "Unauthorized"}


def test_the_web_session_works_too(client, world):
    from django.conf import settings

    from sampark.people.middleware import SESSION_KEY

    # conftest's login_as does not set the cookie of a signed-cookie session; do it here.
    session = client.session
    session[SESSION_KEY] = world.patna_worker.pk
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get("/api/v1/me").json()["name_en"] == "Vinod Tawde"
    assert client.get(f"/api/v1/units/{world.patna.pk}").status_code == 404


def test_revoked_token_stops_working(client, world):
    from sampark.people.auth import revoke_token
    from sampark.people.models import ApiToken

    key = issue_token(None, world.patna_worker)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + key).status_code == 200
    revoke_token(None, ApiToken.objects.get(person=world.patna_worker))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + key).status_code == 401


def test_unit_and_children_with_member_counts(client, world, api_as):
    h = api_as(world.state_admin)
    unit = check(client.get(f"/api/v1/units/{world.bihar.pk}", **h), "/api/v1/units/{unit_id}")
    assert unit["name_hi"] == "बिहार" and unit["child_count"] == 2 and unit["member_count"] == 5
    rows = check(client.get(f"/api/v1/units/{world.bihar.pk}/children", **h), "/api/v1/units/{unit_id}/children")
    rows = {row["name_en"]: row for row in rows}
    assert set(rows) == {"Patna", "Gaya"}
    assert rows["Patna"]["member_count"] == 2 and rows["Gaya"]["member_count"] == 2
    assert rows["Patna"]["child_count"] == 1 and rows["Patna"]["parent"] == world.bihar.pk


# (viewer, unit they must not see): another district, another state, above one's own unit.
FORBIDDEN = [("gaya_coord", "patna"), ("gaya_coord", "patna_booth"), ("gaya_coord", "bihar"),
             ("patna_coord", "gaya_ac"), ("up_coord", "patna"), ("up_coord", "bihar"),
             ("patna_worker", "patna"), ("patna_worker", "gaya_booth"), ("state_admin", "up"),
             ("state_admin", "centre"), ("gaya_worker", "patna_booth")]


@pytest.mark.parametrize(("viewer", "unit"), FORBIDDEN)
def test_another_districts_unit_is_404_on_every_endpoint(client, world, api_as, viewer, unit):
    h = api_as(getattr(world, viewer))
    uid = getattr(world, unit).pk
    for template in ("/api/v1/units/{unit_id}", "/api/v1/units/{unit_id}/children", "/api/v1/units/{unit_id}/people"):
        body = check(client.get(template.format(unit_id=uid), **h), template, 404)
        assert body == {"detail": "Not found"}
        # Indistinguishable from an id that does not exist.
        assert client.get(template.format(unit_id=10**9), **h).json() == body


def test_own_units_are_visible(client, world, api_as):
    for viewer, unit in (("gaya_coord", "gaya_booth"), ("patna_worker", "patna_booth"), ("up_coord", "lucknow")):
        r = client.get(f"/api/v1/units/{getattr(world, unit).pk}", **api_as(getattr(world, viewer)))
        assert r.status_code == 200, (viewer, unit)


@pytest.mark.parametrize("bad", ["abc", "1.5", "-", "1e3", "%20", "٣"])
def test_a_bad_unit_id_is_422_json_not_500(client, world, api_as, bad):
    r = client.get(f"/api/v1/units/{bad}/children", **api_as(world.state_admin))
    assert r.status_code in (404, 422), (bad, r.status_code)
    assert r["Content-Type"].startswith("application/json")


def test_huge_and_negative_unit_ids_are_404(client, world, api_as):
    h = api_as(world.state_admin)
    for uid in ("99999999999999999999999999", "-1", "0", str(2**63)):
        assert client.get(f"/api/v1/units/{uid}/people", **h).status_code == 404, uid


def test_people_phones_masked_for_everyone_but_oneself(client, world, api_as):
    url = f"/api/v1/units/{world.patna_booth.pk}/people"
    rows = check(client.get(url, **api_as(world.patna_coord)), "/api/v1/units/{unit_id}/people")
    assert rows[0]["phone"] == "+91 90XXX XX004"  # a coordinator too: revealing one is POST .../phone
    assert rows[0]["roles"] == [{"role": "worker", "role_label": rows[0]["roles"][0]["role_label"],
                                 "team": "social_media", "team_label": rows[0]["roles"][0]["team_label"]}]
    own = client.get(url, **api_as(world.patna_worker)).json()
    assert own[0]["phone"] == "+919000000004"  # one's own number is never masked
    other = create_person(None, phone="+919812345678", name_en="Second Worker")
    add_post(None, person=other, unit=world.patna_booth, role=Role.WORKER)
    rows = {r["name_en"]: r for r in client.get(url, **api_as(world.patna_worker)).json()}
    assert rows["Second Worker"]["phone"] != "+919812345678"
    assert rows["Second Worker"]["phone"] == "+91 98XXX XX678"


def test_search_masks_phones_like_the_unit_page(client, world, api_as):
    other = create_person(None, phone="+919812345678", name_hi="विकास मेहता")
    add_post(None, person=other, unit=world.patna_booth, role=Role.WORKER)
    by_coord = client.get("/api/v1/search", {"q": "vikas mehta"}, **api_as(world.patna_coord)).json()["people"]
    by_worker = client.get("/api/v1/search", {"q": "vikas mehta"}, **api_as(world.patna_worker)).json()["people"]
    assert by_coord[0]["phone"] == by_worker[0]["phone"] == "+91 98XXX XX678"


def test_search_finds_roman_and_devanagari_spellings(client, world, api_as):
    h = api_as(world.state_admin)
    for q in ("rajesh varma", "Rajesh Verma", "राजेश वर्मा"):
        names = [p["name_hi"] for p in client.get("/api/v1/search", {"q": q}, **h).json()["people"]]
        assert names and names[0] == "राजेश वर्मा", q
    for q in ("tawde", "tavade", "तावड़े", "ताव\u0921\u093Cे"):
        names = [p["name_hi"] for p in client.get("/api/v1/search", {"q": q}, **h).json()["people"]]
        assert "विनोद तावड़े" in names, q


def test_search_never_leaks_another_district(client, world, api_as):
    r = client.get("/api/v1/search", {"q": "amal awasthi"}, **api_as(world.patna_coord))
    assert r.json()["people"] == []
    r = client.get("/api/v1/search", {"q": "gaya"}, **api_as(world.patna_coord))
    assert r.json()["units"] == []
    r = client.get("/api/v1/search", {"q": "naveen kumar"}, **api_as(world.state_admin))
    assert r.json()["people"] == []  # UP is another state


def test_search_survives_odd_queries(client, world, api_as):
    h = api_as(world.state_admin)
    for q in ("", " ", "%", "_", "'; DROP TABLE org_unit; --", "\u200d", "~", "rajesh " * 2000, "१२३"):
        r = client.get("/api/v1/search", {"q": q}, **h)
        assert r.status_code == 200, q[:20]
    assert client.get("/api/v1/search", **h).json() == {"people": [], "units": []}


def test_healthz(client, db):
    assert client.get("/api/v1/healthz").json()["status"] == "ok"


# Query counts (STYLE rule 10): fixed numbers, the same with 3 or 30 rows, so no N+1 can hide.

def _grow(world, start, n):
    booth = Level.objects.get(code="booth")
    for i in range(start, start + n):
        unit = create_unit(None, parent=world.patna, level=booth, name_en=f"Extra booth {i}", name_hi=f"बूथ {i}")
        p = create_person(None, phone=f"+91700000{i:04d}", name_hi=f"राजेश वर्मा {i}", name_en=f"Rajesh Varma {i}")
        add_post(None, person=p, unit=world.patna_booth, role=Role.WORKER)
        add_post(None, person=p, unit=unit, role=Role.HEAD)
        add_post(None, person=world.patna_coord, unit=unit, role=Role.CO_COORDINATOR)


def _count(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


ENDPOINT_BUDGETS = [("/api/v1/me", "patna_coord", None, 3), ("/api/v1/units/{}/children", "state_admin", "patna", 4),
                    ("/api/v1/units/{}/people", "patna_coord", "patna_booth", 6),
                    ("/api/v1/search?q=rajesh+varma", "state_admin", None, 6),
                    ("/api/v1/search?q=booth", "patna_coord", None, 6)]


@pytest.mark.parametrize(("template", "viewer", "unit", "budget"), ENDPOINT_BUDGETS)
def test_query_counts_do_not_grow_with_rows(client, world, api_as, django_assert_max_num_queries,
                                            template, viewer, unit, budget):
    h = api_as(getattr(world, viewer))
    url = template.format(getattr(world, unit).pk if unit else "")
    _grow(world, 0, 2)
    client.get(url, **h)  # the first use of a fresh token also stamps last_used_at
    small = _count(client, url, h)
    _grow(world, 2, 25)
    with django_assert_max_num_queries(budget):
        client.get(url, **h)
    assert _count(client, url, h) == small, url
    assert len(client.get(url, **h).content) > 0
