"""What a person does in the feed, step by step, for the browser tests of tests/e2e/test_feed.py."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, expect

from tests.e2e.chat_flows import png_bytes
from tests.e2e.flows import Tab, t


@dataclass
class FeedWorld:
    """An instance with an open space; its admin writes in English, a member in French."""

    server: Any
    slug: str
    space_id: int
    owner_state: dict
    member_state: dict


def wait_live(tab: Tab) -> None:
    expect(tab.page.locator("#rt-status")).to_have_attribute("data-state", "live")


def open_home(tab: Tab) -> None:
    assert tab.goto("/") == 200
    expect(tab.page.locator("#composer")).to_be_visible()
    wait_live(tab)


def post_card(tab: Tab, text: str) -> Locator:
    return tab.page.locator("#feed-items article.post").filter(has_text=text).first


def write_post(tab: Tab, space_id: int, body: str, *, image: bool = False,
               options: tuple[str, ...] = (), announce: bool = False,
               confirm: bool = False) -> None:
    """Fill the home page's composer and publish; the page comes back with the post."""
    page, lang = tab.page, tab.lang
    form = page.locator("#composer")
    select = form.locator("select[name=space]")
    if select.count():
        select.select_option(str(space_id))
    form.get_by_label(t(lang, "Your post"), exact=True).fill(body)
    if image:
        form.locator("input[name=images]").set_input_files(
            {"name": "ward.png", "mimeType": "image/png", "buffer": png_bytes()})
        expect(form.locator(".composer-chosen")).to_contain_text("ward.png")
    if options:
        form.locator(".composer-poll summary").click()
        for n, option in enumerate(options, start=1):
            form.locator(f"#poll-option-{n}").fill(option)
    if announce:
        form.get_by_label(t(lang, "Pin as an announcement"), exact=True).check()
    if confirm:
        form.get_by_label(t(lang, "Ask for read confirmation"), exact=True).check()
    with page.expect_navigation():
        form.get_by_role("button", name=t(lang, "Publish")).click()


def comment(tab: Tab, card: Locator, text: str) -> None:
    box = card.locator(".post-comments > form.comment-form textarea")
    box.fill(text)
    card.locator(".post-comments > form.comment-form button[type=submit]").click()
    expect(card.locator(".comment-body").filter(has_text=text)).to_be_visible()


def b64_png() -> str:
    return base64.b64encode(png_bytes()).decode()


def new_posts_bar(tab: Tab) -> Locator:
    return tab.page.locator(".feed-new-bar")


def seed_feed(tab: Tab, count: int = 20, space: str = "Cardiologie") -> None:
    """`count` posts in the space called `space`, sent as the composer's form sends them:
    Markdown with a hashtag, an image every fifth post (the newest among them), a poll every
    fourth; then three comments on each post."""
    assert tab.goto("/feed/") == 200
    tab.page.evaluate(
        """async ([count, png, name]) => {
            const form = document.getElementById("composer");
            const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
            const space = [...form.querySelectorAll("select[name=space] option")]
                .find((o) => o.textContent === name).value;
            const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
            for (let i = 0; i < count; i++) {
                const body = new FormData();
                body.append("csrfmiddlewaretoken", token);
                body.append("space", space);
                body.append("body", `Post ${i}: **the ward's** news of the day, with a longer ` +
                    `sentence so the card is realistic. #atrium #ward${i % 3}`);
                if (i % 5 === 4) {
                    body.append("images", new File([bytes], `photo${i}.png`, {type: "image/png"}));
                }
                if (i % 4 === 0) {
                    body.append("poll_option", "Yes");
                    body.append("poll_option", "No");
                }
                const answer = await fetch("/feed/new/", {
                    method: "POST", body, headers: {"X-Atrium-Fetch": "1"}});
                if (!answer.ok) throw new Error(`post ${i}: ${answer.status}`);
                const url = new DOMParser().parseFromString(await answer.text(), "text/html")
                    .querySelector("article.post").dataset.url;
                for (let c = 0; c < 3; c++) {
                    const comment = new FormData();
                    comment.append("csrfmiddlewaretoken", token);
                    comment.append("body", `Comment ${c} on post ${i}: agreed, let us do it.`);
                    const sent = await fetch(`${url}comment/`, {
                        method: "POST", body: comment, headers: {"X-Atrium-Fetch": "1"}});
                    if (!sent.ok) throw new Error(`comment ${c} on ${i}: ${sent.status}`);
                }
            }
        }""", [count, base64.b64encode(png_bytes(size=(800, 600))).decode(), space])
