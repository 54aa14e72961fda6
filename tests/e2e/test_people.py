"""People in two browsers against a real `atrium serve`: a French member fills in skills
and a manager, the English owner narrows the directory to that skill (htmx swaps the
results in place, and the address keeps the filter), opens the profile, follows and
unfollows without any script error; hostile profile text never runs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import postgres_url
from tests.e2e.flows import accept_invitation, first_run, invite, open_tab, t
from tests.e2e.server import running_server

pytestmark = pytest.mark.browser

OWNER, MEMBER = "Helen Martin", "Théo Dubois"
HOSTILE = '<img src=x onerror="window.__pwned=1">'


def test_directory_profile_and_follow(browser):
    """Skills and manager saved by the member show on the directory and profile; the owner
    filters by skill and follows them; no hostile text runs."""
    with running_server(database_url=postgres_url(), prefix="atrium-people-e2e-") as server:
        owner = open_tab(browser, server, "en")
        first_run(owner, server.setup_token(), "Parkside Clinic", OWNER, "owner@example.org")
        member = open_tab(browser, server, "fr")
        accept_invitation(member, invite(owner, "member@example.org", "member"), MEMBER)

        member.goto("/profile/")
        page = member.page
        page.locator("input[name=team]").fill("Urgences")
        page.locator("input[name=skills]").fill(f"triage, suture, {HOSTILE}")
        page.locator("select[name=manager]").select_option(label=OWNER)
        page.locator("form").filter(has=page.locator("input[name=skills]")) \
            .locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/profile/$"))
        expect(page.locator("input[name=skills]")).to_have_value(
            f"triage, suture, {HOSTILE}")

        tab = owner.page
        owner.goto("/people/")
        expect(tab.locator("#people-results")).to_contain_text(MEMBER)
        expect(tab.locator("#people-results")).to_contain_text(OWNER)
        tab.locator("#facet-skill").select_option("suture")
        expect(tab.locator("#people-results")).not_to_contain_text(OWNER)
        expect(tab.locator("#people-results")).to_contain_text(MEMBER)
        expect(tab).to_have_url(re.compile(r"skill=suture"))
        expect(tab.locator("#people-results .tag", has_text="onerror")).to_have_count(1)

        tab.locator("#people-results").get_by_role("link", name=MEMBER).click()
        expect(tab.get_by_role("heading", level=1)).to_have_text(MEMBER)
        expect(tab.get_by_role("link", name=OWNER)).to_be_visible()
        expect(tab.locator(".tags").get_by_role("link", name="suture")).to_be_visible()
        tab.get_by_role("button", name=t("en", "Follow")).click()
        expect(tab.get_by_role("button", name=t("en", "Unfollow"))).to_be_visible()
        expect(tab.locator(".follow-counts")).to_contain_text("1 follower")
        tab.get_by_role("button", name=t("en", "Unfollow")).click()
        expect(tab.get_by_role("button", name=t("en", "Follow"))).to_be_visible()
        expect(tab.locator(".follow-counts")).to_contain_text("0 followers")

        for person in (owner, member):
            assert person.page.evaluate("window.__pwned") is None
            assert person.console_errors == [], person.console_errors
        owner.close()
        member.close()
