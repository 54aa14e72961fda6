"""Slack payloads and mrkdwn read as Markdown, then rendered by the one sanitiser."""

import re

import pytest

from atrium.kernel.text import render_markdown
from atrium.modules.chat.models import MAX_MESSAGE_CHARS
from atrium.modules.chat.slack import (
    SlackError,
    mrkdwn_to_markdown,
    payload_to_message,
    plain_to_markdown,
)


@pytest.mark.parametrize(
    ("mrkdwn", "markdown"),
    [
        ("*bold*", "**bold**"),
        ("_italic_", "_italic_"),
        ("~struck~", "~~struck~~"),
        ("a *b* and *c d*", "a **b** and **c d**"),
        ("2*3*4 stays", "2*3*4 stays"),
        ("**already markdown**", "**already markdown**"),
        ("<https://example.org|the site>", "[the site](https://example.org)"),
        ("<https://example.org>", "<https://example.org>"),
        ("<https://example.org|https://example.org>", "<https://example.org>"),
        ("<mailto:bob@example.org|Bob>", "[Bob](mailto:bob@example.org)"),
        ("<https://x.org|[a] b>", "[\\[a\\] b](https://x.org)"),
        ("hi <@U024BE7LH>", "hi @U024BE7LH"),
        ("hi <@U024BE7LH|bob>", "hi @bob"),
        ("see <#C024BE7LR|general>", "see #general"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!subteam^SAZ94GDB8|@ops>", "@ops"),
        ("<!date^1392734382^{date_num}|2014-02-18>", "2014-02-18"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("`*not bold*`", "`*not bold*`"),
        ("```x = *y*```", "```\nx = *y*\n```"),
        ("# not a heading", "\\# not a heading"),
        ("> quoted", "> quoted"),
        ("<javascript:alert(1)|click>", "click"),
        ("<javascript:alert(1)>", "javascript:alert(1)"),
    ],
)
def test_mrkdwn_becomes_markdown(mrkdwn, markdown):
    """Each piece of Slack markup has its Markdown counterpart."""
    assert mrkdwn_to_markdown(mrkdwn) == markdown


def test_rendered_mrkdwn_looks_like_slack():
    """Bold, strike, links and code come out as the matching HTML."""
    html = render_markdown(mrkdwn_to_markdown(
        "*Deploy* ~failed~ done: <https://ci.example.org/42|build 42>\n```make test```"))
    assert "<strong>Deploy</strong>" in html
    assert "<s>failed</s>" in html or "<del>failed</del>" in html
    assert 'href="https://ci.example.org/42"' in html and ">build 42</a>" in html
    assert "<pre><code>make test" in html


def test_plain_text_is_shown_as_typed():
    """mrkdwn: false keeps stars, underscores and list markers literal."""
    source = plain_to_markdown("1. *a* _b_\n- c\n# d &lt;e&gt;")
    html = render_markdown(source)
    assert "<strong>" not in html and "<em>" not in html and "<ol>" not in html
    assert "<ul>" not in html and "<h1>" not in html
    assert "*a* _b_" in html and "&lt;e&gt;" in html


def test_text_payload():
    """The simplest payload of Slack's documentation."""
    assert payload_to_message({"text": "Hello, world."}) == ("Hello, world.", "")


def test_username_and_icon():
    """username names the sender; icon_emoji, icon_url and channel are accepted and ignored."""
    body, sender = payload_to_message({
        "text": "Build *passed*", "username": "  CI\n bot ", "icon_emoji": ":ghost:",
        "icon_url": "https://x.org/i.png", "channel": "#other", "link_names": 1,
    })
    assert (body, sender) == ("Build **passed**", "CI bot")
    _, long_sender = payload_to_message({"text": "x", "username": "n" * 500})
    assert len(long_sender) == 80


def test_mrkdwn_false():
    """mrkdwn: false turns formatting off for text."""
    body, _ = payload_to_message({"text": "*stars*", "mrkdwn": False})
    assert "<strong>" not in render_markdown(body)


def test_blocks_replace_text():
    """With blocks, Slack shows the blocks and uses text only for notifications."""
    payload = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Incident 7"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Sev 2* on <https://s.io|api>"},
             "fields": [{"type": "mrkdwn", "text": "*Owner*\nAda"},
                        {"type": "plain_text", "text": "2 * 3"}]},
            {"type": "divider"},
            {"type": "context", "elements": [
                {"type": "mrkdwn", "text": "opened by _pager_"},
                {"type": "image", "image_url": "https://x.org/a.png", "alt_text": "logo"}]},
            {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text",
                                                                         "text": "Ack"}}]},
            {"type": "image", "image_url": "https://x.org/graph.png", "alt_text": "graph"},
        ],
    }
    body, _ = payload_to_message(payload)
    assert "fallback" not in body
    assert body.startswith("**Incident 7**")
    assert "**Sev 2** on [api](https://s.io)" in body
    assert "**Owner**\nAda" in body and "2 \\* 3" in body
    assert "\n---\n" in body and "opened by _pager_" in body
    assert "Ack" not in body
    assert "[graph](https://x.org/graph.png)" in body


def test_empty_blocks_fall_back_to_text():
    """Blocks with nothing to show (only buttons) leave the text as the message."""
    body, _ = payload_to_message({"text": "hello", "blocks": [{"type": "actions"}]})
    assert body == "hello"


def test_rich_text_block():
    """rich_text sections, styles, links, lists, quotes and code."""
    payload = {"blocks": [{"type": "rich_text", "elements": [
        {"type": "rich_text_section", "elements": [
            {"type": "text", "text": "Hi "},
            {"type": "text", "text": "there", "style": {"bold": True}},
            {"type": "text", "text": " "},
            {"type": "link", "url": "https://x.org", "text": "docs"},
            {"type": "text", "text": " "},
            {"type": "user", "user_id": "U1"},
            {"type": "emoji", "name": "tada"},
        ]},
        {"type": "rich_text_list", "style": "ordered", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]},
        ]},
        {"type": "rich_text_quote", "elements": [{"type": "text", "text": "wise"}]},
        {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "a *b*"}]},
    ]}]}
    body, _ = payload_to_message(payload)
    assert "Hi **there** [docs](https://x.org) @U1:tada:" in body
    assert "1. one\n2. two" in body
    assert "> wise" in body
    html = render_markdown(body)
    assert "<ol>" in html and "<blockquote>" in html and "<pre><code>a *b*" in html


def test_legacy_attachments():
    """Secondary attachments: pretext, title with link, text, fields, footer, fallback."""
    body, _ = payload_to_message({
        "text": "New order",
        "attachments": [
            {"fallback": "Order 12 (ignored: there is content)", "color": "#36a64f",
             "pretext": "From the shop", "author_name": "Shop", "title": "Order 12",
             "title_link": "https://shop.example.org/12", "text": "*3* items",
             "fields": [{"title": "Total", "value": "42 €", "short": True},
                        {"value": "no title"}],
             "footer": "Shop API", "ts": 123456789},
            {"fallback": "Only a fallback"},
            "not an object",
        ],
    })
    assert body.startswith("New order\n\nFrom the shop")
    assert "**[Order 12](https://shop.example.org/12)**" in body
    assert "**3** items" in body and "**Total**: 42 €" in body and "no title" in body
    assert "_Shop API_" in body and "ignored" not in body
    assert body.endswith("Only a fallback")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ([], "invalid_payload"),
        ("text", "invalid_payload"),
        ({}, "no_text"),
        ({"text": ""}, "no_text"),
        ({"text": "   "}, "no_text"),
        ({"text": {"nested": True}}, "invalid_payload"),
        ({"blocks": "x"}, "invalid_blocks"),
        ({"blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        ({"text": "x", "attachments": {"a": 1}}, "invalid_attachments"),
        ({"text": "x", "attachments": [{}] * 101}, "too_many_attachments"),
        ({"attachments": [{"color": "red"}]}, "no_text"),
    ],
)
def test_refused_payloads(payload, code):
    """Payloads Slack refuses get Slack's own error code."""
    with pytest.raises(SlackError) as error:
        payload_to_message(payload)
    assert error.value.code == code


def test_long_text_is_cut_to_the_message_limit():
    """Text past the message limit is cut (Slack truncates too) instead of refused."""
    body, _ = payload_to_message({"text": "a" * (MAX_MESSAGE_CHARS + 100)})
    assert len(body) == MAX_MESSAGE_CHARS and body.endswith("…")


def test_deeply_nested_rich_text_does_not_recurse_forever():
    """A hostile nesting depth is cut, not followed."""
    element: dict = {"type": "text", "text": "deep"}
    for _ in range(5000):
        element = {"type": "rich_text_section", "elements": [element]}
    body, _ = payload_to_message({"text": "t", "blocks": [{"type": "rich_text",
                                                            "elements": [element]}]})
    assert body == "t"


XSS = [
    "<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<javascript:alert(1)|click me>",
    "<https://x.org\" onmouseover=\"alert(1)|x>",
    "[x](javascript:alert(1))",
    "&lt;img src=x onerror=alert(1)&gt;",
    "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==|x>",
]


@pytest.mark.parametrize("text", XSS)
def test_hostile_payloads_render_harmless(text):
    """Whatever a script sends, the rendered message holds no script, handler or bad URL."""
    for payload in ({"text": text}, {"blocks": [{"type": "section", "text": {
            "type": "mrkdwn", "text": text}}]}, {"attachments": [{"title": text,
                                                                  "title_link": text,
                                                                  "text": text}]}):
        html = render_markdown(payload_to_message(payload)[0]).lower()
        assert "<script" not in html and "<img" not in html
        assert 'href="javascript' not in html and 'href="data' not in html
        assert not re.search(r"<[^>]*\son\w+=", html), html
