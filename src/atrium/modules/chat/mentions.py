"""Mentions in message text, and the message's HTML with them highlighted.

Syntax (Slack's own, so scripts written for Slack webhooks keep working):

* `<@123>` mentions the person with id 123; the client inserts it when one picks a name, and
  it is shown as a highlighted `@Full Name`. An id the author may not see stays as typed.
* `<!channel>` and `<!here>` (Slack) or plain `@channel` and `@here` mention every member.
  Both count as a mention of the whole channel (`Message.mentions_channel`).

Mentions inside code (inline or blocks) and link texts are text, not mentions. The text is
rendered by the kernel's one Markdown renderer and sanitiser first; mentions are then found
in its text nodes only (never inside a tag or an attribute), and the result passes the
sanitiser's allow-list again, extended with `<span class data-user-id>`
(`atrium.kernel.tokens`, shared with the feed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from atrium.kernel.tokens import first_ids, render_with_tokens

MAX_MENTIONS = 50
USER_MENTION = re.compile(r"<@(\d{1,18})>")
_TOKEN = re.compile(
    r"<@(?P<user>\d{1,18})>"
    r"|<!(?P<slack>channel|here|everyone)>"
    r"|(?<![\w@.+/-])@(?P<plain>channel|here)(?![\w-])"
)
_SPAN = {"span": {"class", "data-user-id"}}


def candidate_ids(body: str) -> list[int]:
    """Ids written as `<@id>` anywhere in `body` (code included), first ones first: the
    people to look up before rendering."""
    return first_ids(USER_MENTION, body, MAX_MENTIONS)


@dataclass
class Rendered:
    html: str
    user_ids: list[int] = field(default_factory=list)  # people mentioned, in order
    mentions_channel: bool = False


def render(body: str, names: Mapping[int, str]) -> Rendered:
    """The message's safe HTML, with the mentions of people in `names` (id → name shown)
    and of the whole channel highlighted."""
    result = Rendered(html="")

    def mention(match: re.Match[str]) -> str | None:
        if match.group("user"):
            user_id = int(match.group("user"))
            name = names.get(user_id)
            if name is None:
                return None
            if user_id not in result.user_ids:
                result.user_ids.append(user_id)
            return (f'<span class="mention" data-user-id="{user_id}">@'
                    f"{escape(name, quote=False)}</span>")
        word = match.group("slack") or match.group("plain")
        word = "channel" if word == "everyone" else word
        result.mentions_channel = True
        return f'<span class="mention mention-channel">@{word}</span>'

    result.html = render_with_tokens(body, _TOKEN, mention, tags={"span"}, attributes=_SPAN)
    return result
