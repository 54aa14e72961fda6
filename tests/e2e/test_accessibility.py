"""axe-core finds no serious or critical violation on the shell pages, in English and French,
in the light and the dark colour scheme."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.conftest import postgres_url
from tests.e2e.flows import create_space, first_run, invite, open_tab
from tests.e2e.server import running_server

pytestmark = pytest.mark.browser

OWNER_PAGES = {
    "home": "/",
    "spaces": "/spaces/",
    "space-create": "/spaces/new/",
    "space-home": "/s/{slug}/",
    "space-members": "/s/{slug}/members/",
    "space-settings": "/s/{slug}/settings/",
    "space-links": "/s/{slug}/links/",
    "people": "/people/",
    "person": "/people/{me}/",
    "profile": "/profile/",
    "manage": "/manage/",
    "manage-invitations": "/manage/invitations/",
    "feed-home": "/feed/?order=activity",
    "space-feed": "/s/{slug}/feed/",
    "feed-announcements": "/feed/announcements/",
    "feed-search": "/feed/search/?q=guide",
    "feed-hashtag": "/feed/tags/guide/",
    "notifications": "/notifications/",
    "notification-preferences": "/notifications/preferences/",
}


@pytest.fixture(scope="package")
def axe_ready():
    try:
        axe.axe_source()
    except (axe.AxeUnavailable, OSError) as error:
        if axe.must_run():
            raise
        pytest.skip(f"axe-core unavailable: {error}")


def scan(tab, where: str) -> str:
    """Scan the current page in light then dark; '' when clean, else a report."""
    reports = []
    for scheme in ("light", "dark"):
        tab.page.emulate_media(color_scheme=scheme)
        found = axe.check_page(tab.page)
        if found:
            reports.append(axe.describe(found, f"{where} ({tab.lang}, {scheme})"))
    tab.page.emulate_media(color_scheme="light")
    return "\n".join(reports)


@pytest.fixture(scope="module", params=["en", "fr"])
def instance(request, browser, axe_ready):
    """An organisation set up in the browser's language, with a space holding a link."""
    lang = request.param
    with running_server(database_url=postgres_url()) as server:
        owner = open_tab(browser, server, lang, bypass_csp=True)
        first_run(owner, server.setup_token(), "Atrium Accessibilité", "Ada Lovelace",
                  "ada@example.org")
        slug = create_space(owner, "Cardiologie", "private")
        owner.goto(f"/s/{slug}/links/")
        owner.page.locator("#link-url").fill("https://example.org/guide")
        owner.page.locator("#link-title").fill("Guide")
        owner.page.locator("#link-url").press("Enter")
        expect(owner.page.locator("#link-list")).to_contain_text("Guide")
        me = re.search(r"/people/(\d+)/", owner.page.locator(
            "details.usermenu a[href^='/people/']").first.get_attribute("href") or "")
        assert me, "the user menu links to the person's profile"
        invitation = ""
        with contextlib.suppress(Exception):  # reported by test_anonymous_pages
            invitation = invite(owner, "guest@example.org", "guest", ("Cardiologie",))
        yield {"server": server, "owner": owner, "lang": lang, "slug": slug,
               "me": me.group(1), "invitation": invitation}
        owner.close()


@pytest.mark.parametrize("page_name", list(OWNER_PAGES))
def test_owner_page(instance, page_name):
    """Each page the organisation's owner sees is free of serious violations."""
    owner = instance["owner"]
    path = OWNER_PAGES[page_name].format(slug=instance["slug"], me=instance["me"])
    assert owner.goto(path) == 200, f"{path} did not answer 200"
    report = scan(owner, path)
    assert not report, report


def test_manage_pages(instance):
    """Every page of the admin area linked from /manage/ is free of serious violations."""
    owner = instance["owner"]
    assert owner.goto("/manage/") == 200
    hrefs = owner.page.locator("main a[href^='/manage/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    paths = sorted({h.split("?")[0].split("#")[0] for h in hrefs} - {"/manage/"})
    paths = [p for p in paths if not p.endswith((".csv", "/export/", "/export"))]
    assert "/manage/invitations/" in paths, paths
    reports = []
    for path in paths:
        status = owner.goto(path)
        if status != 200:
            reports.append(f"{path} answered {status}")
            continue
        reports.append(scan(owner, path))
    report = "\n".join(r for r in reports if r)
    assert not report, report


def test_anonymous_pages(browser, instance):
    """The sign-in, password reset and invitation pages are free of serious violations."""
    visitor = open_tab(browser, instance["server"], instance["lang"], bypass_csp=True)
    paths = ["/accounts/login/", "/accounts/password/reset/"]
    if instance["invitation"]:
        paths.append(instance["invitation"])
    reports = []
    for path in paths:
        assert visitor.goto(path) == 200, path
        reports.append(scan(visitor, path))
    visitor.close()
    report = "\n".join(r for r in reports if r)
    assert not report, report
    assert instance["invitation"], "no invitation link could be made at /manage/invitations/"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_setup_pages(browser, fresh_server, axe_ready, lang):
    """The first-run pages (without and with the token) are free of serious violations."""
    tab = open_tab(browser, fresh_server, lang, bypass_csp=True)
    reports = []
    for path in ("/setup/", f"/setup/?token={fresh_server.setup_token()}"):
        assert tab.goto(path) == 200, path
        reports.append(scan(tab, path.split("?")[0]))
    tab.close()
    report = "\n".join(r for r in reports if r)
    assert not report, report


def test_axe_finds_what_it_should(browser, axe_ready):
    """The harness itself reports a missing label, alt text and contrast (it can fail)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><input type="text">'
                     '<img src="x.png"><p class="faint">faint</p></main></html>')
    page.add_style_tag(content=".faint { color: #eee; background: #fff; }")
    found = {violation["id"] for violation in axe.check_page(page)}
    context.close()
    assert {"label", "image-alt", "color-contrast"} <= found, found
