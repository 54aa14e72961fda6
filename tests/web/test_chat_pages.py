"""The chat's pages for every role: who sees which page, and who may do what from it.

The world: a private space with a public channel (#general: the space admin and a member), a
private channel (#secret: the same two; a third person was removed from it), a direct
conversation between the member and the space admin, a message in each, and a file in
#secret. Missing and forbidden answer the same 404; signed-out and deactivated people are
sent to the sign-in page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from atrium.kernel.actions.modules import do_switch_instance_module
from atrium.modules.chat.models import Channel, Message
from tests.web.chat_world import Chat, client, make_chat, png, script

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(db) -> Chat:
    return make_chat()

ROLES = ["anonymous", "guest", "outsider", "reader", "member", "space_admin", "org_admin",
         "deactivated", "removed"]
SIGNED_OUT = {"anonymous", "deactivated"}
EVERYONE = {"guest", "outsider", "reader", "member", "space_admin", "org_admin", "removed"}
SPACE_READERS = {"reader", "member", "space_admin", "removed"}
MEMBERS = {"member", "space_admin"}


def conversation_pages(channel: Channel, message: Message) -> list[str]:
    base = f"/chat/c/{channel.pk}/"
    return [base, f"{base}older?before={message.pk + 10}", f"{base}thread/{message.pk}/",
            f"{base}pins/", f"{base}about/", f"{base}m/{message.pk}",
            f"{base}?around={message.pk}"]


def pages(chat: Chat) -> dict[str, set[str]]:
    """Every page, with the roles that get it (the others: 404)."""
    expected = {
        "/chat/": EVERYONE, "/chat/sidebar/": EVERYONE, "/chat/search/?q=hello": EVERYONE,
        "/chat/new-direct/": EVERYONE, "/chat/people/?q=mia": EVERYONE,
        f"/chat/people/?channel={chat.general.pk}": {"space_admin", "org_admin"},
        f"/chat/people/?channel={chat.secret.pk}": {"space_admin"},
        f"/s/{chat.world.space.slug}/chat/": SPACE_READERS,
        f"/chat/files/{chat.file_id}": MEMBERS, f"/chat/files/{chat.file_id}/thumb": MEMBERS,
    }
    for channel, message, readers in ((chat.general, chat.in_general, SPACE_READERS),
                                      (chat.secret, chat.in_secret, MEMBERS),
                                      (chat.direct, chat.in_direct, MEMBERS)):
        expected.update(dict.fromkeys(conversation_pages(channel, message), readers))
    return expected


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_exactly(chat, role):
    """Each page: 200 for those who may read it, 404 for everyone else, sign-in otherwise."""
    browser = client(chat, role)
    wrong = []
    for path, readers in pages(chat).items():
        for how in ("page", "fragment"):  # a whole page, or what the page's script asks
            headers = {"HTTP_X_ATRIUM_FRAGMENT": "1", "HTTP_X_ATRIUM_FETCH": "1"} \
                if how == "fragment" else {}
            response = browser.get(path, **headers)
            if role in SIGNED_OUT:
                ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                ok = response.status_code == (200 if role in readers else 404)
            if not ok:
                wrong.append(f"{path} ({how}): {response.status_code}")
    assert wrong == [], f"{role}: {wrong}"


def test_a_switched_off_chat_is_gone(chat):
    """With the chat off for the instance, every chat page answers 404, even to members."""
    do_switch_instance_module(chat.world.owner, "chat", False)
    browser = client(chat, "space_admin")
    for path in pages(chat):
        assert browser.get(path).status_code == 404, path
    assert browser.post(f"/chat/c/{chat.general.pk}/post", {"body": "x"}).status_code == 404


POSTS = {  # action → roles it succeeds for in #general (others: 403 if they read, else 404)
    "post": {"member", "space_admin", "removed"},
    "react": {"member", "space_admin", "removed"},
    "pin": {"member", "space_admin", "removed"},
    "edit": {"space_admin"},
    "delete": {"space_admin"},
    "read": SPACE_READERS,
    "upload": {"member", "space_admin", "removed"},
}


def attempt(chat: Chat, browser: Client, action: str):
    base = f"/chat/c/{chat.general.pk}/"
    message = f"{base}m/{chat.in_general.pk}/"
    if action == "post":
        return script(browser, f"{base}post", {"body": "Me too"})
    if action == "react":
        return script(browser, f"{message}react", {"emoji": "👍", "on": "1"})
    if action == "pin":
        return script(browser, f"{message}pin", {"pinned": "1"})
    if action == "edit":
        return script(browser, f"{message}edit", {"body": "Hello *all*"})
    if action == "delete":
        return script(browser, f"{message}delete")
    if action == "read":
        return script(browser, f"{base}read", {"message_id": chat.in_general.pk})
    return script(browser, f"{base}upload", {"file": png()})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(POSTS))
def test_actions_in_a_channel(chat, role, action):
    """Writing in #general: allowed roles succeed, readers are refused (403), the others do
    not even learn the channel exists (404), signed-out people go to sign in."""
    response = attempt(chat, client(chat, role), action)
    if role in SIGNED_OUT:
        assert response.status_code == 302
    elif role in POSTS[action]:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == (403 if role in SPACE_READERS else 404), response.content


@pytest.mark.parametrize("role", sorted(EVERYONE - MEMBERS))
def test_nothing_reaches_a_private_or_direct_conversation_from_outside(chat, role):
    """Posting, reacting, reading a message's text or marking as read in #secret or in a
    direct conversation answers 404 to everybody outside it, the removed member included."""
    browser = client(chat, role)
    for channel, message in ((chat.secret, chat.in_secret), (chat.direct, chat.in_direct)):
        base = f"/chat/c/{channel.pk}/"
        for path, data in ((f"{base}post", {"body": "hi"}), (f"{base}upload", {"file": png()}),
                           (f"{base}m/{message.pk}/react", {"emoji": "👍"}),
                           (f"{base}m/{message.pk}/delete", {}), (f"{base}read", {}),
                           (f"{base}join", {}), (f"{base}notify", {"level": "all"})):
            assert script(browser, path, data).status_code == 404, (role, path)
    assert Message.objects.filter(channel__in=[chat.secret, chat.direct]).count() == 2


def test_a_message_of_another_conversation_is_not_reached_through_this_one(chat):
    """A member of both cannot act on #secret's message through #general's address."""
    browser = client(chat, "member")
    path = f"/chat/c/{chat.general.pk}/m/{chat.in_secret.pk}/"
    assert browser.get(path.rstrip("/")).status_code == 404
    assert script(browser, f"{path}react", {"emoji": "👍"}).status_code == 404
    assert browser.get(f"/chat/c/{chat.general.pk}/thread/{chat.in_secret.pk}/").status_code \
        == 404
