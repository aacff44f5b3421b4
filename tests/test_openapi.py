"""Every /api/v1 response checked against the OpenAPI document the API publishes."""

import functools

import pytest
from django.test import Client
from jsonschema import Draft202012Validator


@functools.cache
def spec() -> dict:
    """The published document, with every object schema closed (no undocumented fields)."""
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    doc = served.json()

    def close(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            for v in node.values():
                close(v)
        elif isinstance(node, list):
            for v in node:
                close(v)

    close(doc.get("components", {}))
    return doc


def response_schema(template: str, status: int, method: str = "get") -> dict:
    op = spec()["paths"][template][method]
    assert str(status) in op["responses"], f"{method.upper()} {template} does not document {status}"
    content = op["responses"][str(status)].get("content", {}).get("application/json")
    assert content is not None, f"{method.upper()} {template} {status} has no JSON schema"
    return {**content["schema"], "components": spec().get("components", {})}


def check(response, template: str, status: int = 200):
    """Assert the status, and that the body matches the documented schema for it; return the body."""
    assert response.status_code == status, (template, response.status_code, response.content[:300])
    body = response.json()
    errors = sorted(Draft202012Validator(response_schema(template, status)).iter_errors(body), key=str)
    assert not errors, f"{template} {status}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return body


def test_the_document_is_served_and_lists_the_endpoints(client, db):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    doc = served.json()
    assert doc["openapi"].startswith("3.")
    for p in ("/api/v1/me", "/api/v1/units/{unit_id}", "/api/v1/units/{unit_id}/children",
              "/api/v1/units/{unit_id}/people", "/api/v1/search", "/api/v1/healthz"):
        assert p in doc["paths"], p


def test_the_checker_can_fail(world, api_as):
    """The check is not vacuous: a body with a wrong or an extra field is refused."""
    body = check(Client().get("/api/v1/me", **api_as(world.patna_coord)), "/api/v1/me")
    validator = Draft202012Validator(response_schema("/api/v1/me", 200))
    assert validator.is_valid(body)
    assert not validator.is_valid({**body, "id": "seven"})
    assert not validator.is_valid({**body, "secret": 1})
    assert not validator.is_valid({k: v for k, v in body.items() if k != "posts"})
    bad_post = {**body, "posts": [{**body["posts"][0], "unit": {**body["posts"][0]["unit"], "level": None}}]}
    assert not validator.is_valid(bad_post)


UNIT_ENDPOINTS = ["/api/v1/units/{unit_id}", "/api/v1/units/{unit_id}/children", "/api/v1/units/{unit_id}/people"]


@pytest.mark.parametrize("template", UNIT_ENDPOINTS)
def test_unit_endpoints_match_the_document(client, world, api_as, template):
    h = api_as(world.state_admin)
    for unit in (world.bihar, world.patna, world.patna_booth):
        check(client.get(template.format(unit_id=unit.pk), **h), template)
    check(client.get(template.format(unit_id=world.lucknow.pk), **h), template, 404)
    check(client.get(template.format(unit_id="abc"), **h), template, 422)
    check(client.get(template.format(unit_id=world.patna.pk)), template, 401)


def test_me_search_and_health_match_the_document(client, world, api_as):
    for person in (world.state_admin, world.patna_worker, world.up_coord):
        check(client.get("/api/v1/me", **api_as(person)), "/api/v1/me")
    check(client.get("/api/v1/me"), "/api/v1/me", 401)
    h = api_as(world.state_admin)
    for q in ("rajesh varma", "tawde", "पटना", "patna", "", "!!!", "x" * 5000):
        check(client.get("/api/v1/search", {"q": q}, **h), "/api/v1/search")
    check(client.get("/api/v1/search", {"q": "patna"}), "/api/v1/search", 401)
    check(client.get("/api/v1/healthz"), "/api/v1/healthz")


# --- issue 12 finding 10: the document tells the truth ---------------------------------------------

def operations():
    for template, item in spec()["paths"].items():
        for method, op in item.items():
            yield template, method, op


def resolve(schema: dict) -> dict:
    ref = schema.get("$ref")
    return spec()["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_every_status_a_route_can_answer_is_documented_with_the_error_shape(db):
    for template, method, op in operations():
        codes = set(op["responses"])
        if template.endswith("/healthz"):
            continue
        assert "401" in codes, (method, template)
        if op.get("parameters") or "requestBody" in op:
            assert "422" in codes, (method, template)
        if "{" in template:
            assert "404" in codes, (method, template)
        if "requestBody" in op:
            assert {"400", "413"} <= codes, (method, template)
        for empty in {"204", "304"} & codes:  # removed; not modified (the pages' poll): no body at all
            assert "content" not in op["responses"][empty], (method, template)
        for code in codes - {"200", "201", "204", "304"}:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, template, code)
    error = spec()["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors"}


def test_the_two_rollups_have_their_own_schemas(db):
    directive = resolve(response_schema("/api/v1/directives/{directive_id}/rollup", 200))
    unit = resolve(response_schema("/api/v1/units/{unit_id}/rollup", 200))
    assert "directive" in directive["properties"] and "children" in directive["properties"]
    assert "sums" in unit["properties"] and "directive" not in unit["properties"]


def test_ids_that_must_be_uuids_say_so(db):
    for template, _method, op in operations():
        for p in op.get("parameters", []):
            if p["name"] in ("report_id", "difficulty_id"):
                assert p["schema"].get("format") == "uuid", (template, p)
    schemas = spec()["components"]["schemas"]
    assert schemas["ReportIn"]["properties"]["id"]["format"] == "uuid"
    assert schemas["RaiseIn"]["properties"]["id"]["format"] == "uuid"
    assert schemas["MergeIn"]["properties"]["ids"]["items"]["format"] == "uuid"
    photo = spec()["paths"]["/api/v1/reports/{report_id}/photos"]["post"]["requestBody"]["content"]
    assert photo["multipart/form-data"]["schema"]["properties"]["id"]["format"] == "uuid"


def test_directive_rollup_matches_its_document(client, world, api_as):
    admin = api_as(world.state_admin)
    d = client.post("/api/v1/directives", {"title": "बैठक", "target_unit": world.bihar.pk},
                    content_type="application/json", **admin).json()
    client.post(f"/api/v1/directives/{d['id']}/publish", **admin)
    check(client.get(f"/api/v1/directives/{d['id']}/rollup", **admin), "/api/v1/directives/{directive_id}/rollup")
    check(client.get("/api/v1/directives/999999/rollup", **admin), "/api/v1/directives/{directive_id}/rollup", 404)
    check(client.get(f"/api/v1/units/{world.bihar.pk}/rollup", **admin), "/api/v1/units/{unit_id}/rollup")


def test_no_two_schemas_share_a_name(db):
    """The API document names each schema by its class name; two classes of one name would leave
    one of them silently described as the other (events' ReportIn once hid reports' ReportIn)."""
    from ninja import Schema

    spec()  # every router is mounted: all the schemas are imported
    seen, stack = {}, list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("sampark."):
            seen.setdefault(cls.__name__, set()).add(cls.__module__)
    assert not {name: mods for name, mods in seen.items() if len(mods) > 1}
