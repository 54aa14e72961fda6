"""The feed in two browsers, one in English and one in French, against a real `atrium
serve`: a post with an image, a hashtag and a poll reaches the other person behind a live
"1 new post" bar; comments, replies, reactions and votes update live on the other side; an
announcement asks for read confirmation and its author sees who confirmed; hostile text in
posts, comments, poll options and hashtags never runs; the pages pass axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.chat_flows import join_space
from tests.e2e.conftest import postgres_url
from tests.e2e.feed_flows import (
    FeedWorld,
    b64_png,
    comment,
    new_posts_bar,
    open_home,
    post_card,
    seed_feed,
    write_post,
)
from tests.e2e.flows import accept_invitation, create_space, first_run, invite, open_tab, t
from tests.e2e.server import running_server

pytestmark = pytest.mark.browser

OWNER, MEMBER = "Helen Martin", "Théo Dubois"


@pytest.fixture(scope="module")
def world(browser):
    """One instance: an open space "Cardiologie" made by the owner (English); a member
    (French) who joined it."""
    with running_server(database_url=postgres_url(), prefix="atrium-feed-e2e-") as server:
        owner = open_tab(browser, server, "en")
        first_run(owner, server.setup_token(), "Parkside Clinic", OWNER, "owner@example.org")
        slug = create_space(owner, "Cardiologie", "open")
        owner.goto("/feed/")
        space_id = int(owner.page.locator("#composer select[name=space] option",
                                          has_text="Cardiologie").get_attribute("value") or 0)
        member = open_tab(browser, server, "fr")
        accept_invitation(member, invite(owner, "member@example.org", "member"), MEMBER)
        join_space(member, slug)
        state = FeedWorld(server, slug, space_id, owner.context.storage_state(),
                          member.context.storage_state())
        owner.close()
        member.close()
        yield state


def people(browser, world: FeedWorld, **options):
    owner = open_tab(browser, world.server, "en", storage_state=world.owner_state, **options)
    member = open_tab(browser, world.server, "fr", storage_state=world.member_state, **options)
    dialogs: list[str] = []
    for tab in (owner, member):
        tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return owner, member, dialogs


def test_post_comment_react_and_vote_live(browser, world):
    """A post with an image, a hashtag and a poll reaches the other person behind the bar;
    a comment, a reply, a reaction and a vote show live on the other side."""
    owner, member, dialogs = people(browser, world)
    a, b = owner.page, member.page
    open_home(owner)
    open_home(member)
    expect(b.locator("html")).to_have_attribute("lang", "fr")

    write_post(owner, world.space_id, "Nouvelle salle de repos #Urgences", image=True,
               options=("Lundi", "Mardi"))
    mine = post_card(owner, "Nouvelle salle de repos")
    expect(mine.locator(".post-gallery img")).to_be_visible()

    # The member sees the bar, not the post, until they ask for it.
    bar = new_posts_bar(member)
    expect(bar).to_be_visible()
    expect(bar).to_have_text(re.compile(r"\b1\b"))
    expect(b.locator("#feed-items article.post")).to_have_count(0)
    bar.click()
    card = post_card(member, "Nouvelle salle de repos")
    expect(card).to_be_visible()
    expect(bar).to_be_hidden()
    image = card.locator(".post-gallery img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    expect(card.locator("a[href='/feed/tags/urgences/']")).to_have_text("#Urgences")

    # A comment from the member shows live for the owner; the owner replies.
    comment(member, card, "Enfin !")
    owners = post_card(owner, "Nouvelle salle de repos")
    expect(owners.locator(".comment-body").filter(has_text="Enfin")).to_be_visible()
    first = owners.locator("li.comment").filter(has_text="Enfin").first
    first.locator("a[data-reply]").click()
    expect(first.locator("form.comment-form textarea")).to_be_focused()
    first.locator("form.comment-form textarea").fill("Thanks for asking for it")
    first.locator("form.comment-form button[type=submit]").click()
    expect(card.locator(".comment-replies .comment-body")).to_have_text(
        "Thanks for asking for it")

    # A reaction and a vote from the member reach the owner's page in place.
    card.locator(".post-reactions details.reaction-picker summary").click()
    card.locator(".post-reactions .reaction-choices button[value='🎉']").click()
    expect(card.locator(".post-reactions .reaction-list button[value='🎉']")).to_have_attribute(
        "aria-pressed", "true")
    expect(owners.locator(".post-reactions .reaction-list button[value='🎉'] .reaction-count")
           ).to_have_text("1")
    card.locator(".post-poll label", has_text="Mardi").click()
    card.locator(".post-poll button[type=submit]").press("Enter")
    expect(owners.locator(".poll-option", has_text="Mardi")).to_contain_text("100%")
    # The answer redraws the poll; the keyboard stays on its button.
    expect(card.locator(".post-poll button[type=submit]")).to_be_focused()

    # The hashtag is a page of its own.
    owners.locator("a[href='/feed/tags/urgences/']").click()
    expect(a).to_have_url(re.compile(r"/feed/tags/urgences/$"))
    expect(post_card(owner, "Nouvelle salle de repos")).to_be_visible()

    assert dialogs == []
    assert owner.console_errors == [] and member.console_errors == []
    owner.close()
    member.close()


def test_announcement_with_read_confirmation(browser, world):
    """The admin pins an announcement asking for confirmation; the member confirms; the
    admin sees the member among those who confirmed."""
    owner, member, _ = people(browser, world)
    open_home(owner)
    write_post(owner, world.space_id, "Nouveau protocole d'hygiène", announce=True,
               confirm=True)
    open_home(member)
    section = member.page.locator(".announcements")
    card = section.locator("article.post").filter(has_text="Nouveau protocole")
    expect(card).to_be_visible()
    card.get_by_role("button", name=t("fr", "I have read it")).click()
    expect(card.locator(".post-confirm")).to_contain_text(t("fr", "Read and confirmed"))

    mine = owner.page.locator(".announcements article.post").filter(has_text="Nouveau protocole")
    mine.get_by_role("link", name=t("en", "Who has confirmed, who has not")).click()
    expect(owner.page.locator(".confirmed-list")).to_contain_text(MEMBER)
    owner.close()
    member.close()


XSS = [
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '"><svg onload="window.__xss=2;alert(2)">',
    "<script>window.__xss=3;alert(3)</script>",
    "[click me](javascript:window.__xss=4;alert(4))",
    "#<script>alert(5)</script> #x<img/src=x/onerror=alert(6)>",
]


def test_hostile_text_never_runs(browser, world):
    """Posts, comments, poll options and hashtags full of script never run in either page."""
    owner, member, dialogs = people(browser, world)
    open_home(member)
    write_post(member, world.space_id, "\n\n".join(["XSS corpus", *XSS]),
               options=(XSS[0], XSS[1]))
    card = post_card(member, "XSS corpus")
    for n, text in enumerate(XSS[2:4], start=1):
        card.locator(".post-comments > form.comment-form textarea").fill(text)
        card.locator(".post-comments > form.comment-form button[type=submit]").click()
        expect(card.locator("li.comment")).to_have_count(n)
    for tab in (owner, member):
        open_home(tab)
        shown = post_card(tab, "XSS corpus")
        expect(shown).to_be_visible()
        shown.locator(".post-body a").filter(has_text="click me").evaluate(
            "link => link.click()") if shown.locator(".post-body a").filter(
            has_text="click me").count() else None
        tab.goto(f"/s/{world.slug}/feed/")
        tab.goto("/feed/search/?q=corpus")
        expect(tab.page.locator("article.post")).to_have_count(1)
        tab.goto("/feed/tags/script/")
        assert tab.page.evaluate("() => window.__xss") is None
    assert dialogs == []
    owner.close()
    member.close()


FEED_PAGES = ["/", "/feed/?order=activity", "/s/{slug}/feed/", "/feed/announcements/",
              "/feed/search/?q=protocole", "/feed/tags/urgences/", "/s/{slug}/feed/reports/"]


@pytest.fixture(scope="module")
def axe_ready():
    try:
        axe.axe_source()
    except (axe.AxeUnavailable, OSError) as error:
        if axe.must_run():
            raise
        pytest.skip(f"axe-core unavailable: {error}")


def test_feed_pages_pass_axe_in_english_and_french(browser, world, axe_ready):
    """Every feed page with posts, polls, comments and announcements: no serious or critical
    axe-core violation, in English (admin) and French (member), light and dark."""
    owner, member, _ = people(browser, world, bypass_csp=True)
    post = owner.page
    open_home(owner)
    href = post.locator("#feed-items article.post .post-time").first.get_attribute("href")
    reports = []
    # The pages of one post's actions, where this person may use them (else 404, skipped).
    actions = [f"{href}{name}/" for name in ("pin", "report", "share", "edit", "confirmations")]
    scanned = 0
    for tab in (owner, member):
        for path in [*FEED_PAGES, href, *actions]:
            if "reports" in path and tab is member:
                continue
            status = tab.goto(path.format(slug=world.slug))
            if path in actions and status == 404:
                continue
            assert status == 200, (path, status)
            scanned += 1
            for scheme in ("light", "dark"):
                tab.page.emulate_media(color_scheme=scheme)
                found = axe.check_page(tab.page)
                if found:
                    reports.append(axe.describe(found, f"{path} ({tab.lang}, {scheme})"))
            tab.page.emulate_media(color_scheme="light")
    assert not reports, "\n".join(reports)
    assert scanned >= 2 * len(FEED_PAGES) + 2, scanned
    owner.close()
    member.close()


def test_mention_suggestions_and_phone_width(browser, world):
    """Typing @ and a few letters suggests people; Enter inserts the mention, which the
    post shows as the person's name. At phone width nothing scrolls sideways."""
    owner, member, _ = people(browser, world)
    page = owner.page
    page.set_viewport_size({"width": 375, "height": 800})
    open_home(owner)
    box = page.locator("#composer-body")
    box.press_sequentially("Welcome @Th")
    suggestion = page.locator(".mention-list [role=option]").first
    expect(suggestion).to_have_text(MEMBER)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Enter")
    expect(box).to_have_value(re.compile(r"^Welcome <@\d+> $"))
    box.press_sequentially("to the team")
    # An image pasted into the text (a screenshot) joins the post's images.
    box.evaluate(
        """(box, data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "pasted.png", {type: "image/png"}));
            box.dispatchEvent(new ClipboardEvent("paste",
                {clipboardData: transfer, bubbles: true, cancelable: true}));
        }""", b64_png())
    expect(page.locator("#composer .composer-chosen")).to_contain_text("pasted.png")
    page.locator("#composer select[name=space]").select_option(str(world.space_id))
    with page.expect_navigation():
        page.locator("#composer button[type=submit]").click()
    card = post_card(owner, "to the team")
    expect(card.locator(".post-body .mention")).to_have_text(f"@{MEMBER}")
    expect(card.locator(".post-gallery img[alt='pasted.png']")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll("main *")]
        .filter((e) => e.getBoundingClientRect().right > 376)
        .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        .slice(0, 8)""")
    assert width <= 375, (width, wide)
    page.screenshot(path="/tmp/feed-phone.png", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    card.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/feed-desktop.png", full_page=False)
    owner.close()
    member.close()


def test_load_more_appends_the_next_page(browser, world):
    """Past 20 posts, "load more" appends the older ones in place (no new page) and moves
    the focus to the first of them."""
    owner, member, _ = people(browser, world)
    seed_feed(owner, 21)
    open_home(member)
    page = member.page
    cards = page.locator("#feed-items article.post")
    expect(cards).to_have_count(20)
    url = page.url
    page.locator("[data-more-link]").click()
    expect(cards).not_to_have_count(20)
    assert cards.count() > 20
    assert page.url == url
    expect(cards.nth(20)).to_be_focused()
    assert member.console_errors == []
    owner.close()
    member.close()
