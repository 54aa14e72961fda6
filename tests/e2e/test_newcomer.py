"""The newcomer's path, in a real browser against a real `atrium serve`, in English and French:
first start, organisation, a private space, a member and a guest invited, the guest confined
to its space, the member switching a module off in its own space."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import (
    accept_invitation,
    create_space,
    first_run,
    invite,
    open_tab,
    space_slugs,
    t,
)

pytestmark = pytest.mark.browser

PEOPLE = {
    "en": {"org": "Parkside Clinic", "owner": "Helen Martin", "member": "Samuel Okafor",
           "guest": "Greta Lindqvist"},
    "fr": {"org": "Clinique du Parc", "owner": "Hélène Martin", "member": "Théo Dubois",
           "guest": "Zoé Garnier"},
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_newcomer_path(browser, fresh_server, lang):
    """First start to invited guest and module switched off, in the browser's language."""
    names = PEOPLE[lang]
    owner = open_tab(browser, fresh_server, lang)
    first_run(owner, fresh_server.setup_token(), names["org"], names["owner"],
              "owner@example.org")
    page = owner.page
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_contain_text(names["owner"])
    expect(page.locator(".brand")).to_have_text(names["org"])

    cardio = create_space(owner, "Cardiologie", "private")
    direction = create_space(owner, "Direction", "private")

    member_link = invite(owner, "member@example.org", "member")
    guest_link = invite(owner, "guest@example.org", "guest", spaces=("Cardiologie",))
    assert member_link != guest_link

    guest = open_tab(browser, fresh_server, lang)
    accept_invitation(guest, guest_link, names["guest"])
    gpage = guest.page
    expect(gpage.locator("html")).to_have_attribute("lang", lang)
    expect(gpage.locator("main").get_by_role("heading", name=t(lang, "My spaces"),
                                             exact=True)).to_be_visible()
    assert space_slugs(gpage, "main") == {cardio}
    assert space_slugs(gpage, "nav.sidebar") == {cardio}
    assert guest.goto("/spaces/") == 200
    assert space_slugs(gpage, "main") == {cardio}
    assert guest.goto(f"/s/{cardio}/") == 200
    assert guest.goto("/people/") == 404
    assert guest.goto(f"/s/{direction}/") == 404

    member = open_tab(browser, fresh_server, lang)
    accept_invitation(member, member_link, names["member"])
    assert member.goto(f"/s/{direction}/") == 200  # private spaces are visible to members
    own = create_space(member, "Qualité" if lang == "fr" else "Quality", "open")
    mpage = member.page
    links_tab = mpage.locator(f"nav.tabs a[href='/s/{own}/links/']")
    expect(links_tab).to_have_text(t(lang, "Links"))
    assert member.goto(f"/s/{own}/links/") == 200

    assert member.goto(f"/s/{own}/settings/") == 200
    module_form = mpage.locator(f"form[action='/s/{own}/settings/modules/links/']")
    module_form.locator("input[name=enabled]").uncheck()
    with mpage.expect_response(lambda r: r.request.method == "POST"
                               and r.url.endswith("/settings/modules/links/")) as posted:
        module_form.locator("button[type=submit]").click()
    assert posted.value.status in (200, 302, 303), posted.value.status
    mpage.wait_for_load_state()
    assert member.goto(f"/s/{own}/") == 200
    expect(mpage.locator("nav.tabs")).to_be_visible()
    expect(mpage.locator(f"a[href^='/s/{own}/links/']")).to_have_count(0)
    assert member.goto(f"/s/{own}/links/") == 404

    for tab in (owner, guest, member):
        csp = [error for error in tab.console_errors if "Content Security Policy" in error]
        assert csp == [], csp
        tab.close()
