from sampark.people.auth import issue_token


def test_me_lists_posts_with_units(client, world, api_as):
    r = client.get("/api/v1/me", **api_as(world.patna_coord))
    assert r.status_code == 200
    body = r.json()
    assert body["name_hi"] == "मनन कृष्ण"
    assert [p["unit"]["id"] for p in body["posts"]] == [world.patna.pk]
    assert body["posts"][0]["unit"]["level"]["code"] == "district"


def test_api_needs_a_token(client, world):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer smp_nonsense").status_code == 401


def test_revoked_token_stops_working(client, world):
    from sampark.people.auth import revoke_token
    from sampark.people.models import ApiToken

    key = issue_token(None, world.patna_worker)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + key).status_code == 200
    revoke_token(None, ApiToken.objects.get(person=world.patna_worker))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + key).status_code == 401


def test_children_with_member_counts(client, world, api_as):
    r = client.get(f"/api/v1/units/{world.bihar.pk}/children", **api_as(world.state_admin))
    assert r.status_code == 200
    rows = {row["name_en"]: row for row in r.json()}
    assert rows["Patna"]["member_count"] == 2 and rows["Gaya"]["member_count"] == 2


def test_district_b_gets_404_for_district_a(client, world, api_as):
    h = api_as(world.gaya_coord)
    for url in (f"/api/v1/units/{world.patna.pk}", f"/api/v1/units/{world.patna.pk}/children",
                f"/api/v1/units/{world.patna_booth.pk}/people", "/api/v1/units/999999"):
        assert client.get(url, **h).status_code == 404, url


def test_people_phones_masked_for_workers_shown_to_coordinators(client, world, api_as):
    r = client.get(f"/api/v1/units/{world.patna_booth.pk}/people", **api_as(world.patna_coord))
    assert r.json()[0]["phone"] == "+919000000004"
    other = client.get(f"/api/v1/units/{world.patna_booth.pk}/people", **api_as(world.patna_worker)).json()
    assert other[0]["phone"] == "+919000000004"  # one's own number is never masked


def test_search_finds_roman_and_devanagari_spellings(client, world, api_as):
    h = api_as(world.state_admin)
    for q in ("rajesh varma", "Rajesh Verma", "राजेश वर्मा"):
        names = [p["name_hi"] for p in client.get("/api/v1/search", {"q": q}, **h).json()["people"]]
        assert names and names[0] == "राजेश वर्मा", q
    for q in ("tawde", "tavade", "तावड़े"):
        names = [p["name_hi"] for p in client.get("/api/v1/search", {"q": q}, **h).json()["people"]]
        assert "विनोद तावड़े" in names, q


def test_search_never_leaks_another_district(client, world, api_as):
    r = client.get("/api/v1/search", {"q": "amal awasthi"}, **api_as(world.patna_coord))
    assert r.json()["people"] == []
    r = client.get("/api/v1/search", {"q": "gaya"}, **api_as(world.patna_coord))
    assert r.json()["units"] == []


def test_healthz(client, db):
    assert client.get("/api/v1/healthz").json()["status"] == "ok"


def test_openapi_describes_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    for p in ("/api/v1/me", "/api/v1/units/{unit_id}", "/api/v1/units/{unit_id}/children",
              "/api/v1/units/{unit_id}/people", "/api/v1/search"):
        assert p in spec["paths"], p
