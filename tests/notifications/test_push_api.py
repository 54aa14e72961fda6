"""The push API (/api/v1/push/...) for every role, and its refusals of bad subscriptions."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from atrium.notifications import vapid
from atrium.notifications.models import PushSubscription
from atrium.notifications.push_subscriptions import MAX_DEVICES, do_subscribe
from tests.api.conftest import Api, build_api, matrix
from tests.notifications.push_service import Device, unb64url

pytestmark = pytest.mark.django_db
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"

SIGNED_IN = matrix(anonymous=401, guest=200, outsider=200, reader=200, member=200,
                   space_admin=200, org_admin=200, deactivated=401)


@pytest.fixture
def api(db) -> Api:
    """make_world's private space, a personal API token per role."""
    return build_api()


def body(endpoint: str = ENDPOINT, **override) -> dict:
    data = Device(endpoint).subscription()
    data["user_agent"] = "Firefox on Linux"
    data.update(override)
    return data


@pytest.mark.parametrize(("role", "status"), SIGNED_IN)
def test_get_the_vapid_key(api, role, status):
    """Signed-in people read the key (65-byte P-256 point); others get 401."""
    response = api.call(role, "GET", "/push/key")
    assert response.status_code == status
    if status == 200:
        key = response.json()["public_key"]
        assert key == vapid.public_key()
        assert len(unb64url(key)) == 65 and unb64url(key)[0] == 4


@pytest.mark.parametrize(("role", "status"), matrix(
    anonymous=401, guest=201, outsider=201, reader=201, member=201, space_admin=201,
    org_admin=201, deactivated=401))
def test_subscribe(api, role, status):
    """Each signed-in person subscribes a browser; anonymous and deactivated get 401 and
    nothing is stored."""
    response = api.call(role, "POST", "/push/subscriptions", body())
    assert response.status_code == status
    stored = PushSubscription.objects.filter(endpoint=ENDPOINT)
    if status == 201:
        assert stored.get().user == api.world.user(role)
        assert response.json()["user_agent"] == "Firefox on Linux"
    else:
        assert not stored.exists()


@pytest.mark.parametrize(("role", "status"), SIGNED_IN)
def test_list_shows_only_my_devices(api, role, status):
    """The list holds my subscriptions, never someone else's."""
    api.call("member", "POST", "/push/subscriptions", body(ENDPOINT + "-member"))
    response = api.call(role, "GET", "/push/subscriptions")
    assert response.status_code == status
    if status == 200:
        endpoints = [item["endpoint"] for item in response.json()["items"]]
        assert endpoints == ([ENDPOINT + "-member"] if role == "member" else [])


@pytest.mark.parametrize(("role", "status"), matrix(
    anonymous=401, guest=404, outsider=404, reader=404, member=204, space_admin=404,
    org_admin=404, deactivated=401))
def test_delete_only_my_own(api, role, status):
    """The member removes their subscription; anyone else gets 404 (as for a missing one)
    and it stays."""
    created = api.call("member", "POST", "/push/subscriptions", body()).json()
    response = api.call(role, "DELETE", f"/push/subscriptions/{created['id']}")
    assert response.status_code == status
    assert PushSubscription.objects.filter(pk=created["id"]).exists() == (status != 204)


def test_delete_a_missing_subscription_is_404(api):
    """An id that never existed answers 404 too."""
    assert api.call("member", "DELETE", "/push/subscriptions/999999").status_code == 404


def test_subscribing_again_refreshes_and_another_person_takes_the_browser_over(api):
    """The same endpoint again: 200 and new keys; signed in as someone else on that browser:
    the subscription becomes theirs."""
    first = api.call("member", "POST", "/push/subscriptions", body())
    assert first.status_code == 201
    again = body()
    response = api.call("member", "POST", "/push/subscriptions", again)
    assert response.status_code == 200 and response.json()["id"] == first.json()["id"]
    assert PushSubscription.objects.get().p256dh == again["keys"]["p256dh"]
    response = api.call("reader", "POST", "/push/subscriptions", body())
    assert response.status_code == 200
    assert PushSubscription.objects.get().user == api.world.reader


def test_a_person_keeps_at_most_max_devices(api):
    """Subscribing one more device than the limit forgets the oldest unused one."""
    for n in range(MAX_DEVICES + 1):
        assert api.call("member", "POST", "/push/subscriptions",
                        body(f"{ENDPOINT}/{n}")).status_code == 201
    kept = set(PushSubscription.objects.filter(user=api.world.member)
               .values_list("endpoint", flat=True))
    assert len(kept) == MAX_DEVICES
    assert f"{ENDPOINT}/0" not in kept and f"{ENDPOINT}/{MAX_DEVICES}" in kept


def test_the_device_forgotten_is_the_one_unused_the_longest(api):
    """A device that received a push recently is kept over newer ones never used."""
    for n in range(MAX_DEVICES):
        api.call("member", "POST", "/push/subscriptions", body(f"{ENDPOINT}/{n}"))
    PushSubscription.objects.filter(endpoint=f"{ENDPOINT}/0").update(
        last_used_at=timezone.now())
    api.call("member", "POST", "/push/subscriptions", body(f"{ENDPOINT}/new"))
    kept = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert f"{ENDPOINT}/0" in kept and f"{ENDPOINT}/1" not in kept


BAD_ENDPOINTS = [
    "http://push.example.org/x",         # not https
    "https://127.0.0.1/x",               # loopback
    "https://10.1.2.3/x",                # private
    "https://169.254.169.254/latest",    # link-local (cloud metadata)
    "https://[::1]/x",                   # IPv6 loopback
    "https://[::ffff:10.0.0.1]/x",       # IPv4-mapped private
    "https://[64:ff9b::7f00:1]/x",       # loopback behind NAT64
    "https://[2002:7f00:1::]/x",         # loopback in 6to4
    "https://[::7f00:1]/x",              # loopback, IPv4-compatible form
    "https://localhost/x",
    "https://intranet/x",                # a single-label name: a local host
    "https://user:pw@push.example.org/x",
    "ftp://push.example.org/x",
    "not a url",
    "https://push.example.org:99999/x",
    "",
]


@pytest.mark.parametrize("endpoint", BAD_ENDPOINTS)
def test_a_bad_endpoint_is_refused_with_its_field(api, endpoint):
    """400 naming `endpoint`; nothing stored."""
    response = api.call("member", "POST", "/push/subscriptions", body(endpoint))
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["field"] == "endpoint"
    assert not PushSubscription.objects.exists()


def test_loopback_http_is_accepted_only_with_the_test_setting(api):
    """http://127.0.0.1 is for a local test push service: refused unless the setting is on;
    even then another http:// host is refused."""
    local = "http://127.0.0.1:9/push"
    assert api.call("member", "POST", "/push/subscriptions", body(local)).status_code == 400
    with override_settings(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS=True):
        assert api.call("member", "POST", "/push/subscriptions", body(local)).status_code == 201
        response = api.call("member", "POST", "/push/subscriptions",
                            body("http://push.example.org/x"))
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "endpoint"


@pytest.mark.parametrize(("keys", "field"), [
    ({"p256dh": "AAAA", "auth": "c2l4dGVlbi1ieXRlcy0hIQ"}, "keys.p256dh"),
    ({"p256dh": "B" + "A" * 86, "auth": "c2l4dGVlbi1ieXRlcy0hIQ"}, "keys.p256dh"),  # off curve
    ({"p256dh": "!!not base64!!", "auth": "c2l4dGVlbi1ieXRlcy0hIQ"}, "keys.p256dh"),
    (None, "keys.auth"),
])
def test_bad_keys_are_refused_with_their_field(api, keys, field):
    """A key that is not a P-256 point, or an auth secret that is not 16 bytes: 400."""
    data = body()
    if keys is None:
        data["keys"]["auth"] = "dG9vIHNob3J0"
    else:
        data["keys"] = keys
    response = api.call("member", "POST", "/push/subscriptions", data)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["field"] == field
    assert not PushSubscription.objects.exists()


def test_unknown_fields_and_missing_keys_are_422(api):
    """The body is checked by its schema: an unknown field or no keys answers 422."""
    assert api.call("member", "POST", "/push/subscriptions",
                    body(extra="x")).status_code == 422
    data = body()
    del data["keys"]
    assert api.call("member", "POST", "/push/subscriptions", data).status_code == 422


def test_a_browser_session_needs_the_csrf_token(client_for, world):
    """With a session cookie, POST without X-CSRFToken is 403 and stores nothing."""
    client = client_for(world.member)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/push/subscriptions", body(), content_type="application/json")
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_signing_out_ends_this_browsers_subscription(client_for, world):
    """A subscription made in a browser session is deleted when that session signs out;
    the same person's other devices keep theirs."""
    other_device = Device("https://push.example.org/other").subscription()
    do_subscribe(world.member, endpoint=other_device["endpoint"], **other_device["keys"])
    client = client_for(world.member)
    response = client.post("/api/v1/push/subscriptions", body(),
                           content_type="application/json")
    assert response.status_code == 201
    assert client.post("/accounts/logout/").status_code == 302
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == \
        [other_device["endpoint"]]


def test_a_token_client_has_no_session_to_end(api):
    """Subscribing with an API token stores nothing in a session (and creates none)."""
    response = api.call("member", "POST", "/push/subscriptions", body())
    assert response.status_code == 201
    assert "sessionid" not in response.cookies


def renewal(old: dict, new: dict, **override) -> dict:
    data = {"old_endpoint": old["endpoint"], "old_auth": old["keys"]["auth"],
            "endpoint": new["endpoint"], "keys": new["keys"]}
    data.update(override)
    return data


def test_the_service_worker_renews_a_replaced_subscription(api):
    """Without a session or token, the old endpoint and its auth secret move the person's
    subscription to the new endpoint and keys (204)."""
    old, new = body(ENDPOINT + "/old"), body(ENDPOINT + "/new")
    api.call("member", "POST", "/push/subscriptions", old)
    response = api.call(None, "POST", "/push/renew", renewal(old, new))
    assert response.status_code == 204
    sub = PushSubscription.objects.get()
    assert (sub.user, sub.endpoint, sub.p256dh) == (api.world.member, new["endpoint"],
                                                    new["keys"]["p256dh"])


@pytest.mark.parametrize("wrong", ["auth", "endpoint"])
def test_renewing_without_the_old_secret_is_404(api, wrong):
    """A wrong auth secret or an unknown old endpoint: 404, nothing changes."""
    old, new = body(ENDPOINT + "/old"), body(ENDPOINT + "/new")
    api.call("member", "POST", "/push/subscriptions", old)
    override = ({"old_auth": body()["keys"]["auth"]} if wrong == "auth"
                else {"old_endpoint": ENDPOINT + "/unknown"})
    response = api.call(None, "POST", "/push/renew", renewal(old, new, **override))
    assert response.status_code == 404
    assert PushSubscription.objects.get().endpoint == old["endpoint"]


def test_renewing_to_a_bad_endpoint_is_400(api):
    """The new endpoint is checked like any other: 400 naming `endpoint`."""
    old = body(ENDPOINT + "/old")
    api.call("member", "POST", "/push/subscriptions", old)
    response = api.call(None, "POST", "/push/renew",
                        renewal(old, body("https://169.254.169.254/x")))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "endpoint"
    assert PushSubscription.objects.get().endpoint == old["endpoint"]
