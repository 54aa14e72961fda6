"""What a person does in the feed, step by step, for the browser tests of tests/e2e/test_feed.py."""

from __future__ import annotations

import base64
import re
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


def upload_url(tab: Tab) -> str:
    """The address of the page, for forms and fetches that need it."""
    return tab.page.url


def b64_png() -> str:
    return base64.b64encode(png_bytes()).decode()


def new_posts_bar(tab: Tab) -> Locator:
    return tab.page.locator(".feed-new-bar")


def only_digits(text: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(text)}\b")
