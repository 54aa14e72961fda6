"""The drive world of `tests.modules.drive.factories` seen through the API: a token per role.

The space is private: its readers are the reader, the member and the space's admin; the
member and the space's admin write; the space's admin manages. The folder "Reports" holds
"plan.txt" (two versions) and "photo.png"; "old.txt" is in the trash (put there by the
member). The deactivated person's token was made while the account was active.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from atrium.kernel.actions.people import do_deactivate_user, do_reactivate_user
from atrium.modules.drive.models import FileVersion, Node
from tests.api.conftest import PREFIX, Api
from tests.corpus import png
from tests.modules.drive.factories import DriveWorld, make_drive_world, make_file


@dataclass
class DriveApi(Api):
    drive: DriveWorld | None = None
    photo: Node | None = None

    @property
    def d(self) -> DriveWorld:
        assert self.drive is not None
        return self.drive

    def client(self, role: str | None) -> Client:
        if role is None or role == "anonymous":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.secret(role)}")

    def send(self, role: str | None, method: str, path: str, body: Any = None,
             **extra: Any) -> Any:
        """Like `call`, without insisting on JSON (downloads answer bytes)."""
        data = json.dumps(body) if body is not None else ""
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return self.client(role).generic(method, PREFIX + path, data, **kwargs, **extra)

    def upload(self, role: str | None, folder_id: int, name: str, data: bytes,
               field_name: str | None = None) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        form: dict[str, Any] = {"file": SimpleUploadedFile(name, data)}
        if field_name is not None:
            form["name"] = field_name
        return self.client(role).post(f"{PREFIX}/drive/nodes/{folder_id}/files", form)

    def first_version(self, node: Node) -> FileVersion:
        return FileVersion.objects.get(node=node, number=1)


def build_drive_api() -> DriveApi:
    drive = make_drive_world()
    world = drive.world
    make_file(world.member, drive.folder, "plan.txt", b"the plan, again\n")
    photo = make_file(world.member, drive.folder, "photo.png", png())
    api = DriveApi(world, drive=drive, photo=photo)
    do_reactivate_user(world.owner, world.deactivated)
    api.tokens["deactivated"] = api.token_for(world.deactivated)
    do_deactivate_user(world.owner, world.deactivated)
    return api


@pytest.fixture(name="drive_api")
def drive_api_fixture(db) -> DriveApi:
    cache.clear()
    return build_drive_api()
