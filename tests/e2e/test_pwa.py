"""The installable app and web push in a real Chromium against a real `atrium serve`.

What a browser vendor's push service does cannot happen here (Chromium's
`PushManager.subscribe()` registers with Google's service, unreachable from the test
machine), so the test plays the two ends it can: a subscription made with the test's own
keys pointing at a push service on 127.0.0.1 (the server runs with
ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS), and a push delivered straight to the service worker
through the DevTools protocol (`ServiceWorker.deliverPushMessage`), which the worker turns
into a shown notification.
"""

from __future__ import annotations

import json
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.flows import first_run, open_tab, t
from tests.e2e.server import Server, clean_environment, start_server
from tests.notifications.push_service import Device, PushService

pytestmark = pytest.mark.browser


def axe_available() -> bool:
    try:
        axe.axe_source()
    except (axe.AxeUnavailable, OSError):
        if axe.must_run():
            raise
        return False
    return True


@pytest.fixture(scope="module")
def push_service() -> Iterator[PushService]:
    service = PushService().start()
    yield service
    service.stop()


@pytest.fixture
def push_server() -> Iterator[Server]:
    """A fresh instance that accepts the local push service's http://127.0.0.1 endpoint."""
    with tempfile.TemporaryDirectory(prefix="atrium-e2e-pwa-") as root:
        env = clean_environment(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS="true")
        server = start_server(Path(root) / "data", env=env)
        try:
            yield server
        finally:
            server.stop()


def test_pwa_manifest_worker_and_push(browser, push_server, push_service):
    """First start makes the VAPID key; the manifest is linked, valid and its icons load;
    the service worker registers at "/" and becomes active on the device page; a push
    delivered to it shows a notification; a subscription to a local push service receives
    the page's test notification, which the test decrypts."""
    key_file = push_server.data_dir / "vapid_private.pem"
    assert key_file.exists(), "atrium serve did not generate the VAPID key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    tab = open_tab(browser, push_server, "en", bypass_csp=True)  # bypass: axe is injected
    first_run(tab, push_server.setup_token(), "Push", "Paula Push", "paula@example.org")
    page = tab.page

    # The manifest: linked from every page, valid JSON, icons that load.
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/manifest.webmanifest"
    answer = page.request.get(push_server.url + href)
    assert answer.status == 200 and answer.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(answer.body())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        loaded = page.request.get(push_server.url + icon["src"])
        assert loaded.status == 200, icon
        assert loaded.headers["content-type"] == "image/png"
        assert loaded.body()[:8] == b"\x89PNG\r\n\x1a\n"

    # The service worker: registered by the device page, active, scope "/".
    tab.context.grant_permissions(["notifications"], origin=push_server.url)
    assert tab.goto("/profile/push/") == 200
    expect(page.locator("#push-device")).to_have_attribute("data-worker", "active")
    registration = page.evaluate("""async () => {
        const r = await navigator.serviceWorker.getRegistration("/");
        return {scope: r.scope, script: r.active && r.active.scriptURL,
                state: r.active && r.active.state};
    }""")
    assert registration == {"scope": push_server.url + "/",
                            "script": push_server.url + "/sw.js", "state": "activated"}
    expect(page.locator("#push-status")).to_have_text(
        t("en", "Notifications are off for this device."))

    # A push delivered to the worker (as the browser would after decrypting it) is shown,
    # with its tag and an address on this site only.
    cdp = tab.context.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    versions: list[dict] = []
    cdp.on("ServiceWorker.workerVersionUpdated", lambda e: versions.extend(e["versions"]))
    page.wait_for_timeout(300)
    registration_id = next(v["registrationId"] for v in versions
                           if v["scriptURL"].endswith("/sw.js"))
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": push_server.url, "registrationId": registration_id,
        "data": json.dumps({"title": "Mia mentioned you", "body": "Ward round",
                            "url": "https://evil.example/", "tag": "feed:mention:1",
                            "id": 1})})
    shown = None
    for _attempt in range(50):
        shown = page.evaluate("""async () => {
            const r = await navigator.serviceWorker.getRegistration("/");
            return (await r.getNotifications()).map(
                (n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}));
        }""")
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [{"title": "Mia mentioned you", "body": "Ward round",
                      "tag": "feed:mention:1", "url": push_server.url + "/"}]

    # A subscription the way the page's script saves it, to the local push service; the
    # page's test button then reaches it, encrypted for this "device".
    device = Device(push_service.url("/e2e-device"))
    saved = page.evaluate("""async (body) => {
        const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
        const r = await fetch("/api/v1/push/subscriptions", {method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
            body: JSON.stringify(body)});
        return r.status;
    }""", {**device.subscription(), "user_agent": "E2E device"})
    assert saved == 201
    tab.goto("/profile/push/")
    expect(page.locator("strong", has_text="E2E device")).to_be_visible()
    if axe_available():  # this page's own content; the shell is scanned by test_accessibility
        page.add_script_tag(content=axe.axe_source())
        result = page.evaluate("async () => await axe.run('#main', {resultTypes: ['violations']})")
        found = [v for v in result["violations"] if v.get("impact") in axe.BLOCKING]
        assert not found, axe.describe(found, "/profile/push/ (#main)")
    page.get_by_role("button", name=t("en", "Send me a test notification")).click()
    expect(page.locator(".messages")).to_contain_text(
        t("en", "A test notification was sent to %(count)d device(s).") % {"count": 1})
    [received] = push_service.to("/e2e-device")
    assert device.decrypt(received)["tag"] == "atrium-test"

    # Turning notifications on for real: Playwright's contexts are incognito, where Chromium
    # refuses the Push API (https://crbug.com/41124656); in a persistent profile, subscribe()
    # waits for Google's push service, unreachable here. The page must say so, not break.
    page.get_by_role("button", name=t("en", "Turn on notifications on this device")).click()
    expect(page.locator("#push-status")).to_have_attribute("data-state", "failed")
    expect(page.locator("#push-status")).to_have_text(
        t("en", "Something went wrong: notifications could not be changed on this device."))
    assert not [e for e in tab.console_errors if "push.js" in e], tab.console_errors
    tab.close()
