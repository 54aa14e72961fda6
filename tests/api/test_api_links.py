"""The links API (bookmarks) for every role, bad input, previews and who else saved a link.

The world of make_world: a private space "Cardiology" (space admin, member, reader,
deactivated); the organisation's admin, the outsider and the guest are not in it. Who may
not read the space's links gets 404 (the same answer as a missing link); who reads but may
not write gets 403; anonymous and deactivated get 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from atrium.kernel.models import LinkPreview
from atrium.modules.links.actions import do_add_link
from atrium.modules.links.models import Link
from tests.factories import ROLES

STATUS_BY_ROLE = dict  # readability: {role: status}


def expected(anonymous=401, guest=404, outsider=404, reader=200, member=200, space_admin=200,
             org_admin=404, deactivated=401) -> dict[str, int]:
    return STATUS_BY_ROLE(anonymous=anonymous, guest=guest, outsider=outsider, reader=reader,
                          member=member, space_admin=space_admin, org_admin=org_admin,
                          deactivated=deactivated)


ENDPOINTS: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "list": ("GET", "/spaces/{space}/links", None, expected()),
    "list filtered": ("GET", "/spaces/{space}/links?tag=soin&collection=Guides&q=a", None,
                      expected()),
    "collections": ("GET", "/spaces/{space}/links/collections", None, expected()),
    "add": ("POST", "/spaces/{space}/links", {"url": "https://example.org/new"},
            expected(reader=403, member=201, space_admin=201)),
    "get": ("GET", "/links/{link}", None, expected()),
    "edit": ("PATCH", "/links/{link}", {"title": "Edited"},
             expected(reader=403)),
    "delete": ("DELETE", "/links/{link}", None,
               expected(reader=403, member=204, space_admin=204)),
    "savers": ("GET", "/links/{link}/savers", None, expected()),
    "save": ("POST", "/links/{link}/save", None,
             expected(reader=201, member=201, space_admin=201)),
    "my bookmarks": ("GET", "/me/links", None,
                     expected(guest=200, outsider=200, org_admin=200)),
}


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_every_endpoint_answers_exactly_per_role(api, name):
    """Each role gets exactly the expected status; a fresh link for each role."""
    method, template, body, want = ENDPOINTS[name]
    got = {}
    for role in ROLES:
        link = do_add_link(api.world.member, api.world.space, url="https://example.org/a",
                           tags="soin", collection="Guides")
        path = template.format(space=api.world.space.pk, link=link.pk)
        got[role] = api.call(role, method, path, body).status_code
    assert got == want


def test_refused_writes_change_nothing(api):
    """A reader's add, edit and delete, and an outsider's, leave everything as it was."""
    world = api.world
    link = do_add_link(world.member, world.space, url="https://example.org/a", title="A")
    for role in ("reader", "outsider", "guest", "org_admin"):
        api.call(role, "POST", f"/spaces/{world.space.pk}/links", {"url": "https://x.org"})
        api.call(role, "PATCH", f"/links/{link.pk}", {"title": "Hacked"})
        api.call(role, "DELETE", f"/links/{link.pk}")
    assert list(Link.objects.values_list("title", flat=True)) == ["A"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"url": "javascript:alert(1)"}, 400, "url"),
    ({"url": "ftp://example.org/x"}, 400, "url"),
    ({"url": "https://example.org", "collection": "c" * 81}, 422, "collection"),
    ({"url": "https://example.org", "title": "t" * 201}, 422, None),
    ({"url": "https://example.org", "owner": 1}, 422, None),
    ({"title": "no address"}, 422, None),
    ({"url": 42}, 422, None),
    ({"url": "https://example.org/\x00"}, 422, None),
])
def test_bad_input_gets_a_clear_error(api, body, status, field):
    """Refusals answer the standard JSON error with the field; nothing is stored."""
    response = api.call("member", "POST", f"/spaces/{api.world.space.pk}/links", body)
    assert response.status_code == status, response.content
    if status >= 400:
        assert "error" in response.json() and not Link.objects.exists()
    if field:
        assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("raw", ["{", "[]", '{"url": null}', "null"])
def test_malformed_bodies_are_422_never_500(api, raw):
    """Broken JSON and wrong shapes are refused cleanly."""
    response = api.call("member", "POST", f"/spaces/{api.world.space.pk}/links", raw=raw)
    assert response.status_code in (400, 422)


def test_patch_changes_only_what_is_given_and_refuses_null(api):
    """Fields left out keep their value; an explicit null is a 422."""
    link = do_add_link(api.world.member, api.world.space, url="https://example.org/a",
                       title="A", tags="x", collection="C")
    response = api.call("member", "PATCH", f"/links/{link.pk}", {"collection": "D"})
    data = response.json()
    assert (data["title"], data["tags"], data["collection"]) == ("A", ["x"], "D")
    assert api.call("member", "PATCH", f"/links/{link.pk}", {"title": None}).status_code == 422
    bad = api.call("member", "PATCH", f"/links/{link.pk}", {"url": "gopher://x"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "url"


@pytest.mark.parametrize("path", ["/links/0", "/links/99999999", "/links/-1",
                                  "/links/9223372036854775808"])
def test_missing_or_impossible_ids(api, path):
    """Impossible ids are 422, missing ones 404."""
    assert api.call("member", "GET", path).status_code in (404, 422)


def test_the_answer_carries_the_preview_from_our_origin(api):
    """`preview.status` is pending until fetched, then the texts and an image on this
    server; an empty title is the preview's."""
    created = api.call("member", "POST", f"/spaces/{api.world.space.pk}/links",
                       {"url": "https://example.org/guide"}).json()
    assert created["preview"]["status"] == "pending" and created["title"] == "example.org"
    LinkPreview.objects.update(error="", title="The guide", site_name="Example")
    data = api.call("reader", "GET", f"/links/{created['id']}").json()
    assert data["title"] == "The guide" and data["own_title"] == ""
    assert data["preview"] == {"status": "ready", "title": "The guide", "description": "",
                               "site_name": "Example", "final_url": "", "image_url": ""}
    LinkPreview.objects.update(error="private_address")
    data = api.call("reader", "GET", f"/links/{created['id']}").json()
    assert data["preview"]["status"] == "private_address" and data["title"] == "example.org"


def test_who_else_saved_this_leaks_nothing(api):
    """Savers come from spaces the viewer reads only; the other private space's stays
    hidden."""
    world = api.world
    url = "https://example.org/shared"
    link = do_add_link(world.member, world.space, url=url)
    do_add_link(world.space_admin, world.space, url=url)
    do_add_link(world.owner, world.other_space, url=url)
    data = api.call("reader", "GET", f"/links/{link.pk}/savers").json()
    assert data == {"count": 1, "people": [{"id": world.space_admin.pk,
                                            "display_name": world.space_admin.display_name}]}
    listed = api.call("reader", "GET", f"/spaces/{world.space.pk}/links").json()
    assert {p["id"] for item in listed for p in item["also_saved_by"]} <= {
        world.space_admin.pk, world.member.pk}


def test_my_bookmarks_and_saving_a_copy(api):
    """Saving copies into my personal space once (409 after); /me/links lists mine."""
    world = api.world
    link = do_add_link(world.member, world.space, url="https://example.org/a", title="A")
    first = api.call("reader", "POST", f"/links/{link.pk}/save")
    assert first.status_code == 201
    assert first.json()["space_id"] == world.reader.personal_space.pk
    again = api.call("reader", "POST", f"/links/{link.pk}/save")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_saved"
    mine = api.call("reader", "GET", "/me/links").json()
    assert [item["title"] for item in mine] == ["A"]
    assert api.call("reader", "GET", "/me/links?tag=nothing").json() == []


def test_filters_and_collections(api):
    """Tag, collection and search filters; the collections with their counts."""
    world = api.world
    do_add_link(world.member, world.space, url="https://a.org", title="Alpha", tags="Soin",
                collection="Guides")
    do_add_link(world.member, world.space, url="https://b.org", title="Beta", tags="soins")
    base = f"/spaces/{world.space.pk}/links"
    assert [i["title"] for i in api.call("reader", "GET", f"{base}?tag=soin").json()] == \
        ["Alpha"]
    assert [i["title"] for i in api.call("reader", "GET", f"{base}?collection=Guides")
            .json()] == ["Alpha"]
    assert [i["title"] for i in api.call("reader", "GET", f"{base}?q=bet").json()] == ["Beta"]
    assert api.call("reader", "GET", f"{base}/collections").json() == [
        {"name": "Guides", "count": 1}]
    assert api.call("reader", "GET", f"{base}?limit=0").status_code == 422
