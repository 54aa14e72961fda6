"""Slack's incoming-webhook payload, read so that scripts written for Slack work unchanged.

`payload_to_message()` turns the JSON a script sends (`text`, `blocks`, legacy
`attachments`, `username`, `mrkdwn`; `icon_emoji`, `icon_url`, `channel` and the rest are
accepted and ignored) into a Markdown body and a sender name. `mrkdwn_to_markdown()`
converts Slack's own markup (`*bold*`, `~strike~`, `<url|label>`, `&lt;`…) into the
Markdown the one renderer of `atrium.kernel.text` understands; the rendered HTML is
sanitised there like any other message.
"""

from __future__ import annotations

import html
import re
from typing import Any

from atrium.modules.chat.models import MAX_MESSAGE_CHARS

MAX_BLOCKS = 50  # Slack's own limit per message
MAX_ATTACHMENTS = 100
MAX_DEPTH = 12  # nested rich-text elements read at most this deep
SENDER_NAME_CHARS = 80


class SlackError(Exception):
    """A payload Slack would refuse; `code` is Slack's plain-text answer."""

    def __init__(self, code: str, status: int = 400):
        super().__init__(code)
        self.code = code
        self.status = status


# ------------------------------------------------------------------ mrkdwn → Markdown

_CODE = re.compile(r"```(.*?)```|`[^`\n]+`", re.DOTALL)
_ANGLE = re.compile(r"<([^<>\n]{1,2000})>")
_BOLD = re.compile(r"(?<![\w*\\])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"(?<![\w~\\])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _angle(inner: str) -> str:
    """One `<…>` token: a link, a mention of a person, channel or group, or a date."""
    target, _bar, label = inner.partition("|")
    label = html.unescape(label)
    if target.startswith("@"):
        return f"@{label}" if label else target
    if target.startswith("#"):
        return f"#{label}" if label else target
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        if word in ("here", "channel", "everyone"):
            return f"@{word}"
        return label or word
    url = html.unescape(target)
    if url.lower().startswith(_SAFE_SCHEMES) and not any(c in url for c in " ()[]<>"):
        if label and label != url:
            return f"[{_escape_label(label)}]({url})"
        return f"<{url}>"
    return label or url  # another scheme (javascript:, data:…): text, never a link


def _escape_label(label: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", label)


def _prose(text: str) -> str:
    """Slack markup outside code: links and mentions, bold, strike; entities decoded."""
    pieces: list[str] = []
    last = 0
    for match in _ANGLE.finditer(text):
        pieces.append(_inline(html.unescape(text[last:match.start()])))
        pieces.append(_angle(match.group(1)))
        last = match.end()
    pieces.append(_inline(html.unescape(text[last:])))
    return "".join(pieces)


def _inline(text: str) -> str:
    text = _BOLD.sub(r"**\1**", text)
    text = _STRIKE.sub(r"~~\1~~", text)
    # Slack has no headings: a line starting with "#" stays a line of text.
    return re.sub(r"(?m)^(\s{0,3})#", r"\1\\#", text)


def mrkdwn_to_markdown(text: str) -> str:
    """Slack's mrkdwn as CommonMark; code spans and blocks are kept as they are."""
    out: list[str] = []
    last = 0
    for match in _CODE.finditer(text or ""):
        out.append(_prose(text[last:match.start()]))
        if match.group(1) is not None:
            code = html.unescape(match.group(1)).strip("\n")
            fence = "````" if "```" in code else "```"
            before = "" if not out[-1] or out[-1].endswith("\n") else "\n"
            out.append(f"{before}{fence}\n{code}\n{fence}\n")
        else:
            out.append(html.unescape(match.group(0)))
        last = match.end()
    out.append(_prose((text or "")[last:]))
    return "".join(out).strip()


def plain_to_markdown(text: str) -> str:
    """Text sent with `mrkdwn: false` (or a `plain_text` object): shown as typed."""
    return _escape_plain(text).strip()


def _escape_plain(text: str) -> str:
    escaped = re.sub(r"([\\`*_\[\]<|~])", r"\\\1", html.unescape(text or ""))
    # Line starts that Markdown reads as headings, quotes, lists or rules.
    escaped = re.sub(r"(?m)^(\s*)([#>+=-])", r"\1\\\2", escaped)
    return re.sub(r"(?m)^(\s*\d+)([.)])", r"\1\\\2", escaped)


# ------------------------------------------------------------------ payload → body


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    return value if isinstance(value, list) else []


def _dict(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _text_object(obj: Any, default_mrkdwn: bool = True) -> str:
    if isinstance(obj, str):
        return mrkdwn_to_markdown(obj) if default_mrkdwn else plain_to_markdown(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return ""
    if obj.get("type") == "plain_text":
        return plain_to_markdown(obj["text"])
    return mrkdwn_to_markdown(obj["text"])


def _rich_element(element: Any, depth: int = 0, raw: bool = False) -> str:
    """One element of a rich_text block, as Markdown (`raw` inside preformatted text)."""
    if not isinstance(element, dict) or depth > MAX_DEPTH:
        return ""
    kind = element.get("type")
    children = _list(element, "elements")
    if kind == "text":
        text = str(element.get("text", ""))
        style = _dict(element, "style")
        if raw:
            return text
        if style.get("code"):
            return f"`{text}`" if text.strip() else text
        core = _escape_plain(text.strip())
        for flag, mark in (("bold", "**"), ("italic", "_"), ("strike", "~~")):
            if style.get(flag) and core:
                core = f"{mark}{core}{mark}"
        # Marks hug the words: Markdown ignores "** x **".
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        return f"{lead}{core}{trail}" if core else text
    if kind == "link":
        url = str(element.get("url", ""))
        return _angle(f"{url}|{element.get('text', '')}" if element.get("text") else url)
    if kind == "emoji":
        return f":{element.get('name', '')}:"
    if kind == "user":
        return f"@{element.get('user_id', '')}"
    if kind == "channel":
        return f"#{element.get('channel_id', '')}"
    if kind == "usergroup":
        return f"@{element.get('usergroup_id', '')}"
    if kind == "broadcast":
        return f"@{element.get('range', 'here')}"
    if kind == "date":
        return str(element.get("fallback", ""))
    preformatted = raw or kind == "rich_text_preformatted"
    inner = "".join(_rich_element(child, depth + 1, preformatted) for child in children)
    if kind == "rich_text_preformatted":
        fence = "````" if "```" in inner else "```"
        return f"{fence}\n{inner}\n{fence}"
    if kind == "rich_text_quote":
        return "\n".join(f"> {line}" for line in inner.split("\n"))
    if kind == "rich_text_list":
        ordered = element.get("style") == "ordered"
        lines = [_rich_element(child, depth + 1) for child in children]
        indent = "  " * min(int(element.get("indent", 0) or 0), 6)
        return "\n".join(f"{indent}{f'{n}.' if ordered else '-'} {line}"
                         for n, line in enumerate(lines, 1))
    return inner


def _block(block: Any) -> str:
    if not isinstance(block, dict):
        return ""
    kind = block.get("type")
    if kind == "section":
        parts = [_text_object(block.get("text"))]
        fields = _list(block, "fields")
        parts += [_text_object(field) for field in fields[:10]]
        return "\n\n".join(part for part in parts if part)
    if kind == "header":
        text = _text_object(block.get("text"))
        return f"**{text}**" if text else ""
    if kind == "context":
        elements = _list(block, "elements")
        return " · ".join(part for part in (_text_object(e) for e in elements) if part)
    if kind == "divider":
        return "---"
    if kind == "image":
        alt = str(block.get("alt_text", "") or "image")
        url = str(block.get("image_url", ""))
        return _angle(f"{url}|{alt}") if url else ""
    if kind == "rich_text":
        return "\n\n".join(_rich_element(e) for e in _list(block, "elements"))
    return ""  # actions, inputs, files and anything newer: nothing to show as text


def _attachment(att: Any) -> str:
    """A legacy "secondary attachment" as a few Markdown paragraphs."""
    if not isinstance(att, dict):
        return ""
    parts = []
    if isinstance(att.get("pretext"), str):
        parts.append(mrkdwn_to_markdown(att["pretext"]))
    if isinstance(att.get("author_name"), str):
        parts.append(f"_{plain_to_markdown(att['author_name'])}_")
    if isinstance(att.get("title"), str):
        title = plain_to_markdown(att["title"])
        link = att.get("title_link")
        if isinstance(link, str) and link:
            target = f"{link}|{html.unescape(att['title'])}"
            parts.append(f"**{_angle(target)}**")
        else:
            parts.append(f"**{title}**")
    if isinstance(att.get("text"), str):
        parts.append(mrkdwn_to_markdown(att["text"]))
    fields = _list(att, "fields")
    for field in fields[:20]:
        if isinstance(field, dict):
            title = plain_to_markdown(str(field.get("title", "")))
            value = mrkdwn_to_markdown(str(field.get("value", "")))
            parts.append(f"**{title}**: {value}" if title else value)
    if isinstance(att.get("footer"), str):
        parts.append(f"_{plain_to_markdown(att['footer'])}_")
    parts = [p for p in parts if p.strip("*_ ")]
    if not parts and isinstance(att.get("fallback"), str):
        parts.append(mrkdwn_to_markdown(att["fallback"]))
    return "\n\n".join(parts)


def payload_to_message(payload: Any) -> tuple[str, str]:
    """(Markdown body, sender name) for a Slack incoming-webhook payload.

    Blocks, when they give any text, are what Slack shows (then `text` is only the
    notification fallback); otherwise `text`; legacy attachments follow either.
    """
    if not isinstance(payload, dict):
        raise SlackError("invalid_payload")
    text, blocks, attachments = (payload.get("text"), payload.get("blocks"),
                                 payload.get("attachments"))
    if text is not None and not isinstance(text, str | int | float):
        raise SlackError("invalid_payload")
    if blocks is not None and not isinstance(blocks, list):
        raise SlackError("invalid_blocks")
    if attachments is not None and not isinstance(attachments, list):
        raise SlackError("invalid_attachments")
    if blocks and len(blocks) > MAX_BLOCKS:
        raise SlackError("invalid_blocks")
    if attachments and len(attachments) > MAX_ATTACHMENTS:
        raise SlackError("too_many_attachments")
    parts = [p for p in (_block(b) for b in blocks or []) if p]
    if not parts and text is not None:
        raw = str(text)
        parts.append(plain_to_markdown(raw) if payload.get("mrkdwn") is False
                     else mrkdwn_to_markdown(raw))
    parts += [p for p in (_attachment(a) for a in attachments or []) if p]
    body = "\n\n".join(p for p in parts if p.strip()).strip()
    if not body:
        raise SlackError("no_text")
    if len(body) > MAX_MESSAGE_CHARS:
        body = body[: MAX_MESSAGE_CHARS - 1] + "…"
    username = payload.get("username")
    sender = " ".join(username.split())[:SENDER_NAME_CHARS] if isinstance(username, str) else ""
    return body, sender
