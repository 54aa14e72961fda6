"""The service worker's own logic, run in Node with a fake `self` (sw_harness.js): what a
push shows, where a click leads (this site only), how a replaced subscription is reported.
The browser test (tests/e2e/test_pwa.py) shows a push in Chromium; a click on a system
notification cannot be driven there."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

NODE = shutil.which("node")
HARNESS = Path(__file__).with_name("sw_harness.js")
ORIGIN = "https://atrium.example.org"

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def run(**scenario) -> dict:
    scenario["source"] = finders.find("notifications/sw.js")
    done = subprocess.run([NODE, str(HARNESS)], input=json.dumps(scenario), text=True,
                          capture_output=True, timeout=30, check=True)
    return json.loads(done.stdout)


def test_a_push_shows_its_title_body_tag_and_link():
    """The payload becomes a notification that replaces one with the same tag."""
    done = run(type="push", raw=json.dumps({
        "title": "Mia mentioned you", "body": "Ward round", "url": ORIGIN + "/s/cardio/",
        "tag": "feed:mention:42", "id": 7}))
    [shown] = done["shown"]
    assert shown["title"] == "Mia mentioned you"
    options = shown["options"]
    assert (options["body"], options["tag"], options["renotify"]) == (
        "Ward round", "feed:mention:42", True)
    assert options["data"] == {"url": ORIGIN + "/s/cardio/", "id": 7}
    assert (options["icon"], options["badge"]) == ("/static/i.png", "/static/b.png")


@pytest.mark.parametrize("url", ["https://evil.example/", "javascript:alert(1)",
                                 "//evil.example/x", None])
def test_a_push_never_links_to_another_site(url):
    """A link elsewhere (or none) becomes this site's home page."""
    done = run(type="push", raw=json.dumps({"title": "t", "url": url}))
    assert done["shown"][0]["options"]["data"]["url"] == ORIGIN + "/"


@pytest.mark.parametrize("raw", [None, "not json", json.dumps([1, 2]), "null", "\"text\""])
def test_an_empty_or_broken_push_still_shows_something(raw):
    """Browsers require a shown notification per push: a neutral one is shown."""
    done = run(type="push", raw=raw)
    assert [s["title"] for s in done["shown"]] == ["Atrium"]


def test_a_click_focuses_the_tab_already_on_that_page():
    """An open tab at the target is focused; nothing is opened or navigated."""
    target = ORIGIN + "/s/cardio/"
    done = run(type="notificationclick", data={"url": target},
               windows=[{"url": ORIGIN + "/"}, {"url": target}])
    assert done["focused"] == [target]
    assert done["opened"] == [] and done["navigated"] == []


def test_a_click_brings_an_atrium_tab_to_the_page():
    """Another Atrium tab is focused and navigated to the target; other sites' tabs are
    left alone."""
    target = ORIGIN + "/s/cardio/"
    done = run(type="notificationclick", data={"url": target},
               windows=[{"url": "https://other.example/"}, {"url": ORIGIN + "/people/"}])
    assert done["focused"] == [ORIGIN + "/people/"]
    assert done["navigated"] == [[ORIGIN + "/people/", target]]
    assert done["opened"] == []


@pytest.mark.parametrize(("url", "expected"), [
    (ORIGIN + "/s/cardio/", ORIGIN + "/s/cardio/"),
    ("https://evil.example/", ORIGIN + "/"),
    ("javascript:alert(1)", ORIGIN + "/"),
])
def test_without_an_atrium_tab_a_click_opens_this_site_only(url, expected):
    """No Atrium tab: a window opens on the target, or on the home page when the target
    is not on this site."""
    done = run(type="notificationclick", data={"url": url},
               windows=[{"url": "https://other.example/"}])
    assert done["opened"] == [expected]
    assert done["focused"] == []


def test_a_replaced_subscription_is_reported_with_the_old_secret():
    """pushsubscriptionchange posts the old endpoint and auth secret and the new
    subscription to /api/v1/push/renew, without cookies."""
    old = {"endpoint": "https://push.example/old", "keys": {"p256dh": "P1", "auth": "A1"}}
    fresh = {"endpoint": "https://push.example/new", "keys": {"p256dh": "P2", "auth": "A2"}}
    done = run(type="pushsubscriptionchange", old=old, fresh=fresh)
    [call] = done["fetched"]
    assert call["url"] == "/api/v1/push/renew"
    assert call["init"]["method"] == "POST" and call["init"]["credentials"] == "omit"
    assert json.loads(call["init"]["body"]) == {
        "old_endpoint": old["endpoint"], "old_auth": "A1", "endpoint": fresh["endpoint"],
        "keys": fresh["keys"]}
