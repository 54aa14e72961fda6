"""Garbage on every drive operation, with ids that exist, so it reaches the deepest code
(test_api_fuzz.py covers the same operations with ids that do not): never a 500, always a
JSON error. The caller is the space's admin, who reads, writes and manages the drive; the
public share-link operations get a real token."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from atrium.modules.drive import actions
from tests.api.drive_fixtures import drive_api_fixture  # noqa: F401  (fixture)
from tests.api.test_api_fuzz import (
    BAD_BODIES,
    BAD_IDS,
    BAD_VALUES,
    OPERATIONS,
    _fill,
    _properties,
)

DRIVE = [op for op in OPERATIONS if "/drive/" in op[1]]
BAD_QUERY = ["abc", "-1", "0", "99999999999999999999", "x" * 5000, "%00", "1e400", "",
             "true", "%F0%9F%98%80", "..%2F..%2Fetc"]


def _check(response) -> None:
    """A JSON answer, or the bytes of a download that worked."""
    assert response.status_code < 500, response.content[:300]
    if response.status_code in (200, 206, 304) and not response["Content-Type"].startswith(
            "application/json"):
        return
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    if response.status_code >= 400:
        payload = response.json()
        assert set(payload) == {"error"} and payload["error"]["message"], payload


@pytest.mark.parametrize("method,path,op", [pytest.param(*o, id=f"{o[0]} {o[1]}")
                                            for o in DRIVE])
def test_drive_operation_survives_garbage(drive_api, method, path, op):
    """Garbage ids, query values and bodies on real objects: a JSON 4xx, never a 500."""
    d = drive_api.d
    link, token = actions.do_create_share_link(d.world.space_admin, d.folder)
    valid = {"space_id": str(d.space.pk), "node_id": str(d.file.pk),
             "version_id": str(d.file.versions.first().pk), "link_id": str(link.pk),
             "person_id": str(d.world.member.pk), "token": token}
    client = Client(HTTP_AUTHORIZATION=f"Bearer {drive_api.secret('space_admin')}")
    for name in [s.split("}")[0] for s in path.split("{")[1:]]:
        for bad in [*BAD_IDS, "x" * 300, "%2F", "%0A", "..%2F.."]:
            _check(client.generic(method, _fill(path, {**valid, name: bad}, "1"), b"{}",
                                  content_type="application/json"))
    target = _fill(path, valid, "1")
    for parameter in [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]:
        for bad in BAD_QUERY:
            cache.clear()
            _check(client.generic(method, f"{target}?{parameter}={bad}"))
    if "requestBody" not in op:
        return
    for raw in BAD_BODIES:
        _check(client.generic(method, target, raw, content_type="application/json"))
    _check(client.generic(method, target, b"--x\r\n\r\n", content_type="multipart/form-data"))
    for name in _properties(op):
        for bad in BAD_VALUES:
            _check(client.generic(method, target, json.dumps({name: bad}),
                                  content_type="application/json"))


def test_the_fuzz_covers_every_drive_operation():
    """The parametrised fuzz above is only as good as its list: it must hold the drive API."""
    paths = {path for _method, path, _op in DRIVE}
    assert len(DRIVE) >= 30
    for expected in ("/api/v1/drive/nodes/{node_id}/children",
                     "/api/v1/drive/nodes/{node_id}/files",
                     "/api/v1/drive/shared/{token}/download",
                     "/api/v1/drive/versions/{version_id}/restore"):
        assert expected in paths, expected
