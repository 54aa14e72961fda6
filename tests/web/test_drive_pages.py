"""Every drive page and form, tried as every role: the exact answer for each.

A private space "Cardiology" with, for each role tried, a fresh folder "Docs-<role>" holding
"a.txt" (two versions) and "p.png", a file in the trash (put there by the member) and a
share link made by the member. 302L = to the sign-in page, 302 = done (POST/redirect/GET),
403 = seen but not allowed (never offered by the page), 404 = missing or not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import pytest

from atrium.kernel.models import User
from atrium.modules.drive import actions
from atrium.modules.drive.models import FileVersion, Node, ShareLink
from tests.factories import ROLES, World, make_world
from tests.web.drive_world import png_bytes

R, L, N, F, OK = 302, "302L", 404, 403, 200
SPACE_READ = [L, N, N, OK, OK, OK, N, L]
EVERYONE = [L, OK, OK, OK, OK, OK, OK, L]

# url template, method, expected status per role in ROLES order:
# anonymous, guest, outsider, reader, member, space_admin, org_admin, deactivated
MATRIX = [
    ("/s/{slug}/drive/", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{folder}/", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{folder}/?order=-size", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{file}/", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{file}/download", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{file}/view", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{png}/thumb?s=64", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{folder}/zip", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{file}/pick/?op=move", "get", SPACE_READ),
    ("/s/{slug}/drive/n/{trashed}/", "get", [L, N, N, N, N, N, N, L]),
    ("/s/{slug}/drive/trash/", "get", SPACE_READ),
    ("/s/{slug}/drive/search/?q=a", "get", SPACE_READ),
    ("/s/{slug}/drive/versions/{v1}/download", "get", SPACE_READ),
    ("/drive/", "get", EVERYONE),
    ("/drive/search/?q=a", "get", EVERYONE),
    ("/manage/drive/", "get", [L, N, N, N, N, N, OK, L]),
    ("/manage/drive/", "post", [L, N, N, N, N, N, R, L]),
    ("/s/{slug}/drive/n/{folder}/mkdir", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{folder}/upload", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{file}/rename", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{file}/move", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{file}/copy", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{file}/trash", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{trashed}/restore", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{trashed}/delete", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/trash/empty", "post", [L, N, N, F, F, R, N, L]),
    ("/s/{slug}/drive/n/{file}/share", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/links/{link}/revoke", "post", [L, N, N, N, R, R, N, L]),
    ("/s/{slug}/drive/versions/{v1}/restore", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/drive/n/{folder}/claim", "post", [L, N, N, N, N, N, N, L]),
]


@dataclass
class Items:
    folder: Node
    file: Node
    png: Node
    trashed: Node
    v1: FileVersion
    link: ShareLink
    root: Node


def make_items(world: World, tag: str) -> Items:
    """A fresh set of items for one role's try, made by the member."""
    member = world.member
    root = actions.drive_root(world.space)
    folder = actions.do_create_folder(member, root, f"Docs-{tag}")
    file = actions.do_upload_file(member, folder, "a.txt", BytesIO(b"first\n"))
    actions.do_upload_file(member, folder, "a.txt", BytesIO(b"second\n"))
    png = actions.do_upload_file(member, folder, "p.png", BytesIO(png_bytes()))
    trashed = actions.do_trash(member, actions.do_upload_file(member, folder, "old.txt",
                                                              BytesIO(b"old\n")))
    link, _token = actions.do_create_share_link(member, file)
    v1 = FileVersion.objects.get(node=file, number=1)
    return Items(folder, file, png, trashed, v1, link, root)


def post_data(items: Items, world: World, url: str) -> dict:
    data = {"name": "Renamed.txt", "to": str(items.root.pk), "password": "",
            "files": [BytesIO(b"uploaded")], "upload": "no-such-upload"}
    if url.startswith("/manage/"):
        data = {"space": str(world.space.pk), "quota": "100"}
    if url.endswith("mkdir"):
        data["name"] = "New folder"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("url,method,expected", MATRIX, ids=[f"{m} {u}" for u, m, _ in MATRIX])
def test_drive_endpoints_answer_exactly_per_role(client_for, url, method, expected):
    """Each role gets exactly the expected status; refusals never reveal the drive."""
    world = make_world()
    for role, want in zip(ROLES, expected, strict=True):
        items = make_items(world, role)
        user: User | None = world.user(role)
        if user is not None:
            user.__dict__.pop("_space_roles", None)
        client = client_for(user)
        path = url.format(slug=world.space.slug, folder=items.folder.pk, file=items.file.pk,
                          png=items.png.pk, trashed=items.trashed.pk, v1=items.v1.pk,
                          link=items.link.pk)
        if method == "post":
            response = client.post(path, post_data(items, world, url))
        else:
            response = client.get(path)
        if want == L:
            assert response.status_code == 302, (role, response.status_code)
            assert "/accounts/login/" in response["Location"], role
        else:
            assert response.status_code == want, (role, response.status_code)


@pytest.mark.django_db
def test_refused_writes_change_nothing(client_for):
    """A reader's and an outsider's writes are refused and leave every item as it was."""
    world = make_world()
    items = make_items(world, "x")
    slug = world.space.slug
    for person in (world.reader, world.outsider, world.guest):
        client = client_for(person)
        client.post(f"/s/{slug}/drive/n/{items.file.pk}/rename", {"name": "Hacked.txt"})
        client.post(f"/s/{slug}/drive/n/{items.file.pk}/trash")
        client.post(f"/s/{slug}/drive/n/{items.folder.pk}/upload", {"files": [BytesIO(b"x")]})
        client.post(f"/s/{slug}/drive/n/{items.trashed.pk}/delete")
        client.post(f"/s/{slug}/drive/links/{items.link.pk}/revoke")
    file = Node.objects.get(pk=items.file.pk)
    assert file.name == "a.txt" and file.trashed_at is None
    assert Node.objects.filter(pk=items.trashed.pk).exists()
    assert Node.objects.filter(parent=items.folder, trashed_at__isnull=True).count() == 2
    assert ShareLink.objects.get(pk=items.link.pk).revoked_at is None


@pytest.mark.django_db
def test_a_node_of_another_space_cannot_be_reached_through_this_one(client_for):
    """An id from another drive answers 404, even for someone who may read both."""
    world = make_world()
    other = actions.drive_root(world.other_space)
    secret = actions.do_upload_file(world.owner, other, "secret.txt", BytesIO(b"secret"))
    client = client_for(world.owner)
    assert client.get(f"/s/{world.other_space.slug}/drive/n/{secret.pk}/").status_code == 200
    from atrium.kernel.actions.spaces import do_add_member
    from atrium.kernel.models import SpaceRole

    do_add_member(world.space_admin, world.space, world.owner, SpaceRole.MEMBER)
    owner = User.objects.get(pk=world.owner.pk)
    response = client_for(owner).get(f"/s/{world.space.slug}/drive/n/{secret.pk}/download")
    assert response.status_code == 404
