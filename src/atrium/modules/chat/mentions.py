"""Mentions in message text, and the message's HTML with them highlighted.

Syntax (Slack's own, so scripts written for Slack webhooks keep working):

* `<@123>` mentions the person with id 123; the client inserts it when one picks a name, and
  it is shown as a highlighted `@Full Name`. An id the author may not see stays as typed.
* `<!channel>` and `<!here>` (Slack) or plain `@channel` and `@here` mention every member.
  Both count as a mention of the whole channel (`Message.mentions_channel`).

Mentions inside code (inline or blocks) and link texts are text, not mentions. The text is
rendered by the kernel's one Markdown renderer and sanitiser first; mentions are then found
in its text nodes only (never inside a tag or an attribute), and the result passes the
sanitiser's allow-list again, extended with `<span class data-user-id>`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import nh3

from atrium.kernel.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown

MAX_MENTIONS = 50
USER_MENTION = re.compile(r"<@(\d{1,18})>")
_TOKEN = re.compile(
    r"<@(?P<user>\d{1,18})>"
    r"|<!(?P<slack>channel|here|everyone)>"
    r"|(?<![\w@.+/-])@(?P<plain>channel|here)(?![\w-])"
)
_TEXT_ONLY = {"code", "pre", "a"}
_TAGS = ALLOWED_TAGS | {"span"}
_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "span": {"class", "data-user-id"}}


def candidate_ids(body: str) -> list[int]:
    """Ids written as `<@id>` anywhere in `body` (code included), first ones first: the
    people to look up before rendering."""
    found: dict[int, None] = {}
    for match in USER_MENTION.finditer(body or ""):
        found.setdefault(int(match.group(1)), None)
        if len(found) >= MAX_MENTIONS:
            break
    return list(found)


@dataclass
class Rendered:
    html: str
    user_ids: list[int] = field(default_factory=list)  # people mentioned, in order
    mentions_channel: bool = False


class _Rewriter(HTMLParser):
    def __init__(self, names: Mapping[int, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
        self.parts: list[str] = []
        self.text_only = 0
        self.result = Rendered(html="")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")
        if tag in _TEXT_ONLY:
            self.text_only += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")
        if tag in _TEXT_ONLY and self.text_only:
            self.text_only -= 1

    def handle_data(self, data: str) -> None:
        if self.text_only:
            self.parts.append(escape(data, quote=False))
            return
        position = 0
        for match in _TOKEN.finditer(data):
            replacement = self._mention(match)
            if replacement is None:
                continue
            self.parts.append(escape(data[position:match.start()], quote=False))
            self.parts.append(replacement)
            position = match.end()
        self.parts.append(escape(data[position:], quote=False))

    def _mention(self, match: re.Match[str]) -> str | None:
        if match.group("user"):
            user_id = int(match.group("user"))
            name = self.names.get(user_id)
            if name is None:
                return None
            if user_id not in self.result.user_ids:
                self.result.user_ids.append(user_id)
            return (f'<span class="mention" data-user-id="{user_id}">@'
                    f"{escape(name, quote=False)}</span>")
        word = match.group("slack") or match.group("plain")
        word = "channel" if word == "everyone" else word
        self.result.mentions_channel = True
        return f'<span class="mention mention-channel">@{word}</span>'


def render(body: str, names: Mapping[int, str]) -> Rendered:
    """The message's safe HTML, with the mentions of people in `names` (id → name shown)
    and of the whole channel highlighted."""
    rewriter = _Rewriter(names)
    rewriter.feed(render_markdown(body))
    rewriter.close()
    result = rewriter.result
    result.html = nh3.clean(
        "".join(rewriter.parts), tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )
    return result
