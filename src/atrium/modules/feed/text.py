"""Post and comment text: Markdown, mentions of people and spaces, and hashtags.

Syntax:

* `<@123>` mentions the person with id 123 (the chat's syntax); shown as `@Full Name` for
  people the author may see, otherwise left as typed.
* `<#45>` mentions the space with id 45; shown as a link `#Space name` when the space is
  visible to the organisation (open or private) and the author may see it. A secret space's
  name never reaches a post: such a mention stays as typed.
* `#word` is a hashtag: unicode letters, digits and `_`, 2 to 60 characters, at least one
  letter, not glued to a word before it; stored casefolded and rendered as a link to
  `/feed/tags/<name>/`.

Mentions and hashtags inside code (inline or blocks) and inside link texts are text. The
text is rendered by the kernel's one Markdown renderer and sanitiser first; tokens are then
found in its text nodes only (never in a tag or an attribute), and the result passes the
sanitiser's allow-list again, extended with `<span class data-user-id>` and `<a class>`
(`atrium.kernel.tokens`, shared with chat).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from atrium.kernel.tokens import first_ids, render_with_tokens

MAX_MENTIONS = 50
MAX_HASHTAGS = 30
_USER = re.compile(r"<@(\d{1,18})>")
_SPACE = re.compile(r"<#(\d{1,18})>")
_HASHTAG_BODY = r"[^\W]{2,60}"
_TOKEN = re.compile(
    r"<@(?P<user>\d{1,18})>"
    r"|<#(?P<space>\d{1,18})>"
    r"|(?<![\w#&/])#(?P<tag>" + _HASHTAG_BODY + r")(?![\w])"
)
_TAG_NAME = re.compile(r"^" + _HASHTAG_BODY + r"$")
_MARKUP = {"span": {"class", "data-user-id"}, "a": {"class", "data-space-id"}}


def normalise_tag(name: str) -> str | None:
    """The stored form of a hashtag (casefolded, without "#"), or None if not one."""
    name = (name or "").strip().lstrip("#").casefold()
    if not _TAG_NAME.match(name) or not any(ch.isalpha() for ch in name):
        return None
    return name


def hashtag_url(name: str) -> str:
    return f"/feed/tags/{quote(name, safe='')}/"


def candidate_user_ids(body: str) -> list[int]:
    return first_ids(_USER, body, MAX_MENTIONS)


def candidate_space_ids(body: str) -> list[int]:
    return first_ids(_SPACE, body, MAX_MENTIONS)


@dataclass
class SpaceLabel:
    name: str
    url: str


@dataclass
class Rendered:
    html: str
    user_ids: list[int] = field(default_factory=list)
    space_ids: list[int] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)


class _Tokens:
    """What each token becomes, and what was found on the way."""

    def __init__(self, people: Mapping[int, str], spaces: Mapping[int, SpaceLabel]) -> None:
        self.people, self.spaces = people, spaces
        self.result = Rendered(html="")

    def token(self, match: re.Match[str]) -> str | None:
        found = self.result
        if match.group("user"):
            user_id = int(match.group("user"))
            name = self.people.get(user_id)
            if name is None:
                return None
            if user_id not in found.user_ids:
                found.user_ids.append(user_id)
            return (f'<span class="mention" data-user-id="{user_id}">@'
                    f"{escape(name, quote=False)}</span>")
        if match.group("space"):
            space_id = int(match.group("space"))
            label = self.spaces.get(space_id)
            if label is None:
                return None
            if space_id not in found.space_ids:
                found.space_ids.append(space_id)
            return (f'<a class="mention mention-space" data-space-id="{space_id}" '
                    f'href="{escape(label.url)}">#{escape(label.name, quote=False)}</a>')
        name = normalise_tag(match.group("tag"))
        if name is None or (name not in found.hashtags and len(found.hashtags) >= MAX_HASHTAGS):
            return None
        if name not in found.hashtags:
            found.hashtags.append(name)
        return (f'<a class="hashtag" href="{escape(hashtag_url(name))}">#'
                f"{escape(match.group('tag'), quote=False)}</a>")


def render(body: str, people: Mapping[int, str] | None = None,
           spaces: Mapping[int, SpaceLabel] | None = None) -> Rendered:
    """Safe HTML of `body`, with the mentions of `people` (id → name shown) and `spaces`
    (id → label) and every hashtag made into links."""
    tokens = _Tokens(people or {}, spaces or {})
    tokens.result.html = render_with_tokens(body, _TOKEN, tokens.token, tags={"span"},
                                            attributes=_MARKUP)
    return tokens.result
