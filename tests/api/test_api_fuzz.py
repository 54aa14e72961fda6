"""Malformed input on every operation of the OpenAPI document: never a 500, always a JSON
error. Operations are read from the document itself, so new endpoints are covered too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from atrium.api.routes import api as ninja_api
from atrium.kernel.actions.spaces import do_add_member
from tests.api.conftest import PREFIX

SCHEMA = ninja_api.get_openapi_schema(path_prefix=PREFIX + "/")
OPERATIONS = [(method.upper(), path, op) for path, ops in SCHEMA["paths"].items()
              for method, op in ops.items()]

BAD_IDS = ["abc", "-1", "0", "99999999999999999999", "1.5", "%00", "%27%20OR%201%3D1",
           "9" * 400, "%F0%9F%98%80", "null"]
BAD_VALUES: list[Any] = [None, 10**30, -(10**30), -1, 1.5, "x" * 100_000, "a\x00b", "",
                         {"a": 1}, [1, "x"], True, "\ud800".encode("utf-8", "surrogatepass")
                         .decode("utf-8", "replace")]
BAD_BODIES: list[bytes] = [b"{", b"[]", b"null", b"123", b'"text"', b"\xff\xfe\x00",
                           b'{"unknown_field": 1}', b"{" * 5000, b'{"a": ' + b"1" * 5000 + b"}",
                           json.dumps({"x" * 1000: "y" * 1000}).encode()]


def _valid_ids(api) -> dict[str, str]:
    world = api.world
    return {"space_id": str(world.space.pk), "person_id": str(world.member.pk),
            "user_id": str(world.member.pk), "module_id": "links"}


def _properties(op: dict) -> dict[str, Any]:
    content = op.get("requestBody", {}).get("content", {})
    body = content.get("application/json") or content.get("multipart/form-data", {})
    if "properties" in body.get("schema", {}):  # an inline form (file uploads)
        return body["schema"]["properties"]
    ref = body.get("schema", {}).get("$ref", "")
    if not ref:
        return {}
    return SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {})


def _check(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code == 204:
        return
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    payload = response.json()
    if response.status_code >= 400:
        assert set(payload) == {"error"} and payload["error"]["message"], payload


def _fill(path: str, values: dict[str, str], default: str) -> str:
    for name in [s.split("}")[0] for s in path.split("{")[1:]]:
        path = path.replace("{" + name + "}", values.get(name, default))
    return path


@pytest.mark.parametrize("method,path,op", [pytest.param(*o, id=f"{o[0]} {o[1]}")
                                            for o in OPERATIONS])
def test_operation_survives_garbage(api, method, path, op):
    """Garbage ids, query values, bodies and content types get a JSON 4xx, never a 500."""
    # The organisation's admin, made admin of the space too, gets past every rights check
    # and so reaches the deepest code of each operation.
    do_add_member(api.world.space_admin, api.world.space, api.world.org_admin, "admin")
    admin = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret('org_admin')}")
    anonymous = Client()
    valid = _valid_ids(api)
    has_body = "requestBody" in op
    for bad in BAD_IDS:
        if "{" in path:
            _check(admin.generic(method, _fill(path, {}, bad), b"{}",
                                 content_type="application/json"))
    _check(anonymous.generic(method, _fill(path, valid, "1"), b"{}",
                             content_type="application/json"))
    queries = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
    for name in queries:
        for bad in ["abc", "-1", "99999999999999999999", "x" * 5000, "%00", "1e400"]:
            _check(admin.generic("GET" if method == "GET" else method,
                                 f"{_fill(path, valid, '1')}?{name}={bad}"))
    if not has_body:
        return
    target = _fill(path, valid, "1")
    for raw in BAD_BODIES:
        _check(admin.generic(method, target, raw, content_type="application/json"))
    _check(admin.generic(method, target, b"name=x", content_type="text/plain"))
    _check(admin.generic(method, target, b"", content_type="application/json"))
    properties = _properties(op)
    assert properties, f"{method} {path} documents no body fields"
    for name in properties:
        for bad in BAD_VALUES:
            _check(admin.generic(method, target, json.dumps({name: bad}),
                                 content_type="application/json"))
    everything_wrong = {name: BAD_VALUES[i % len(BAD_VALUES)]
                        for i, name in enumerate(properties)}
    _check(admin.generic(method, target, json.dumps(everything_wrong),
                         content_type="application/json"))


def test_unknown_paths_and_methods_answer_json(api):
    """An unknown address under /api/v1/ is a JSON 404; a wrong method a JSON 405."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret('member')}")
    for path in ["/nothing", "/spaces/1/nothing", "/me/tokens/x/y", "/"]:
        response = client.get(PREFIX + path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    response = client.delete(PREFIX + "/me")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_every_operation_is_documented(api):
    """The served OpenAPI document gives each operation a summary, tags and error answers."""
    served = Client().get(f"{PREFIX}/openapi.json")
    assert served.status_code == 200
    document = served.json()
    seen = set()
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op.get("summary") and op.get("tags"), (method, path)
            seen.add(f"{method.upper()} {path.removeprefix(PREFIX)}")
    kernel = {
        "GET /me", "PATCH /me", "GET /me/tokens", "POST /me/tokens",
        "DELETE /me/tokens/{token_id}", "GET /people", "GET /people/{person_id}",
        "PATCH /people/{person_id}/role", "POST /people/{person_id}/deactivate",
        "POST /people/{person_id}/reactivate", "GET /spaces", "POST /spaces",
        "GET /spaces/{space_id}", "PATCH /spaces/{space_id}", "GET /spaces/{space_id}/members",
        "POST /spaces/{space_id}/members", "PATCH /spaces/{space_id}/members/{user_id}",
        "DELETE /spaces/{space_id}/members/{user_id}", "POST /spaces/{space_id}/join",
        "POST /spaces/{space_id}/leave", "POST /spaces/{space_id}/requests",
        "GET /spaces/{space_id}/requests",
        "POST /spaces/{space_id}/requests/{request_id}/approve",
        "POST /spaces/{space_id}/requests/{request_id}/decline", "GET /modules",
        "PUT /modules/{module_id}", "GET /spaces/{space_id}/modules",
        "PUT /spaces/{space_id}/modules/{module_id}", "POST /invitations",
        "GET /invitations", "DELETE /invitations/{invitation_id}",
    }
    assert kernel <= seen, kernel - seen


def test_docs_page_uses_no_third_party_script(api):
    """The interactive docs load their scripts from Atrium's own static files."""
    response = Client().get(f"{PREFIX}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page
