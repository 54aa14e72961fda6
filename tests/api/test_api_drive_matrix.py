"""Every drive endpoint for every role of the World, with the exact status.

The space is private (see `drive_fixtures`): readers get 200 on reads and 403 on writes;
people who may not read the drive get 404, as for a missing id; signed-out and deactivated
people get 401. Quotas and the single-copy figures are the organisation's admins' alone (403
for everyone else, before any id is looked up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from atrium.kernel import resumable
from atrium.modules.drive import actions
from tests.api.conftest import matrix
from tests.api.drive_fixtures import DriveApi, drive_api_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

READ = matrix(anonymous=401, guest=404, outsider=404, reader=200, member=200,
              space_admin=200, org_admin=404, deactivated=401)
WRITE_200 = matrix(anonymous=401, guest=404, outsider=404, reader=403, member=200,
                   space_admin=200, org_admin=404, deactivated=401)
WRITE_201 = matrix(anonymous=401, guest=404, outsider=404, reader=403, member=201,
                   space_admin=201, org_admin=404, deactivated=401)
EVERYONE = matrix(anonymous=401, guest=200, outsider=200, reader=200, member=200,
                  space_admin=200, org_admin=200, deactivated=401)
ORG_ADMIN = matrix(anonymous=401, guest=403, outsider=403, reader=403, member=403,
                   space_admin=403, org_admin=200, deactivated=401)
MANAGE = matrix(anonymous=401, guest=404, outsider=404, reader=403, member=403,
                space_admin=200, org_admin=404, deactivated=401)
# The trashed file was trashed by the member, who may delete it for good too.
DELETE_TRASHED = matrix(anonymous=401, guest=404, outsider=404, reader=403, member=200,
                        space_admin=200, org_admin=404, deactivated=401)
# The member's link: seen (and revoked) by its creator and the space's admin only.
REVOKE = matrix(anonymous=401, guest=404, outsider=404, reader=404, member=200,
                space_admin=200, org_admin=404, deactivated=401)

Call = Callable[[DriveApi, str], Any]


def _get(path: Callable[[DriveApi], str]) -> Call:
    return lambda api, role: api.send(role, "GET", path(api))


def _send(method: str, path: Callable[[DriveApi], str], body: Any = None) -> Call:
    return lambda api, role: api.send(role, method, path(api), body)


def _link(api: DriveApi) -> int:
    link, _token = actions.do_create_share_link(api.world.member, api.d.file)
    return link.pk


def _from_upload(api: DriveApi, role: str) -> Any:
    user = api.world.user(role)
    key = "missing"
    if user is not None and user.is_active:
        session = resumable.create(user, 5, {"filename": "tus.txt"})
        resumable.append(user, session.key, 0, _Body(b"hello"))
        key = session.key
    return api.send(role, "POST", f"/drive/nodes/{api.d.folder.pk}/files/from-upload",
                    {"upload_id": key})


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


CASES: dict[str, tuple[Call, list[Any]]] = {
    "space drive": (_get(lambda a: f"/drive/spaces/{a.d.space.pk}"), READ),
    "usage": (_get(lambda a: f"/drive/spaces/{a.d.space.pk}/usage"), READ),
    "node": (_get(lambda a: f"/drive/nodes/{a.d.file.pk}"), READ),
    "trashed node": (_get(lambda a: f"/drive/nodes/{a.d.trashed.pk}"), READ),
    "children": (_get(lambda a: f"/drive/nodes/{a.d.folder.pk}/children"), READ),
    "breadcrumbs": (_get(lambda a: f"/drive/nodes/{a.d.file.pk}/breadcrumbs"), READ),
    "download": (_get(lambda a: f"/drive/nodes/{a.d.file.pk}/download"), READ),
    "zip": (_get(lambda a: f"/drive/nodes/{a.d.folder.pk}/download"), READ),
    "thumbnail": (_get(lambda a: f"/drive/nodes/{a.photo.pk}/thumbnail?size=64"), READ),
    "versions": (_get(lambda a: f"/drive/nodes/{a.d.file.pk}/versions"), READ),
    "version download": (_get(lambda a: f"/drive/versions/{a.first_version(a.d.file).pk}"
                              "/download"), READ),
    "trash": (_get(lambda a: f"/drive/spaces/{a.d.space.pk}/trash"), READ),
    "links": (_get(lambda a: f"/drive/nodes/{a.d.file.pk}/links"), READ),
    "my drive": (_get(lambda a: "/drive/me"), EVERYONE),
    "search": (_get(lambda a: "/drive/search?q=plan"), EVERYONE),
    "dedup": (_get(lambda a: "/drive/dedup"), ORG_ADMIN),
    "create folder": (_send("POST", lambda a: f"/drive/nodes/{a.d.folder.pk}/folders",
                            {"name": "New"}), WRITE_201),
    "upload": (lambda api, role: api.upload(role, api.d.folder.pk, "new.txt", b"new"),
               WRITE_201),
    "from upload": (_from_upload, WRITE_201),
    "rename": (_send("PATCH", lambda a: f"/drive/nodes/{a.d.file.pk}",
                     {"name": "renamed.txt"}), WRITE_200),
    "move": (_send("POST", lambda a: f"/drive/nodes/{a.d.file.pk}/move",
                   {"parent_id": 0}), WRITE_200),
    "copy": (_send("POST", lambda a: f"/drive/nodes/{a.d.file.pk}/copy",
                   {"parent_id": 0}), WRITE_201),
    "trash item": (_send("POST", lambda a: f"/drive/nodes/{a.d.file.pk}/trash"), WRITE_200),
    "restore": (_send("POST", lambda a: f"/drive/nodes/{a.d.trashed.pk}/restore"), WRITE_200),
    "restore version": (_send("POST", lambda a: f"/drive/versions/"
                              f"{a.first_version(a.d.file).pk}/restore"), WRITE_201),
    "share": (_send("POST", lambda a: f"/drive/nodes/{a.d.file.pk}/links", {}), WRITE_201),
    "revoke": (_send("DELETE", lambda a: f"/drive/links/{_link(a)}"), REVOKE),
    "delete forever": (_send("DELETE", lambda a: f"/drive/nodes/{a.d.trashed.pk}"),
                       DELETE_TRASHED),
    "empty trash": (_send("DELETE", lambda a: f"/drive/spaces/{a.d.space.pk}/trash"), MANAGE),
    "space quota": (_send("PUT", lambda a: f"/drive/spaces/{a.d.space.pk}/quota",
                          {"quota_bytes": 10**9}), ORG_ADMIN),
    "person quota": (_send("PUT", lambda a: f"/drive/people/{a.world.member.pk}/quota",
                           {"quota_bytes": None}), ORG_ADMIN),
}

PARAMS = [pytest.param(name, *row.values, id=f"{name}-{row.id}")
          for name, (_call, rows) in CASES.items() for row in rows]


@pytest.mark.parametrize("case,role,status", PARAMS)
def test_drive_endpoint_answers_each_role(drive_api, case, role, status):
    """Each endpoint gives each role exactly the expected status (see the module's text)."""
    call, _rows = CASES[case]
    if case in ("move", "copy"):
        path = f"/drive/nodes/{drive_api.d.file.pk}/{case}"
        response = drive_api.send(role, "POST", path, {"parent_id": drive_api.d.root.pk})
    else:
        response = call(drive_api, role)
    assert response.status_code == status, (response.status_code, response.content[:300])
    if status >= 400 or response["Content-Type"].startswith("application/json"):
        assert response["Content-Type"].startswith("application/json")
        if status >= 400:
            assert response.json()["error"]["message"]


def test_the_matrix_covers_every_drive_operation():
    """Every documented drive operation (the public share links aside) is in the matrix."""
    from atrium.api.routes import api

    schema = api.get_openapi_schema(path_prefix="/")
    operations = {f"{method.upper()} {path}" for path, ops in schema["paths"].items()
                  for method in ops if path.startswith("/drive/")
                  and not path.startswith("/drive/shared/")}
    assert len(operations) == len(CASES) - 2  # "trashed node" and "zip" reuse paths
