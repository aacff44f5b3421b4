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
