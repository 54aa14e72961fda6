"""Full-text search of the messages a person may read now.

The index lives in the database (see migration 0002): SQLite FTS5 with external content, or
a GIN index on a generated tsvector column on PostgreSQL (whose plans are explained in
`search_postgresql`). Whatever the person types is cut into plain words first, so no query
text can be an FTS5 or tsquery expression (quotes, operators, `*`, NUL bytes and very long
input are all just words, or nothing).

Rights are applied in the same query: only channels the person may read at this moment
(the chat abilities' bulk rules), never deleted messages. Results come newest first, each
`Message` with its channel and author loaded and a `snippet` attribute: the matching
passage, HTML-escaped, with the matched words inside `<mark>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from atrium.kernel.abilities import is_active_user, spaces_with_module_access
from atrium.kernel.models import Access
from atrium.modules.chat.models import Channel, ChannelKind, Message

MAX_TERMS = 8
MAX_TERM_CHARS = 64
MAX_QUERY_CHARS = 1000
MAX_LIMIT = 100
# Private-use characters mark the highlight inside the database's snippet; they are turned
# into <mark> only after the passage has been escaped.
OPEN, CLOSE = "\ue000", "\ue001"
_WORD = re.compile(r"[^\W_]+")
PG_CONFIG = "'atrium_search'::regconfig"
PG_HEADLINE_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=24, MinWords=8, ShortWord=2"


def search_terms(text: str) -> list[str]:
    """The plain words of a query: letters and digits only, lower case, at most eight."""
    words = _WORD.findall((text or "")[:MAX_QUERY_CHARS].replace("\x00", " ").lower())
    found: list[str] = []
    for word in words:
        if len(word) <= MAX_TERM_CHARS and word not in found:
            found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found


def fts5_query(terms: Iterable[str]) -> str:
    """Every term as a quoted FTS5 string (terms hold no quote), all required."""
    return " ".join(f'"{term}"' for term in terms)


def searchable_channel_ids(user: Any) -> list[int]:
    """Channels `user` may read now: the public channels of spaces where the chat is
    readable to them, and the conversations they belong to and may still read (the chat
    abilities' bulk rule, `channels_followed`)."""
    if not is_active_user(user):
        return []
    from atrium.modules.chat.abilities import channels_followed

    spaces = spaces_with_module_access(user, "chat", Access.READ)
    found = set(Channel.objects.filter(space_id__in=spaces, kind=ChannelKind.PUBLIC)
                .values_list("pk", flat=True))
    return sorted(found | channels_followed(user))


def highlight(passage: str) -> SafeString:
    """Escape a passage marked with OPEN/CLOSE, then turn the marks into balanced <mark>s."""
    out: list[str] = []
    inside = False
    for part in re.split(f"([{OPEN}{CLOSE}])", passage or ""):
        if part == OPEN:
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == CLOSE:
            if inside:
                out.append("</mark>")
                inside = False
        else:
            out.append(escape(part))
    if inside:
        out.append("</mark>")
    return mark_safe("".join(out))  # every piece was escaped above


def search_messages(
    user: Any, text: str, *, channel_id: int | None = None, author_id: int | None = None,
    after: datetime | None = None, before: datetime | None = None,
    has_attachment: bool | None = None, limit: int = 20, before_id: int | None = None,
) -> list[Message]:
    """Messages matching every word of `text` that `user` may read now, newest first.

    `before_id` continues a previous page (ids are increasing). Each message carries a
    `snippet` (safe HTML). Bad input never raises: it finds nothing.
    """
    terms = search_terms(text)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not terms:
        return []
    channels = searchable_channel_ids(user)
    if channel_id is not None:
        channels = [channel_id] if channel_id in set(channels) else []
    if not channels:
        return []
    where, params = _filters(author_id, after, before, has_attachment, before_id)
    if connection.vendor == "postgresql":
        from atrium.modules.chat.search_postgresql import search_ids

        snippets = dict.fromkeys(search_ids(terms, channels, where, params, limit, before_id),
                                 "")
    else:
        snippets = _search_sqlite(terms, channels, where, params, limit, before_id)
    if not snippets:
        return []
    messages = Message.objects.filter(pk__in=list(snippets)).select_related(
        "channel", "channel__space", "author")
    if connection.vendor == "postgresql":
        messages = messages.annotate(search_headline=RawSQL(  # noqa: S611  (fixed SQL)
            f"ts_headline({PG_CONFIG}, chat_message.body, "
            f"plainto_tsquery({PG_CONFIG}, %s), %s)", (" ".join(terms), PG_HEADLINE_OPTIONS)))
    found = sorted(messages, key=lambda message: message.pk, reverse=True)
    for message in found:
        raw = getattr(message, "search_headline", None) or snippets[message.pk]
        message.snippet = highlight(raw)  # type: ignore[attr-defined]
    return found


def _filters(author_id: int | None, after: datetime | None, before: datetime | None,
             has_attachment: bool | None, before_id: int | None) -> tuple[str, list[Any]]:
    """SQL conditions on `m` (the message table) shared by both databases."""
    ops = connection.ops
    clauses = ["m.deleted_at IS NULL"]
    params: list[Any] = []
    if author_id is not None:
        clauses.append("m.author_id = %s")
        params.append(int(author_id))
    if after is not None:
        clauses.append("m.created_at >= %s")
        params.append(ops.adapt_datetimefield_value(after))
    if before is not None:
        clauses.append("m.created_at < %s")
        params.append(ops.adapt_datetimefield_value(before))
    if has_attachment is not None:
        clauses.append("m.has_attachment = %s")
        params.append(bool(has_attachment))
    if before_id is not None:
        clauses.append("m.id < %s")
        params.append(int(before_id))
    return " AND ".join(clauses), params


def _search_sqlite(terms: Sequence[str], channels: Sequence[int], where: str,
                   params: list[Any], limit: int, before_id: int | None) -> dict[int, str]:
    # CROSS JOIN keeps the full-text index as the outer loop: FTS5 walks its matches from
    # the newest rowid down and stops after `limit` readable ones.
    in_channels = ",".join(str(int(pk)) for pk in channels)
    # The next page starts inside the index, not after walking the pages before it.
    start = "" if before_id is None else f"AND chat_message_fts.rowid < {int(before_id)} "
    # Only integer ids and the fixed conditions of _filters() are interpolated.
    sql = (
        "SELECT m.id, snippet(chat_message_fts, 0, %s, %s, '…', 24) "  # noqa: S608
        "FROM chat_message_fts CROSS JOIN chat_message m ON m.id = chat_message_fts.rowid "
        f"WHERE chat_message_fts MATCH %s {start}AND m.channel_id IN ({in_channels}) "
        f"AND {where} "
        "ORDER BY chat_message_fts.rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [OPEN, CLOSE, fts5_query(terms), *params, limit])
        return dict(cursor.fetchall())
