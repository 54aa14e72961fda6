"""WebDAV rights: every role against a private space's drive, with exact statuses; secret
spaces and other people's drives invisible; tokens that no longer work answer 401."""

from __future__ import annotations

import pytest

from atrium.kernel.actions.tokens import do_revoke_token
from atrium.kernel.models import ApiToken, Visibility
from atrium.modules.drive.models import Node
from tests.factories import make_space
from tests.modules.drive.factories import fresh

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "guest", "outsider", "reader", "member", "space_admin", "deactivated"]
# A drive someone may not read does not exist for them: 404, or 409 when the request needs
# an existing parent folder (PUT, MKCOL), exactly as for a drive that does not exist.
EXPECTED = {
    #               anonymous guest outsider reader member admin deactivated
    "PROPFIND": (401, 404, 404, 207, 207, 207, 401),
    "GET": (401, 404, 404, 200, 200, 200, 401),
    "PUT": (401, 409, 409, 403, 201, 201, 401),
    "MKCOL": (401, 409, 409, 403, 201, 201, 401),
    "DELETE": (401, 404, 404, 403, 204, 204, 401),
    "MOVE": (401, 404, 404, 403, 201, 201, 401),
}


def _call(dav, drive, user, method: str):
    base = f"/dav/{drive.space.slug}"
    if method == "PROPFIND":
        return dav.propfind(user, base + "/Reports/")
    if method == "GET":
        return dav.request(user, "GET", base + "/Reports/plan.txt")
    if method == "PUT":
        return dav.request(user, "PUT", base + "/Reports/new.txt", b"new bytes")
    if method == "MKCOL":
        return dav.request(user, "MKCOL", base + "/Minutes")
    if method == "DELETE":
        return dav.request(user, "DELETE", base + "/Reports/plan.txt")
    return dav.request(user, "MOVE", base + "/Reports/plan.txt",
                       destination=f"http://testserver{base}/moved.txt")


@pytest.mark.parametrize("method", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(dav, drive, role, method):
    """Each role gets exactly its status; a refused write changes nothing."""
    user = drive.user(role)
    before = list(Node.objects.order_by("pk").values_list("pk", "name", "parent_id",
                                                          "trashed_at", "current_id"))
    answer = _call(dav, drive, user, method)
    expected = EXPECTED[method][ROLES.index(role)]
    assert answer.status == expected, answer.body[:400]
    after = list(Node.objects.order_by("pk").values_list("pk", "name", "parent_id",
                                                         "trashed_at", "current_id"))
    if expected >= 400 or method in ("PROPFIND", "GET"):
        assert after == before
    if expected == 401:
        assert answer.headers["www-authenticate"].startswith('Basic realm="Atrium"')
    if method == "GET" and expected == 200:
        assert answer.body == b"the plan\n"
    if method == "DELETE" and expected == 204:
        assert fresh(drive.file).trashed_at is not None  # in the trash, not gone
    if method == "MOVE" and expected == 201:
        moved = fresh(drive.file)
        assert (moved.name, moved.parent_id) == ("moved.txt", drive.root.pk)


def test_the_root_lists_only_readable_drives(dav, drive):
    """`/dav/` holds one's own drive and the spaces one may read; never a secret space one
    is not in, nor anybody else's personal drive."""
    world = drive.world
    make_space(world.owner, Visibility.SECRET, "Board")
    for role, spaces in (("member", {"cardiology"}), ("outsider", set()),
                         ("guest", {world.other_space.slug})):
        answer = dav.propfind(world.user(role), "/dav/")
        assert answer.status == 207
        listed = {href.strip("/").split("/")[-1] for href in answer.hrefs()} - {"dav"}
        assert listed == {"~personal"} | spaces, role
    secret = make_space(world.owner, Visibility.SECRET, "Secret board")
    assert dav.propfind(world.member, f"/dav/{secret.slug}/").status == 404
    member_personal = f"/dav/u-{world.member.pk}/"
    assert dav.propfind(world.outsider, member_personal).status == 404
    assert dav.propfind(world.member, member_personal).status == 207


def test_revoked_tokens_wrong_passwords_and_other_schemes_are_401(dav, drive):
    member = drive.world.member
    assert dav.propfind(member, "/dav/").status == 207
    token = ApiToken.objects.get(user=member)
    do_revoke_token(member, token)
    assert dav.propfind(member, "/dav/").status == 401
    assert dav.propfind(member, "/dav/", password="atr_nope_nope").status == 401
    bearer = dav.request(None, "PROPFIND", "/dav/", depth="1",
                         authorization=f"Bearer {dav.token(drive.world.reader)}")
    assert bearer.status == 401


def test_failed_sign_ins_are_throttled_per_address(dav, drive):
    """Ten wrong tokens from one address: the eleventh request is 429 even with a good
    token; another address is not affected."""
    reader = drive.world.reader
    for _ in range(10):
        assert dav.propfind(reader, "/dav/", password="atr_wrong_guess").status == 401
    refused = dav.propfind(reader, "/dav/")
    assert refused.status == 429 and refused.headers["retry-after"]
    assert dav.propfind(reader, "/dav/", address="10.0.0.2").status == 207


def test_propfind_depth_infinity_is_refused(dav, drive):
    answer = dav.propfind(drive.world.member, f"/dav/{drive.space.slug}/", depth="infinity")
    assert answer.status == 403 and b"propfind-finite-depth" in answer.body
    no_depth = dav.request(drive.world.member, "PROPFIND", f"/dav/{drive.space.slug}/")
    assert no_depth.status == 403
