"""Every space page and action, tried as every role: the exact answer for each.

A private space "Cardiology"; its module Links. 302L = redirect to the sign-in page,
302 = done (POST/redirect/GET), 403 = seen but not allowed, 404 = missing or not allowed (the same answer on purpose).
"""

import pytest

from atrium.kernel.models import SpaceMembership
from tests.factories import ROLES, make_world

R, L, N, F, OK = 302, "302L", 404, 403, 200

# url template, method, expected status per role in ROLES order:
# anonymous, guest, outsider, reader, member, space_admin, org_admin, deactivated
MATRIX = [
    ("/s/{slug}/", "get", [L, N, OK, OK, OK, OK, OK, L]),
    ("/s/{slug}/members/", "get", [L, N, N, OK, OK, OK, OK, L]),
    ("/s/{slug}/settings/", "get", [L, N, N, N, N, OK, OK, L]),
    ("/s/{slug}/links/", "get", [L, N, N, OK, OK, OK, N, L]),
    ("/s/{slug}/links/add/", "post", [L, N, N, F, R, R, N, L]),
    ("/s/{slug}/join/", "post", [L, N, R, R, R, R, R, L]),
    ("/s/{slug}/request/", "post", [L, N, R, R, R, R, R, L]),
    ("/s/{slug}/settings/modules/links/", "post", [L, N, N, N, N, R, R, L]),
    ("/s/{slug}/members/add/", "post", [L, N, N, R, R, R, N, L]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url,method,expected", MATRIX, ids=[f"{m} {u}" for u, m, _ in MATRIX])
def test_space_endpoints_answer_exactly_per_role(client_for, url, method, expected):
    """Each role gets exactly the expected status; refusals never reveal the space."""
    world = make_world()
    for role, want in zip(ROLES, expected, strict=True):
        client = client_for(world.user(role))
        path = url.format(slug=world.space.slug)
        data = {"url": "https://example.org/a", "title": "A", "enabled": "on",
                "member_access": "write", "reader_access": "read",
                "email": world.outsider.email, "role": "member"} if method == "post" else None
        response = getattr(client, method)(path, data) if data else client.get(path)
        if want == L:
            assert response.status_code == 302, (role, response.status_code)
            assert "/accounts/login/" in response["Location"], role
        else:
            assert response.status_code == want, (role, response.status_code)


@pytest.mark.django_db
def test_refusals_change_nothing(client_for):
    """A reader's and an outsider's writes are refused: no link, no membership, no setting."""
    world = make_world()
    space = world.space
    client_for(world.reader).post(f"/s/{space.slug}/links/add/", {"url": "https://x.org"})
    client_for(world.outsider).post(f"/s/{space.slug}/members/add/",
                                    {"email": world.outsider.email, "role": "admin"})
    client_for(world.member).post(f"/s/{space.slug}/settings/modules/links/", {})
    assert not space.links.exists()
    assert not SpaceMembership.objects.filter(space=space, user=world.outsider).exists()
    assert not space.module_settings.exists()


@pytest.mark.django_db
def test_secret_space_answers_404_to_outsiders_and_guests(client_for):
    """A secret space does not exist for those outside it: the same 404 as a missing one."""
    world = make_world("secret")
    for role in ("outsider", "guest"):
        client = client_for(world.user(role))
        assert client.get(f"/s/{world.space.slug}/").status_code == 404
        assert client.get("/s/no-such-space/").status_code == 404
        assert world.space.name not in client.get("/spaces/").content.decode()


@pytest.mark.django_db
def test_switched_off_module_answers_404_everywhere(client_for):
    """With Links off in the space, every Links URL is 404 and the tab disappears."""
    from django.urls import get_resolver

    from atrium.kernel.actions.modules import do_configure_space_module

    world = make_world()
    admin = client_for(world.space_admin)
    assert "/links/" in admin.get(f"/s/{world.space.slug}/").content.decode()
    do_configure_space_module(world.space_admin, world.space, "links", enabled=False)
    links_paths = [str(p.pattern) for p in get_resolver().url_patterns
                   if "/links/" in str(getattr(p, "pattern", ""))]
    assert links_paths, "the links module registers its URLs"
    for path in (f"/s/{world.space.slug}/links/", f"/s/{world.space.slug}/links/add/",
                 f"/s/{world.space.slug}/links/1/delete/"):
        for client in (admin, client_for(world.member)):
            response = client.post(path) if path.endswith("/") and "add" in path or \
                "delete" in path else client.get(path)
            assert response.status_code == 404, path
    assert f"/s/{world.space.slug}/links/" not in admin.get(f"/s/{world.space.slug}/")\
        .content.decode()
