"""Two people chat in real time in two browsers, one in English and one in French, against a
real `atrium serve`: typing, Markdown and code, mentions with badges, threads, reactions,
edits, deletes, images by file chooser and by paste; hostile input never runs; the pages pass
axe-core and stay light."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import axe
from tests.e2e.chat_flows import (
    ChatWorld,
    create_channel,
    drop_file,
    join_channels,
    join_space,
    message_with,
    open_channel,
    open_direct,
    paste_image,
    png_bytes,
    send,
    sidebar_entry,
    tool,
)
from tests.e2e.conftest import postgres_url
from tests.e2e.flows import accept_invitation, create_space, first_run, invite, open_tab, t
from tests.e2e.server import running_server
from tests.e2e.weight import measure

pytestmark = pytest.mark.browser

OWNER, MEMBER = "Helen Martin", "Théo Dubois"
EVIL_NAME = '<img src=x onerror="alert(13)">'  # a third person's display name
CHAT_BUDGET_BYTES = 150 * 1024
SHOTS = "/tmp"


@pytest.fixture(scope="module")
def world(browser):
    """One instance for the module: an open space, #general and #random, the owner (English)
    and a member (French) in both channels."""
    with running_server(database_url=postgres_url(), prefix="atrium-chat-e2e-") as server:
        owner = open_tab(browser, server, "en")
        first_run(owner, server.setup_token(), "Parkside Clinic", OWNER, "owner@example.org")
        slug = create_space(owner, "Cardiologie", "open")
        general = create_channel(owner, slug, "general", "Everything about the ward")
        random = create_channel(owner, slug, "random")
        link = invite(owner, "member@example.org", "member")
        member = open_tab(browser, server, "fr")
        accept_invitation(member, link, MEMBER)
        join_space(member, slug)
        join_channels(member, slug)
        mallory = open_tab(browser, server, "en")
        accept_invitation(mallory, invite(owner, "mallory@example.org", "member"), EVIL_NAME)
        join_space(mallory, slug)
        state = ChatWorld(server, slug, general, random, owner.context.storage_state(),
                          member.context.storage_state(), mallory.context.storage_state(),
                          OWNER, MEMBER)
        for tab in (owner, member, mallory):
            tab.close()
        yield state


def people(browser, world: ChatWorld, **options):
    owner = open_tab(browser, world.server, "en", storage_state=world.owner_state, **options)
    member = open_tab(browser, world.server, "fr", storage_state=world.member_state, **options)
    dialogs: list[str] = []
    for tab in (owner, member):
        tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return owner, member, dialogs


def test_two_people_chat_live(browser, world):
    """Typing, Markdown, a mention with badges, a thread, a reaction, an edit, a delete and
    images reach the other person live, each in their own language."""
    owner, member, dialogs = people(browser, world)
    a, b = owner.page, member.page
    open_channel(owner, world.general)
    open_channel(member, world.general)
    expect(b.locator("html")).to_have_attribute("lang", "fr")
    expect(b.locator(".chat-pane .composer-help")).to_have_text(
        t("fr", "Enter to send, Shift+Enter for a new line, Up to edit your last message."))

    # Typing shows on the other side, in French.
    a.locator(".chat-pane textarea").press_sequentially("Bonjour")
    expect(b.locator(".chat-pane .typing")).to_have_text(
        t("fr", "%(name)s is typing…") % {"name": OWNER})
    a.locator(".chat-pane textarea").press("Enter")
    expect(message_with(member, "Bonjour")).to_be_visible()
    expect(b.locator(".chat-pane .typing")).to_have_text("")

    # B reads another channel; A writes Markdown, code and a mention: B's badges count it.
    open_channel(member, world.random)
    entry = sidebar_entry(member, world.general)
    expect(entry.locator(".count-unread")).to_be_hidden()
    box = a.locator(".chat-pane textarea")
    box.press_sequentially("**Urgent**: see @Th")
    expect(a.locator(".chat-pane .suggest [role=option]").first).to_have_text(MEMBER)
    box.press("Enter")
    expect(box).to_have_value(re.compile(f"@{MEMBER} $"))
    for line in ("", "```python", "def dose(weight): return weight * 2  # mg", "```"):
        box.press("Shift+Enter")
        if line:
            box.press_sequentially(line)
    box.press("Enter")
    expect(entry.locator(".count-unread .n")).to_have_text("1")
    expect(entry.locator(".count-mentions .n")).to_have_text("1")
    expect(b).to_have_title(re.compile(r"^\(1\) "))
    entry.locator("a").click()
    expect(b).to_have_url(re.compile(f"/chat/c/{world.general}/$"))
    urgent = message_with(member, "Urgent")
    expect(urgent).to_have_class(re.compile(r"\bmsg-mention\b"))
    expect(urgent.locator("strong")).to_have_text("Urgent")
    expect(urgent.locator(".mention.mention-me")).to_have_text(f"@{MEMBER}")
    expect(urgent.locator("pre code.language-python .hl-k").first).to_have_text("def")
    expect(urgent.locator("pre code .hl-c")).to_have_text("# mg")
    expect(b.locator(".chat-unread-line")).to_have_text(t("fr", "New messages"))
    expect(sidebar_entry(member, world.general).locator(".count-mentions")).to_be_hidden()
    b.screenshot(path=f"{SHOTS}/chat-fr-member.png")

    # B answers in a thread; A sees the reply count, then the reply in the thread.
    tool(member, urgent, "reply").click()
    expect(b.locator("#chat-side h2")).to_have_text(t("fr", "Thread"))
    send(member, "Je regarde tout de suite", scope="#chat-side")
    expect(b.locator("#chat-side .chat-messages > .msg")).to_have_count(2)
    a_urgent = message_with(owner, "Urgent")
    expect(a_urgent.locator(".msg-replies a")).to_have_text("1 reply")
    a_urgent.locator(".msg-replies a").click()
    expect(message_with(owner, "Je regarde", scope="#chat-side")).to_be_visible()
    a.locator("#chat-side [data-close-side]").click()
    expect(a.locator("#chat-side")).to_be_hidden()

    # A reacts; B sees the reaction and its count.
    tool(owner, a_urgent, "react").click()
    a.locator(".emoji-picker [data-pick='👍']").click()
    expect(urgent.locator(".reaction[data-emoji='👍'] .reaction-count")).to_have_text("1")
    expect(a_urgent.locator(".reaction[data-emoji='👍']")).to_have_attribute("aria-pressed", "true")

    # B writes, then edits with Up in the empty composer; A sees the new text, marked edited.
    send(member, "Le patient est en salle 12")
    b_box = b.locator(".chat-pane textarea")
    b_box.press("ArrowUp")
    editor = b.locator(".msg-editor textarea")
    expect(editor).to_have_value("Le patient est en salle 12")
    editor.fill("Le patient est en salle 14")
    editor.press("Enter")
    edited = message_with(owner, "salle 14")
    expect(edited.locator(".msg-edited")).to_be_visible()
    expect(edited.locator(".msg-edited")).to_have_text("(edited)")
    expect(message_with(member, "salle 14").locator(".msg-edited")).to_have_text(
        t("fr", "(edited)"))

    # A deletes a message of its own; B sees it gone, in French.
    mistake = send(owner, "Wrong ward, sorry")
    expect(message_with(member, "Wrong ward")).to_be_visible()
    tool(owner, mistake, "delete").click()
    a.locator(".msg-confirm .button-danger").click()
    mistake_id = mistake.get_attribute("data-id")
    gone = member.page.locator(f".chat-messages > .msg[data-id='{mistake_id}']")
    expect(gone.locator(".msg-gone")).to_have_text(t("fr", "Message deleted"))
    expect(gone.locator(".msg-body")).to_be_empty()

    # An image through the file chooser, another by paste: both show their thumbnails.
    a.locator(".chat-pane input[type=file]").set_input_files(
        files=[{"name": "ecg.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(a.locator(".chat-pane .pending li[data-id] img")).to_have_count(1)
    paste_image(owner)
    expect(a.locator(".chat-pane .pending li[data-id] img")).to_have_count(2)
    a.locator(".chat-pane textarea").press_sequentially("Two traces")
    a.locator(".chat-pane textarea").press("Enter")
    images = message_with(member, "Two traces").locator(".file-image img")
    expect(images).to_have_count(2)
    expect(images.first).to_have_attribute("alt", "ecg.png")
    b.wait_for_function("""() => [...document.querySelectorAll('.file-image img')]
        .every((img) => img.complete && img.naturalWidth > 0)""")
    a.screenshot(path=f"{SHOTS}/chat-en-owner.png")

    # A opens a direct conversation: it appears in B's sidebar live; once B has read it, A
    # sees the receipt. A file B drops on it goes with B's next message.
    direct = open_direct(owner, MEMBER)
    send(owner, "Un café ?")
    direct_entry = sidebar_entry(member, direct)
    expect(direct_entry.locator(".count-unread .n")).to_have_text("1")
    direct_entry.locator("a").click()
    expect(message_with(member, "Un café")).to_be_visible()
    expect(a.locator("#chat-receipts")).to_have_text(
        t("en", "Seen by %(names)s") % {"names": MEMBER})
    drop_file(member, "notes.txt", "bed 12: stable")
    expect(b.locator(".chat-pane .pending li[data-id]")).to_have_count(1)
    send(member, "Voici mes notes")
    expect(message_with(owner, "Voici").locator(".file-name")).to_have_text("notes.txt")

    assert dialogs == []
    assert "Traceback" not in world.server.log(), world.server.log()[-3000:]
    assert owner.console_errors == [] and member.console_errors == [], \
        (owner.console_errors, member.console_errors)
    owner.close()
    member.close()


XSS = [
    '<img src=x onerror="alert(1)">',
    "<script>alert(2)</script>",
    "[link](javascript:alert(3))",
    '<svg onload="alert(4)"></svg>',
    '<a href="javascript:alert(5)">x</a>',
    '"><iframe src="javascript:alert(6)">',
    "<details open ontoggle=alert(7)>",
]
INJECTED = ("img[src='x'], script:not([src]):not([type='application/json']), "
            "iframe, svg, [onerror], [onload], [ontoggle], a[href^='javascript:']")


def test_hostile_input_never_runs(browser, world):
    """XSS payloads in messages, a channel's name and topic, file names and a person's name
    are shown as text, live and after a reload: no dialog, no injected element."""
    owner, member, dialogs = people(browser, world)
    hostile = create_channel(owner, world.slug, '<img src=x onerror="alert(8)">',
                             '<svg onload="alert(9)"> <script>alert(10)</script>')
    mallory = open_tab(browser, world.server, "en", storage_state=world.mallory_state)
    mallory.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    join_channels(member, world.slug)
    open_channel(owner, hostile)
    open_channel(member, hostile)
    open_channel(mallory, hostile)
    mallory.page.locator(".chat-pane textarea").press_sequentially("hello")
    expect(owner.page.locator(".chat-pane .typing")).to_contain_text("onerror")
    mallory.page.locator(".chat-pane textarea").press("Enter")
    open_direct(mallory, OWNER)
    send(mallory, "<img src=x onerror=alert(14)> in private")
    expect(owner.page.locator(".chat-sidebar")).to_contain_text(EVIL_NAME)
    for payload in XSS:
        send(member, payload)
    member.page.locator(".chat-pane input[type=file]").set_input_files(files=[
        {"name": '<img src=x onerror="alert(11)">.png', "mimeType": "image/png",
         "buffer": png_bytes()},
        {"name": "<svg onload=alert(12)>.txt", "mimeType": "text/plain", "buffer": b"notes"},
    ])
    expect(member.page.locator(".chat-pane .pending li[data-id]")).to_have_count(2)
    send(member, "files")
    expect(message_with(owner, "files").locator(".msg-files li")).to_have_count(2)
    expect(owner.page.locator(".chat-pane .chat-messages > .msg")).to_have_count(len(XSS) + 2)
    for payload in XSS[:2]:
        expect(message_with(owner, payload.split(">")[0][1:]).first).to_be_visible()
    pages = [(owner, f"/chat/c/{hostile}/"), (owner, f"/chat/c/{hostile}/about/"),
             (owner, f"/chat/c/{hostile}/pins/"), (member, f"/s/{world.slug}/chat/"),
             (member, "/chat/search/?q=alert"), (member, "/chat/")]
    checks = [(tab, None) for tab in (owner, member, mallory)] + pages
    for tab, path in checks:
        if path:
            assert tab.goto(path) == 200, path
        found = tab.page.locator(f"body :is({INJECTED})").count()
        assert found == 0, f"{path or tab.page.url}: {found} injected element(s)"
    assert dialogs == []
    assert "Traceback" not in world.server.log(), world.server.log()[-3000:]
    for tab in (owner, member, mallory):
        tab.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_chat_pages_accessibility_and_weight(browser, world, lang):
    """axe-core finds no serious or critical violation on the chat pages (light and dark);
    a conversation weighs under 150 KB on a cold load."""
    try:
        axe.axe_source()
    except (axe.AxeUnavailable, OSError) as error:
        if axe.must_run():
            raise
        pytest.skip(f"axe-core unavailable: {error}")
    state = world.owner_state if lang == "en" else world.member_state
    tab = open_tab(browser, world.server, lang, storage_state=state, bypass_csp=True)
    open_channel(tab, world.general)
    note = send(tab, "**Checklist** for `ward 3`:\n- beds\n- charts")
    tool(tab, note, "react").click()
    tab.page.locator(".emoji-picker [data-pick='✅']").click()
    expect(note.locator(".reaction")).to_have_count(1)
    thread = f"/chat/c/{world.general}/thread/{note.get_attribute('data-id')}/"
    reports = []
    paths = [f"/chat/c/{world.general}/", thread, f"/chat/c/{world.general}/about/", "/chat/",
             f"/s/{world.slug}/chat/", "/chat/search/?q=checklist", "/chat/new-direct/"]
    for path in paths:
        assert tab.goto(path) == 200, path
        for scheme in ("light", "dark"):
            tab.page.emulate_media(color_scheme=scheme)
            found = axe.check_page(tab.page)
            if found:
                reports.append(axe.describe(found, f"{path} ({lang}, {scheme})"))
    tab.page.emulate_media(color_scheme="light")
    tab.page.set_viewport_size({"width": 390, "height": 780})
    tab.goto(f"/chat/c/{world.general}/")
    tab.page.screenshot(path=f"{SHOTS}/chat-{lang}-phone.png")
    tab.close()
    assert not reports, "\n".join(reports)
    weight = measure(browser, f"{world.server.url}/chat/c/{world.general}/", storage_state=state)
    print(weight.summary())
    assert weight.failed == [], weight.summary()
    assert weight.third_party == set(), weight.summary()
    assert weight.transferred < CHAT_BUDGET_BYTES, weight.summary()
