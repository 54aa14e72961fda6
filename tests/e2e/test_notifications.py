"""The notification bell in two browsers against a real `atrium serve`: the owner follows the
member, whose open page sees the bell count rise live over the websocket; the member opens
the centre, the notification's link marks it read, and the bell empties; no script error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import postgres_url
from tests.e2e.flows import accept_invitation, first_run, invite, open_tab, t
from tests.e2e.server import running_server

pytestmark = pytest.mark.browser

OWNER, MEMBER = "Helen Martin", "Théo Dubois"


def test_bell_rises_live_and_the_centre_marks_read(browser):
    """A follow reaches the member's bell without reloading; opening it marks it read."""
    with running_server(database_url=postgres_url(), prefix="atrium-notif-e2e-") as server:
        owner = open_tab(browser, server, "en")
        first_run(owner, server.setup_token(), "Parkside Clinic", OWNER, "owner@example.org")
        member = open_tab(browser, server, "en")
        accept_invitation(member, invite(owner, "member@example.org", "member"), MEMBER)

        member.goto("/spaces/")
        bell = member.page.locator("#notif-bell")
        count = member.page.locator("#notif-count")
        expect(bell).to_be_visible()
        expect(count).to_be_hidden()
        expect(member.page.locator("#rt-status")).to_have_attribute("data-state", "live")

        owner.goto("/people/")
        owner.page.locator("#people-results").get_by_role("link", name=MEMBER).click()
        owner.page.get_by_role("button", name=t("en", "Follow")).click()
        expect(owner.page.get_by_role("button", name=t("en", "Unfollow"))).to_be_visible()

        expect(count).to_have_text("1")
        expect(count).to_be_visible()
        expect(bell).to_have_attribute("aria-label", re.compile("1"))

        bell.click()
        expect(member.page).to_have_url(re.compile(r"/notifications/$"))
        item = member.page.locator("#notif-list li.card-accent")
        expect(item).to_have_count(1)
        item.get_by_role("link").click()
        expect(member.page).not_to_have_url(re.compile(r"/notifications/$"))
        member.goto("/notifications/")
        expect(member.page.locator("#notif-list li.card-accent")).to_have_count(0)
        expect(count).to_be_hidden()

        for person in (owner, member):
            assert person.console_errors == [], person.console_errors
        owner.close()
        member.close()
