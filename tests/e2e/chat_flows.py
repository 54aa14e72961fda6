"""What a person does in the chat, step by step, for the browser tests of tests/e2e/test_chat.py."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, expect

from tests.e2e.flows import Tab, t


@dataclass
class ChatWorld:
    """An instance with an open space, two channels and two people (one English, one French)."""

    server: Any
    slug: str
    general: int
    random: int
    owner_state: dict
    member_state: dict
    mallory_state: dict
    owner_name: str
    member_name: str


def png_bytes(colour: tuple[int, int, int] = (200, 40, 40),
              size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def create_channel(tab: Tab, slug: str, name: str, topic: str = "", private: bool = False) -> int:
    """Create a channel from the space's chat page; return its id."""
    page, lang = tab.page, tab.lang
    assert tab.goto(f"/s/{slug}/chat/") == 200
    page.get_by_label(t(lang, "Name"), exact=True).fill(name)
    page.get_by_label(t(lang, "Topic"), exact=True).fill(topic)
    page.locator(f"input[name=kind][value={'private' if private else 'public'}]").check()
    page.get_by_role("button", name=t(lang, "Create the channel")).click()
    expect(page).to_have_url(re.compile(r"/chat/c/\d+/$"))
    match = re.search(r"/chat/c/(\d+)/$", page.url)
    assert match
    return int(match.group(1))


def join_space(tab: Tab, slug: str) -> None:
    page = tab.page
    assert tab.goto(f"/s/{slug}/") == 200
    with page.expect_navigation():
        page.locator(f"form[action='/s/{slug}/join/'] button").click()


def join_channels(tab: Tab, slug: str) -> None:
    """Join every public channel of the space from its chat page."""
    page = tab.page
    assert tab.goto(f"/s/{slug}/chat/") == 200
    buttons = page.locator(".channel-list form button")
    while buttons.count():
        with page.expect_navigation():
            buttons.first.click()
        assert tab.goto(f"/s/{slug}/chat/") == 200


def open_channel(tab: Tab, channel_id: int) -> None:
    assert tab.goto(f"/chat/c/{channel_id}/") == 200
    expect(tab.page.locator("#rt-status")).to_have_attribute("data-state", "live")


def composer(tab: Tab, scope: str = ".chat-pane") -> Locator:
    return tab.page.locator(f"{scope} form[data-composer] textarea")


def send(tab: Tab, text: str, scope: str = ".chat-pane") -> Locator:
    """Put a message in the composer and send it with Enter; return it."""
    box = composer(tab, scope)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")
    return last_message(tab, scope)


def last_message(tab: Tab, scope: str = ".chat-pane") -> Locator:
    return tab.page.locator(f"{scope} .chat-messages > .msg").last


def message_with(tab: Tab, text: str, scope: str = ".chat-pane") -> Locator:
    return tab.page.locator(f"{scope} .chat-messages > .msg").filter(has_text=text).last


def tool(tab: Tab, message: Locator, action: str) -> Locator:
    """A message's tool button, once the pointer is over the message (they show on hover)."""
    message.hover()
    return message.locator(f".msg-tools [data-act={action}]")


def paste_image(tab: Tab, scope: str = ".chat-pane", name: str = "pasted.png") -> None:
    """Paste an image into the composer, as a screenshot pasted from the clipboard would."""
    data = base64.b64encode(png_bytes((30, 90, 200))).decode()
    composer(tab, scope).evaluate(
        """(box, [data, name]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "image/png"}));
            box.dispatchEvent(new ClipboardEvent("paste",
                {clipboardData: transfer, bubbles: true, cancelable: true}));
        }""", [data, name])


def sidebar_entry(tab: Tab, channel_id: int) -> Locator:
    return tab.page.locator(f".chat-sidebar [data-channel='{channel_id}']")


def open_direct(tab: Tab, name: str) -> int:
    """Start a direct conversation with the person called `name`; return its id."""
    page, lang = tab.page, tab.lang
    assert tab.goto("/chat/new-direct/") == 200
    page.get_by_label(t(lang, "Find people"), exact=True).press_sequentially(name[:6])
    page.locator("#direct-results").get_by_label(name).check()
    page.get_by_role("button", name=t(lang, "Open the conversation")).click()
    expect(page).to_have_url(re.compile(r"/chat/c/\d+/$"))
    match = re.search(r"/chat/c/(\d+)/$", page.url)
    assert match
    return int(match.group(1))


def drop_file(tab: Tab, name: str, text: str) -> None:
    """Drop a file on the conversation, as one dragged from the desktop would be."""
    tab.page.locator(".chat-pane").evaluate(
        """(pane, [name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "text/plain"}));
            for (const type of ["dragover", "drop"]) {
                pane.dispatchEvent(new DragEvent(type,
                    {dataTransfer: transfer, bubbles: true, cancelable: true}));
            }
        }""", [name, text])
