"""Share links opened without an account: what they give, passwords, expiry, revocation,
throttled guessing, audit, and downloads of a file or of a folder's contents."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from atrium.kernel.models.audit import AuditEntry
from atrium.modules.drive import actions
from atrium.modules.drive.api import shared
from tests.api.conftest import PREFIX
from tests.api.drive_fixtures import drive_api_fixture  # noqa: F401  (fixture)
from tests.modules.drive.factories import make_file, make_folder

pytestmark = pytest.mark.django_db


def _get(token: str, suffix: str = "", **headers):
    return Client().get(f"{PREFIX}/drive/shared/{token}{suffix}", **headers)


def _folder_link(api, **kwargs) -> str:
    _link, token = actions.do_create_share_link(api.world.member, api.d.folder, **kwargs)
    return token


def test_a_link_made_through_the_api_opens_for_anyone(drive_api):
    made = drive_api.send("member", "POST", f"/drive/nodes/{drive_api.d.file.pk}/links", {})
    assert made.status_code == 201
    token = made.json()["token"]
    opened = Client().get(made.json()["api_url"])
    assert opened.status_code == 200
    assert opened.json()["node"]["name"] == "plan.txt"
    got = _get(token, "/download")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"the plan, again\n"
    assert got["Content-Disposition"].startswith("attachment")
    listed = drive_api.send("member", "GET", f"/drive/nodes/{drive_api.d.file.pk}/links").json()
    assert listed[0]["access_count"] == 2 and "token" not in listed[0]


def test_a_shared_folder_lists_and_downloads_what_is_inside_only(drive_api):
    member = drive_api.world.member
    inner = make_folder(member, drive_api.d.folder, "Inner")
    deep = make_file(member, inner, "deep.txt", b"deep\n")
    outside = make_file(member, drive_api.d.root, "secret.txt", b"secret\n")
    token = _folder_link(drive_api)
    listing = _get(token, "/children").json()
    assert [i["name"] for i in listing["items"]] == ["Inner", "photo.png", "plan.txt"]
    assert [i["name"] for i in _get(token, f"/children?node_id={inner.pk}").json()["items"]] \
        == ["deep.txt"]
    got = _get(token, f"/download?node_id={deep.pk}")
    assert b"".join(got.streaming_content) == b"deep\n"
    assert _get(token, f"/download?node_id={outside.pk}").status_code == 404
    assert _get(token, f"/children?node_id={outside.pk}").status_code == 404
    assert _get(token, f"/children?node_id={deep.pk}").status_code == 400
    archive = zipfile.ZipFile(io.BytesIO(b"".join(_get(token, "/download").streaming_content)))
    assert "Reports/Inner/deep.txt" in archive.namelist()
    assert archive.read("Reports/Inner/deep.txt") == b"deep\n"


def test_revoked_expired_unknown_and_trashed_links_are_404(drive_api):
    member = drive_api.world.member
    revoked, token_r = actions.do_create_share_link(member, drive_api.d.file)
    actions.do_revoke_share_link(member, revoked)
    expiring, token_e = actions.do_create_share_link(
        member, drive_api.d.file, expires_at=timezone.now() + timedelta(hours=1))
    expiring.expires_at = timezone.now() - timedelta(seconds=1)
    expiring.save()
    _link, token_t = actions.do_create_share_link(member, drive_api.d.folder)
    actions.do_trash(member, drive_api.d.folder)
    for token in (token_r, token_e, token_t, "nope", "x" * 200):
        for suffix in ("", "/children", "/download"):
            answer = _get(token, suffix)
            assert answer.status_code == 404, (token, suffix)
            assert answer.json()["error"]["code"] == "not_found"


def test_passwords_by_header_or_form(drive_api):
    token = _folder_link(drive_api, password="open sesame")
    missing = _get(token)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "password_required"
    wrong = _get(token, HTTP_X_SHARE_PASSWORD="nope")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "wrong_password")
    assert _get(token, HTTP_X_SHARE_PASSWORD="open sesame").status_code == 200
    form = Client().post(f"{PREFIX}/drive/shared/{token}/download?node_id="
                         f"{drive_api.d.file.pk}", {"password": "open sesame"})
    assert form.status_code == 200
    assert b"".join(form.streaming_content) == b"the plan, again\n"
    refused = Client().post(f"{PREFIX}/drive/shared/{token}/download", {"password": "no"})
    assert refused.status_code == 401


def test_every_access_is_audited(drive_api):
    token = _folder_link(drive_api, password="pw")
    before = AuditEntry.objects.count()
    _get(token, HTTP_X_SHARE_PASSWORD="bad")
    _get(token, HTTP_X_SHARE_PASSWORD="pw")
    _get("unknown-token")
    actions_seen = list(AuditEntry.objects.order_by("id").values_list("action", "data")
                        [before:])
    outcomes = [data["outcome"] for _action, data in actions_seen]
    assert outcomes == ["wrong_password", "ok", "unknown"]


def test_wrong_passwords_are_throttled_per_link(drive_api, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(shared, "clock", lambda: now[0])
    token = _folder_link(drive_api, password="right")
    for _attempt in range(shared.MAX_WRONG_PASSWORDS):
        assert _get(token, HTTP_X_SHARE_PASSWORD="wrong").status_code == 401
    stopped = _get(token, HTTP_X_SHARE_PASSWORD="right")
    assert stopped.status_code == 429
    assert stopped.json()["error"]["code"] == "throttled"
    assert int(stopped["Retry-After"]) == shared.WINDOW_SECONDS
    # Another client address is still stopped for this link.
    other = _get(token, HTTP_X_SHARE_PASSWORD="right", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 429
    now[0] += shared.WINDOW_SECONDS + 1
    assert _get(token, HTTP_X_SHARE_PASSWORD="right").status_code == 200


def test_wrong_passwords_are_throttled_per_address(drive_api, monkeypatch):
    monkeypatch.setattr(shared, "clock", lambda: 2_000_000.0)
    tokens = [_folder_link(drive_api, password=f"pw{n}") for n in range(shared.MAX_WRONG_PASSWORDS)]
    for token in tokens:  # one wrong guess on each of many links
        assert _get(token, HTTP_X_SHARE_PASSWORD="guess").status_code == 401
    fresh = _folder_link(drive_api, password="fresh")
    assert _get(fresh, HTTP_X_SHARE_PASSWORD="fresh").status_code == 429
    assert _get(fresh, HTTP_X_SHARE_PASSWORD="fresh", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_missing_password_is_not_counted_as_a_guess(drive_api):
    token = _folder_link(drive_api, password="pw")
    for _attempt in range(shared.MAX_WRONG_PASSWORDS + 2):
        assert _get(token).status_code == 401
    assert _get(token, HTTP_X_SHARE_PASSWORD="pw").status_code == 200


@pytest.mark.parametrize("role", ["guest", "outsider", "member", "deactivated"])
def test_accounts_change_nothing_on_public_links(drive_api, role):
    """A token or a session is not needed, and no account sees more through a link."""
    token = _folder_link(drive_api)
    answer = drive_api.send(role, "GET", f"/drive/shared/{token}")
    assert answer.status_code == 200
