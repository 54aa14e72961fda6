"""Chat messages show the preview card of their first address (fetched by the server,
drawn from our origin, escaped), in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel.models import LinkPreview
from atrium.modules.chat import actions
from tests.web.chat_world import client, make_chat

pytestmark = pytest.mark.django_db


def ready(**fields) -> None:
    LinkPreview.objects.update(error="", **fields)


def test_posting_a_link_queues_its_preview_and_the_page_shows_the_card(
        django_capture_on_commit_callbacks):
    """The first address of a message gets a preview; once fetched, a card under it."""
    chat = make_chat()
    with django_capture_on_commit_callbacks() as callbacks:
        actions.do_post_message(chat.world.member, chat.general,
                                "Read `https://code.example` then https://example.org/guide.")
    assert list(LinkPreview.objects.values_list("url", flat=True)) == [
        "https://example.org/guide"]
    assert callbacks
    page = client(chat, "reader").get(f"/chat/c/{chat.general.pk}/").content.decode()
    assert "link-preview" not in page  # still pending
    ready(title="<script>alert(1)</script>", site_name="Example")
    page = client(chat, "reader").get(f"/chat/c/{chat.general.pk}/").content.decode()
    assert 'class="link-preview card"' in page and "&lt;script&gt;alert(1)" in page
    assert "<script>alert(1)" not in page
    assert 'rel="noopener noreferrer nofollow" target="_blank"' in page
    assert "kernel/linkpreview" in page  # its stylesheet


def test_a_deleted_message_or_one_without_address_has_no_card():
    """No card for a message without an address, nor for a deleted one."""
    chat = make_chat()
    message = actions.do_post_message(chat.world.member, chat.general, "https://example.org/x")
    ready(title="Shown once")
    page = client(chat, "member").get(f"/chat/c/{chat.general.pk}/").content.decode()
    assert "Shown once" in page
    actions.do_delete_message(chat.world.member, message)
    page = client(chat, "member").get(f"/chat/c/{chat.general.pk}/").content.decode()
    assert "Shown once" not in page


def test_an_edit_queues_the_new_address():
    """Editing a message to another address queues that address's preview."""
    chat = make_chat()
    message = actions.do_post_message(chat.world.member, chat.general, "no address")
    actions.do_edit_message(chat.world.member, message, "now https://example.net/")
    assert LinkPreview.objects.filter(url="https://example.net/").exists()


def test_previews_cost_the_same_queries_for_one_or_many_messages():
    """The conversation page fetches every card in one query."""
    chat = make_chat()
    browser = client(chat, "member")
    url = f"/chat/c/{chat.general.pk}/"

    def count() -> int:
        browser.get(url)
        with CaptureQueriesContext(connection) as queries:
            browser.get(url)
        return len(queries)

    actions.do_post_message(chat.world.member, chat.general, "https://a.example/1")
    ready(title="A")
    one = count()
    for n in range(6):
        actions.do_post_message(chat.world.member, chat.general, f"https://b.example/{n}")
    ready(title="B")
    assert count() == one
