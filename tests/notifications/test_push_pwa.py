"""The installable app (manifest, service worker), the page "Notifications on this device",
and the VAPID key's configuration and check."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from PIL import Image

from atrium import config
from atrium.kernel.management import health
from atrium.notifications import vapid
from atrium.notifications.models import PushSubscription
from atrium.notifications.push_subscriptions import do_subscribe
from tests.factories import make_org, make_user
from tests.notifications.push_service import Device, PushService

pytestmark = pytest.mark.django_db


def test_the_manifest_is_valid_and_its_icons_exist(org):
    """Anonymous browsers (they fetch it without cookies) get the manifest, with a 192 and
    a 512 icon and a maskable one that are real PNGs of the size they claim."""
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    assert manifest["theme_color"].startswith("#")
    purposes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add(icon["purpose"])
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}


def test_the_manifest_follows_the_request_language(org):
    """French browsers get `lang: fr`, English ones `lang: en`."""
    fr = Client().get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    en = Client().get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert json.loads(fr.content)["lang"] == "fr"
    assert json.loads(en.content)["lang"] == "en"
    assert "Accept-Language" in fr["Vary"]


def test_the_service_worker_is_served_from_the_root(org):
    """/sw.js: JavaScript, allowed to control "/", never cached stale, icons filled in, and
    without a fetch handler (nothing private is cached)."""
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert "/*ATRIUM_CONFIG*/" not in source
    assert '"icon":"/static/notifications/icon-192.png"' in source
    assert 'addEventListener("push"' in source and 'addEventListener("notificationclick"' in source
    assert 'addEventListener("fetch"' not in source and "caches." not in source


def test_every_page_links_the_manifest(client_for):
    """The shell's <head> links the manifest and sets the theme colour."""
    page = client_for(make_user()).get("/profile/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color"' in page


def test_the_device_page_needs_a_sign_in(org):
    """Anonymous: sent to the sign-in page."""
    response = Client().get("/profile/push/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_device_page_lists_my_devices_only_and_carries_the_key(client_for):
    """The page holds the VAPID key for the script and my devices, not others'."""
    alice, bob = make_user(), make_user()
    device = Device("https://push.example.org/alice")
    keys = device.subscription()["keys"]
    do_subscribe(alice, endpoint=device.endpoint, user_agent="Alice's phone", **keys)
    do_subscribe(bob, endpoint="https://push.example.org/bob", user_agent="Bob's laptop",
                 **Device("x").subscription()["keys"])
    page = client_for(alice).get("/profile/push/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-key="{vapid.public_key()}"' in html
    assert "Alice&#x27;s phone" in html and "Bob" not in html
    assert "notifications/push.js" in html


def test_removing_a_device_from_the_page(client_for):
    """Removing my device deletes it; someone else's id changes nothing."""
    alice, bob = make_user(), make_user()
    keys = Device("x").subscription()["keys"]
    mine, _new = do_subscribe(alice, endpoint="https://push.example.org/a", **keys)
    theirs, _new = do_subscribe(bob, endpoint="https://push.example.org/b", **keys)
    client = client_for(alice)
    assert client.post(f"/profile/push/{theirs.pk}/remove/").status_code == 302
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()
    assert client.post(f"/profile/push/{mine.pk}/remove/").status_code == 302
    assert not PushSubscription.objects.filter(pk=mine.pk).exists()
    assert client.get(f"/profile/push/{theirs.pk}/remove/").status_code == 405


def test_the_test_button_pushes_to_my_device(client_for):
    """"Send me a test notification" reaches my device through the push service."""
    service = PushService().start()
    try:
        with override_settings(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS=True):
            alice = make_user()
            device = Device(service.url("/alice"))
            do_subscribe(alice, endpoint=device.endpoint, **device.subscription()["keys"])
            response = client_for(alice).post("/profile/push/test/", follow=True)
        assert response.status_code == 200
        assert device.decrypt(service.to("/alice")[0])["tag"] == "atrium-test"
    finally:
        service.stop()


# The key ------------------------------------------------------------------------------------

def test_the_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    """No variable: a P-256 key is written to <data>/vapid_private.pem with mode 600, and the
    next read gives the same key."""
    monkeypatch.delenv("ATRIUM_VAPID_PRIVATE_KEY", raising=False)
    first = config.vapid_keys(tmp_path)
    key_file = tmp_path / "vapid_private.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.curve.name == "secp256r1"
    assert config.vapid_keys(tmp_path).private_numbers() == first.private_numbers()


@pytest.mark.parametrize("form", ["pem", "pem-escaped", "raw", "der"])
def test_the_key_from_the_environment_in_each_form(tmp_path, monkeypatch, form):
    """PEM (also with \\n written out), raw base64url and DER base64url give the same key;
    no file is written."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    value = {"pem": pem, "pem-escaped": pem.replace("\n", "\\n"),
             "raw": base64.urlsafe_b64encode(raw).decode().rstrip("="),
             "der": base64.urlsafe_b64encode(der).decode().rstrip("=")}[form]
    monkeypatch.setenv("ATRIUM_VAPID_PRIVATE_KEY", value)
    assert config.vapid_keys(tmp_path).private_numbers() == key.private_numbers()
    assert not (tmp_path / "vapid_private.pem").exists()


@pytest.mark.parametrize("value", ["nonsense", "AAAA", "-----BEGIN PRIVATE KEY-----\nxx\n"])
def test_a_bad_key_in_the_environment_is_a_configuration_error(tmp_path, monkeypatch, value):
    """A value that is no P-256 key stops with a clear ConfigError."""
    monkeypatch.setenv("ATRIUM_VAPID_PRIVATE_KEY", value)
    with pytest.raises(config.ConfigError, match="ATRIUM_VAPID_PRIVATE_KEY"):
        config.vapid_keys(tmp_path)


def test_the_check_warns_until_there_is_a_key(tmp_path, monkeypatch):
    """`atrium check`: a warning while no key exists, OK once generated; an error in
    --deploy while the test-only setting is on."""
    monkeypatch.delenv("ATRIUM_VAPID_PRIVATE_KEY", raising=False)
    with override_settings(DATA_DIR=Path(tmp_path)):
        assert health.web_push(deploy=False).level == health.WARNING
        vapid.ensure_keys()
        assert health.web_push(deploy=False).level == health.OK
        with override_settings(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS=True):
            assert health.web_push(deploy=True).level == health.ERROR


def test_the_subject_defaults_to_the_sender_address(monkeypatch):
    """ATRIUM_VAPID_SUBJECT wins; else mailto: the sender; else the https site address."""
    monkeypatch.delenv("ATRIUM_VAPID_SUBJECT", raising=False)
    with override_settings(DEFAULT_FROM_EMAIL="Atrium <no-reply@example.org>"):
        assert vapid.subject() == "mailto:no-reply@example.org"
    with override_settings(DEFAULT_FROM_EMAIL="Atrium <atrium@localhost>",
                           SITE_URL="https://atrium.example.org"):
        assert vapid.subject() == "https://atrium.example.org"
    monkeypatch.setenv("ATRIUM_VAPID_SUBJECT", "mailto:it@example.org")
    assert vapid.subject() == "mailto:it@example.org"


@pytest.fixture
def org(db):
    return make_org()
