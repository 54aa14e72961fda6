"""Tokens in user text (mentions, hashtags) made into markup, safely.

The text goes through the kernel's one Markdown renderer and sanitiser first; tokens are then
found in its text nodes only — never inside a tag, an attribute, code or a link's text — and
each module decides what a match becomes. The result passes the sanitiser's allow-list again,
extended with exactly the tags and attributes the module's markup needs. Chat (`<@id>`,
`@channel`) and the feed (`<@id>`, `<#space>`, `#hashtag`) share this.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape
from html.parser import HTMLParser

import nh3

from atrium.kernel.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown

# Text inside these elements is never a token.
TEXT_ONLY = frozenset({"code", "pre", "a"})

Replace = Callable[[re.Match[str]], str | None]


def first_ids(pattern: re.Pattern[str], body: str, limit: int) -> list[int]:
    """The ids captured by `pattern`'s first group anywhere in `body` (code included), first
    ones first, at most `limit`: what to look up before rendering."""
    found: dict[int, None] = {}
    for match in pattern.finditer(body or ""):
        found.setdefault(int(match.group(1)), None)
        if len(found) >= limit:
            break
    return list(found)


class _Rewriter(HTMLParser):
    def __init__(self, pattern: re.Pattern[str], replace: Replace) -> None:
        super().__init__(convert_charrefs=True)
        self.pattern, self.replace = pattern, replace
        self.parts: list[str] = []
        self.text_only = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")
        if tag in TEXT_ONLY:
            self.text_only += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")
        if tag in TEXT_ONLY and self.text_only:
            self.text_only -= 1

    def handle_data(self, data: str) -> None:
        if self.text_only:
            self.parts.append(escape(data, quote=False))
            return
        position = 0
        for match in self.pattern.finditer(data):
            replacement = self.replace(match)
            if replacement is None:
                continue
            self.parts.append(escape(data[position:match.start()], quote=False))
            self.parts.append(replacement)
            position = match.end()
        self.parts.append(escape(data[position:], quote=False))


def render_with_tokens(body: str, pattern: re.Pattern[str], replace: Replace, *,
                       tags: frozenset[str] | set[str] = frozenset(),
                       attributes: Mapping[str, set[str]] | None = None) -> str:
    """Safe HTML of the Markdown `body`, each match of `pattern` in its text replaced by
    `replace(match)` (None leaves it as typed), the markup allowed by `tags` and
    `attributes` on top of the sanitiser's own."""
    rewriter = _Rewriter(pattern, replace)
    rewriter.feed(render_markdown(body))
    rewriter.close()
    allowed = {**ALLOWED_ATTRIBUTES}
    for tag, names in (attributes or {}).items():
        allowed[tag] = set(allowed.get(tag, set())) | set(names)
    return nh3.clean(
        "".join(rewriter.parts), tags=ALLOWED_TAGS | set(tags), attributes=allowed,
        url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow", strip_comments=True,
    )
