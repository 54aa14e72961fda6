"""Modules: the organisation's switches and each space's rights matrix."""

import pytest

from atrium.kernel import modules as module_state
from atrium.kernel.models import Space
from tests.api.conftest import matrix

EVERYONE = {"anonymous": 401, "guest": 200, "outsider": 200, "reader": 200, "member": 200,
                "space_admin": 200, "org_admin": 200, "deactivated": 401}


@pytest.mark.parametrize("role,status", matrix(**EVERYONE))
def test_list_modules(api, role, status):
    """Everyone signed in sees the installed modules and whether they are on."""
    response = api.call(role, "GET", "/modules")
    assert response.status_code == status
    if status == 200:
        assert {"id": "links", "enabled": True}.items() <= \
            {m["id"]: m for m in response.json()}["links"].items()


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=403, outsider=403, reader=403, member=403, space_admin=403,
    org_admin=200, deactivated=401))
def test_switch_module(api, role, status):
    """Only the organisation's admins switch a module for the instance."""
    response = api.call(role, "PUT", "/modules/links", {"enabled": False})
    assert response.status_code == status
    assert module_state.enabled_for_instance("links") is (status != 200)


def test_switched_off_module_answers_404_everywhere(api):
    """Once off, the module's API answers 404 and it leaves the space's module list."""
    path = f"/spaces/{api.world.space.pk}/links"
    assert api.call("member", "GET", path).status_code == 200
    assert api.call("org_admin", "PUT", "/modules/links", {"enabled": False}).status_code == 200
    assert api.call("member", "GET", path).status_code == 404
    listed = api.call("member", "GET", f"/spaces/{api.world.space.pk}/modules").json()
    assert "links" not in {m["id"] for m in listed}
    assert api.call("org_admin", "PUT", "/modules/links", {"enabled": True}).status_code == 200
    assert api.call("member", "GET", path).status_code == 200


@pytest.mark.parametrize("path,body,status", [
    ("/modules/nosuchmodule", {"enabled": False}, 404),
    ("/modules/links", {"enabled": "maybe"}, 422),
    ("/modules/links", {}, 422),
    ("/modules/links", {"enabled": True, "for": "all"}, 422),
    ("/modules/Links!", {"enabled": True}, 422),
    ("/modules/" + "a" * 300, {"enabled": True}, 422),
])
def test_switch_module_refuses_bad_input(api, path, body, status):
    """Unknown modules are 404; bad bodies and ids are 422."""
    assert api.call("org_admin", "PUT", path, body).status_code == status


@pytest.mark.parametrize("role,status,access", [
    pytest.param(*row, id=row[0]) for row in [
        ("anonymous", 401, None), ("guest", 404, None), ("outsider", 200, "none"),
        ("reader", 200, "read"), ("member", 200, "write"), ("space_admin", 200, "write"),
        ("org_admin", 200, "none"), ("deactivated", 401, None)]
])
def test_list_space_modules(api, role, status, access):
    """Who sees the space lists its modules with their own access to each."""
    response = api.call(role, "GET", f"/spaces/{api.world.space.pk}/modules")
    assert response.status_code == status
    if status == 200:
        links = {m["id"]: m for m in response.json()}["links"]
        assert links["my_access"] == access
        assert (links["member_access"], links["reader_access"]) == ("write", "read")


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=200,
    org_admin=200, deactivated=401))
def test_configure_space_module(api, role, status):
    """The space's admins set the module's matrix; readers then lose access."""
    response = api.call(role, "PUT", f"/spaces/{api.world.space.pk}/modules/links",
                        {"reader_access": "none"})
    assert response.status_code == status
    setting = module_state.space_setting(Space.objects.get(pk=api.world.space.pk), "links")
    assert setting.reader_access == ("none" if status == 200 else "read")
    if status == 200:
        assert response.json()["enabled"] is True
        path = f"/spaces/{api.world.space.pk}/links"
        assert api.call("reader", "GET", path).status_code == 404


def test_space_module_switched_off(api):
    """A space admin switches a module off for the space: its API answers 404 there."""
    base = f"/spaces/{api.world.space.pk}"
    response = api.call("space_admin", "PUT", f"{base}/modules/links", {"enabled": False})
    assert response.status_code == 200 and response.json()["my_access"] == "none"
    assert api.call("member", "GET", f"{base}/links").status_code == 404


@pytest.mark.parametrize("body,status", [
    ({"member_access": "admin"}, 422), ({"enabled": "yes please"}, 422),
    ({"colour": "red"}, 422), ({"reader_access": None}, 422),
])
def test_configure_space_module_refuses_bad_input(api, body, status):
    """Unknown access levels and fields answer 422."""
    response = api.call("space_admin", "PUT", f"/spaces/{api.world.space.pk}/modules/links",
                        body)
    assert response.status_code == status


def test_configure_module_switched_off_for_the_instance(api):
    """A module off for the organisation cannot be configured in a space: clear 400."""
    api.call("org_admin", "PUT", "/modules/links", {"enabled": False})
    response = api.call("space_admin", "PUT", f"/spaces/{api.world.space.pk}/modules/links",
                        {"enabled": True})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "module_off"
